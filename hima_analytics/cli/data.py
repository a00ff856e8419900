"""``hima data``: validate, list, show, coverage, docs, sources, reconcile, summary."""

from __future__ import annotations

import sys

import click
import polars as pl

from .app import data
from .common import catalog_or_exit, console, data_options, emit, fail, output_options, report_problems


@data.command()
@click.option("--all", "show_all", is_flag=True, help="List every problem, not only the first few of each kind.")
@data_options
def validate(show_all, data_dir, overlay) -> None:
    """Check every table and list every problem found (exit 1 if any)."""
    from ..catalog import data_warnings
    from ..catalog import validate as run

    try:
        problems = run(data_dir=data_dir, overlay=overlay)
        for w in data_warnings(data_dir=data_dir, overlay=overlay):
            click.echo(f"warning: {w}", err=True)
    except FileNotFoundError as exc:
        fail(str(exc))
    if problems:
        report_problems(problems, show_all)
        sys.exit(1)
    cat = catalog_or_exit(data_dir, overlay)
    rows = sum(f.height for f in cat.frames.values())
    click.echo(f"ok: {rows} rows in {len(cat.files)} files, every row typed and resolved to a source.")


@data.command("list")
@output_options
@data_options
def list_(as_csv, as_json, data_dir, overlay) -> None:
    """The datasets with their row counts, shards and descriptions."""
    from ..schemas import TABLES

    cat = catalog_or_exit(data_dir, overlay)
    rows = []
    for name, t in TABLES.items():
        frame = cat.frames[name]
        shards = sorted({p.name for p in cat.files if p.parent.name == name})
        rows.append((name, frame.height, ", ".join(shards), t.description))
    frame = pl.DataFrame(rows, schema=["dataset", "rows", "shards", "description"], orient="row")
    emit(frame, as_csv, as_json, wrap=("shards", "description"))


#: What ``hima data show`` prints by default: what a figure is, its value, how it was worded
#: and where it comes from. ``--columns`` picks others; ``--notes`` adds the note.
DEFAULT_COLUMNS = {
    "volumes": ("month", "entity", "measure", "perimeter", "value", "qualifier", "source_id"),
    "financials": (
        "company",
        "period_type",
        "period_start",
        "period_end",
        "metric",
        "perimeter",
        "value",
        "unit",
        "qualifier",
        "source_id",
    ),
    "facts": ("subject", "metric", "period_start", "period_end", "value", "unit", "qualifier", "source_id"),
    "market": ("month", "segment", "measure", "value", "qualifier", "source_id"),
    "events": ("date", "entity", "event_type", "description", "value", "unit"),
    "sources": ("source_id", "publisher", "published", "tier", "language", "url"),
    "entities": ("entity", "level", "name", "name_zh", "parent", "company", "powertrain", "segment"),
    "companies": ("company", "name", "name_zh", "tickers"),
    "exceptions": ("check", "entity", "period_start", "period_end", "reason"),
}


def choose_columns(name: str, frame: pl.DataFrame, columns: str | None, notes: bool, all_values: bool) -> list[str]:
    """The columns to print: ``--columns`` as given (unknown ones refused with a suggestion),
    else the table's defaults, plus ``preferred`` with ``--all-values`` and ``note`` with ``--notes``."""
    from ..errors import UnknownNameError

    if columns:
        chosen = [c.strip() for c in columns.split(",") if c.strip()]
        for c in chosen:
            if c not in frame.columns:
                raise UnknownNameError("column", c, frame.columns, hint=f"the columns of {name!r}")
    else:
        chosen = [c for c in DEFAULT_COLUMNS.get(name, frame.columns) if c in frame.columns]
        if all_values and "preferred" in frame.columns:
            chosen.append("preferred")
    if notes and "note" in frame.columns and "note" not in chosen:
        chosen.append("note")
    return chosen


@data.command()
@click.argument("name")
@click.option("--entity", "-e", multiple=True, help="Entity, company or subject id or name (repeatable).")
@click.option("--start", help="First month or date, YYYY-MM or YYYY-MM-DD.")
@click.option("--end", help="Last month or date.")
@click.option("--all-values", is_flag=True, help="Every reported value, not only the preferred one.")
@click.option("--implied", is_flag=True, help="Volumes only: add the months implied by published totals.")
@click.option("--columns", "-c", help="Comma-separated columns to print (default: the table's main ones).")
@click.option("--notes", is_flag=True, help="Add the free-text note of each row.")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to print (0 = all).")
@output_options
@data_options
def show(
    name, entity, start, end, all_values, implied, columns, notes, limit, as_csv, as_json, data_dir, overlay
) -> None:
    """Print dataset NAME (see `hima data list`) as a table that fits the terminal."""
    from ..catalog import load
    from ..errors import HimaError

    catalog_or_exit(data_dir, overlay)
    try:
        frame = load(
            name,
            entity=list(entity) or None,
            start=start,
            end=end,
            all_values=all_values,
            implied=implied,
            data_dir=data_dir,
            overlay=overlay,
        )
        chosen = choose_columns(name, frame, columns, notes, all_values)
    except (HimaError, KeyError, ValueError) as exc:
        fail(str(exc.args[0]) if type(exc) is KeyError and exc.args else str(exc))
    if as_csv or as_json:  # machine output: every column unless some were chosen
        frame = frame.select(chosen) if columns else frame
    else:
        frame = frame.select(chosen)
    emit(
        frame,
        as_csv,
        as_json,
        title=f"{name}: {frame.height} rows",
        limit=None if limit == 0 else limit,
        wrap=("note",) if notes else (),
    )


@data.command()
@click.option("--years", help="Years to show, e.g. 2024-2026 (default: the latest that fit the terminal).")
@output_options
@data_options
def coverage(years, as_csv, as_json, data_dir, overlay) -> None:
    """Entity-by-month coverage of the monthly volumes: one column per year, Jan→Dec."""
    from ..catalog import load
    from ..coverage import BOUND, HAVE, IMPLIED, MISSING, coverage_matrix
    from .common import terminal_width

    catalog_or_exit(data_dir, overlay)
    matrix = coverage_matrix(load("volumes", implied=True, data_dir=data_dir, overlay=overlay))
    all_years = [c for c in matrix.columns if c.isdigit()]
    if years:
        lo, _, hi = years.partition("-")
        chosen = [y for y in all_years if lo <= y <= (hi or lo)]
        if not chosen:
            fail(f"--years {years}: no such years; the data has {all_years[0]}-{all_years[-1]}.")
    elif as_csv or as_json:
        chosen = all_years
    else:  # entity and measure take about 40 columns, each year 13, the counts 18
        fit = max(1, (terminal_width() - 58) // 13)
        chosen = all_years[-fit:]
    frame = matrix.select("entity", "measure", *chosen, "months", "implied")
    if not (as_csv or as_json):
        click.echo(
            f"{HAVE} figure  {BOUND} bound only (over/under)  {IMPLIED} implied by published totals  {MISSING} missing"
        )
        if len(chosen) < len(all_years):
            click.echo(f"showing {chosen[0]}-{chosen[-1]}; --years {all_years[0]}-{all_years[-1]} for all (or --csv)")
    emit(frame, as_csv, as_json, title="monthly volumes (preferred values), Jan→Dec per year", keep=chosen)


@data.command()
@click.option("--write", is_flag=True, help="Refresh the generated blocks in data/README.md.")
@data_options
def docs(write, data_dir, overlay) -> None:
    """Check (or with --write, refresh) the generated parts of data/README.md: the column
    dictionary and the coverage matrix. Exits 1 when the README is out of date."""
    from .. import paths
    from ..catalog import load
    from ..coverage import coverage_markdown, current_block, dictionary_markdown, replace_block
    from ..files import write_atomic

    catalog_or_exit(data_dir, overlay)
    blocks = {
        "dictionary": dictionary_markdown(),
        "coverage": coverage_markdown(
            load("volumes", implied=True, data_dir=data_dir, overlay=overlay),
            load("financials", data_dir=data_dir, overlay=overlay),
        ),
    }
    readme = paths.data_readme(paths.data_dir(data_dir))
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Data dictionary\n"
    stale = [name for name, block in blocks.items() if current_block(text, name) != block]
    if write:
        for name, block in blocks.items():
            text = replace_block(text, name, block)
        write_atomic(readme, text.encode("utf-8"))
        click.echo(f"refreshed {', '.join(blocks)} in {readme}")
    elif stale:
        click.echo(f"{readme}: {', '.join(stale)} out of date; run `hima data docs --write`.", err=True)
        sys.exit(1)
    else:
        click.echo(f"{readme} is up to date.")


@data.command()
@click.argument("source_id", required=False)
@output_options
@data_options
def sources(source_id, as_csv, as_json, data_dir, overlay) -> None:
    """Each source and the figures it backs (or one source in detail)."""
    from ..schemas import TABLES

    cat = catalog_or_exit(data_dir, overlay)
    srcs = cat.frames["sources"]
    counts = srcs.select("source_id")
    for name, t in TABLES.items():
        if name != "sources" and "source_id" in t.column_names:
            b = cat.frames[name].group_by("source_id").agg(pl.len().alias(name))
            counts = counts.join(b, on="source_id", how="left")
    counts = counts.fill_null(0)
    if source_id:
        row = srcs.filter(pl.col("source_id") == source_id)
        if row.is_empty():
            from ..errors import did_you_mean

            fail(f"unknown source {source_id!r}." + did_you_mean(source_id, srcs["source_id"]))
        backed = {
            name: cat.frames[name].filter(pl.col("source_id") == source_id).drop("_file", "_line", "source_id")
            for name in ("volumes", "financials", "market", "facts", "events", "entities", "companies")
        }
        if as_csv or as_json:
            emit(row.drop("_file", "_line"), as_csv, as_json)
            return
        con = console()
        for k, v in row.drop("_file", "_line").row(0, named=True).items():
            con.print(f"[bold]{k}[/bold]: {'' if v is None else v}", soft_wrap=True)
        for name, f in backed.items():
            if f.height:
                emit(f, False, False, title=f"{name} backed by {source_id}", limit=100)
        return
    table = srcs.select("source_id", "publisher", "published").join(counts, on="source_id")
    table = table.with_columns(pl.sum_horizontal(*[c for c in counts.columns if c != "source_id"]).alias("rows"))
    emit(table.sort("source_id"), as_csv, as_json, title=f"{srcs.height} sources")


@data.command()
@click.option("--tolerance", type=float, default=None, help="Relative tolerance (default 0.02).")
@click.option("--all", "show_all", is_flag=True, help="Show every comparison, not only flagged/partial.")
@output_options
@data_options
def reconcile(tolerance, show_all, as_csv, as_json, data_dir, overlay) -> None:
    """Brands against the alliance, models against brands, months against published periods."""
    from ..reconcile import DEFAULT_TOLERANCE, reconciliation_report

    catalog_or_exit(data_dir, overlay)
    report = reconciliation_report(
        tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance, data_dir=data_dir, overlay=overlay
    )
    notable = ["flagged", "exception", "partial", "conflict"]
    shown = report if show_all else report.filter(pl.col("status").is_in(notable))
    if as_csv or as_json:
        emit(shown, as_csv, as_json)
    else:
        emit(report.group_by("check", "status").len().sort("check", "status"), False, False, "reconciliation summary")
        emit(shown.with_columns(pl.col("rel_diff").round(4)), False, False, title="details")
    if (report["status"] == "flagged").any():
        sys.exit(1)


@data.command()
@output_options
@data_options
def summary(as_csv, as_json, data_dir, overlay) -> None:
    """What the data holds: rows per dataset, coverage of the main series, reconciliation status."""
    from ..catalog import load
    from ..coverage import coverage_counts
    from ..reconcile import reconciliation_report

    cat = catalog_or_exit(data_dir, overlay)
    counts = coverage_counts(load("volumes", data_dir=data_dir, overlay=overlay))
    if as_csv or as_json:
        emit(counts, as_csv, as_json)
        return
    con = console()
    con.print(f"[bold]hima_analytics data[/bold]: {len(cat.files)} files, fingerprint {cat.fingerprint[:12]}")
    for name, frame in cat.frames.items():
        con.print(f"  {name:<11} {frame.height:>6} rows")
    emit(counts.with_columns(pl.col("share").round(3)), False, False, "monthly coverage by entity and measure")
    rec = reconciliation_report(data_dir=data_dir, overlay=overlay).group_by("check", "status").len()
    emit(rec.sort("check", "status"), False, False, "reconciliation")
