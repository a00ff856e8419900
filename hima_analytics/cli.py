"""The ``hima`` command line.

hima data validate           check every table; list every problem; exit 1 if any
hima data list               the datasets, their rows and files
hima data show NAME          print a dataset (filters: --entity, --start, --end)
hima data coverage           entity-by-month coverage of the monthly volumes
hima data docs [--write]     check or refresh the generated parts of data/README.md
hima data sources [ID]       each source and the figures it backs
hima data reconcile          parts against wholes, flagged beyond a tolerance
hima data summary            a short overview of what the data holds
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

_DATA_OPTS = [
    click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Curated data folder (default: the project's data/ or $HIMA_DATA_DIR).",
    ),
    click.option(
        "--overlay",
        type=click.Path(file_okay=False),
        default=None,
        help="Extra rows in the same layout (default: $HIMA_DATA_OVERLAY).",
    ),
]


def data_options(func):
    for opt in reversed(_DATA_OPTS):
        func = opt(func)
    return func


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=200 if not sys.stdout.isatty() else None)


def _catalog_or_exit(data_dir, overlay):
    from .catalog import load_catalog
    from .problems import DataValidationError

    try:
        return load_catalog(data_dir=data_dir, overlay=overlay)
    except DataValidationError as exc:
        _report_problems(exc.problems)
        sys.exit(1)
    except FileNotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


#: Problems of one kind printed before the rest are counted (``--all`` prints every one).
PROBLEMS_PER_KIND = 5


def _report_problems(problems, show_all: bool = False) -> None:
    """Every problem, or at most a few of each kind (same column and expectation) with a count
    of the rest, so a file with thousands of bad rows gives a readable report."""
    from collections import defaultdict

    click.echo(f"{len(problems)} problem(s) found; nothing was loaded:", err=True)
    kinds: dict[tuple, list] = defaultdict(list)
    for p in problems:
        kinds[(p.column, p.expected)].append(p)
    for (column, expected), group in kinds.items():
        shown = group if show_all else group[:PROBLEMS_PER_KIND]
        for p in shown:
            click.echo(f"  {p}", err=True)
        if len(group) > len(shown):
            where = f"column {column!r}: " if column else ""
            click.echo(
                f"  ... and {len(group) - len(shown)} more like these ({where}expected {expected}); "
                "use --all to list every one",
                err=True,
            )


def _print_frame(frame, title: str | None = None, limit: int | None = None) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for col in frame.columns:
        table.add_column(col, overflow="fold")
    rows = frame.rows() if limit is None else frame.head(limit).rows()
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    con = _console()
    con.print(table)
    if limit is not None and frame.height > limit:
        con.print(f"… {frame.height - limit} more rows (use --limit 0 for all, or --csv)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hima_analytics")
def main() -> None:
    """Analytics on Huawei's Harmony Intelligent Mobility Alliance (HIMA) and its rivals."""


@main.group()
def data() -> None:
    """Inspect and check the curated datasets."""


@data.command()
@click.option("--all", "show_all", is_flag=True, help="List every problem, not only the first few of each kind.")
@data_options
def validate(show_all, data_dir, overlay) -> None:
    """Check every table and list every problem found (exit 1 if any)."""
    from .catalog import validate as run

    try:
        problems = run(data_dir=data_dir, overlay=overlay)
    except FileNotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if problems:
        _report_problems(problems, show_all)
        sys.exit(1)
    cat = _catalog_or_exit(data_dir, overlay)
    rows = sum(f.height for f in cat.frames.values())
    click.echo(f"ok: {rows} rows in {len(cat.files)} files, every row typed and resolved to a source.")


@data.command("list")
@data_options
def list_(data_dir, overlay) -> None:
    """The datasets with their row counts, shards and descriptions."""
    import polars as pl

    from .schemas import TABLES

    cat = _catalog_or_exit(data_dir, overlay)
    rows = []
    for name, t in TABLES.items():
        frame = cat.frames[name]
        shards = sorted({p.name for p in cat.files if p.parent.name == name})
        rows.append((name, frame.height, ", ".join(shards), t.description))
    _print_frame(pl.DataFrame(rows, schema=["dataset", "rows", "shards", "description"], orient="row"))


@data.command()
@click.argument("name")
@click.option("--entity", "-e", multiple=True, help="Entity, company or subject id (repeatable).")
@click.option("--start", help="First month or date, YYYY-MM or YYYY-MM-DD.")
@click.option("--end", help="Last month or date.")
@click.option("--all-values", is_flag=True, help="Every reported value, not only the preferred one.")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to print (0 = all).")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to stdout instead of a table.")
@data_options
def show(name, entity, start, end, all_values, limit, as_csv, data_dir, overlay) -> None:
    """Print dataset NAME (see `hima data list`)."""
    from .catalog import load

    _catalog_or_exit(data_dir, overlay)
    try:
        frame = load(
            name,
            entity=list(entity) or None,
            start=start,
            end=end,
            all_values=all_values,
            data_dir=data_dir,
            overlay=overlay,
        )
    except (KeyError, ValueError) as exc:
        click.echo(f"error: {exc.args[0] if exc.args else exc}", err=True)
        sys.exit(2)
    if as_csv:
        click.echo(frame.write_csv(), nl=False)
    else:
        _print_frame(frame, title=f"{name}: {frame.height} rows", limit=None if limit == 0 else limit)


@data.command()
@data_options
def coverage(data_dir, overlay) -> None:
    """Entity-by-month coverage of the monthly volumes, and financial periods per company."""
    from .catalog import load
    from .coverage import coverage_markdown

    _catalog_or_exit(data_dir, overlay)
    click.echo(
        coverage_markdown(
            load("volumes", implied=True, data_dir=data_dir, overlay=overlay),
            load("financials", data_dir=data_dir, overlay=overlay),
        )
    )


@data.command()
@click.option("--write", is_flag=True, help="Refresh the generated blocks in data/README.md.")
@data_options
def docs(write, data_dir, overlay) -> None:
    """Check (or with --write, refresh) the generated parts of data/README.md: the column
    dictionary and the coverage matrix. Exits 1 when the README is out of date."""
    from . import paths
    from .catalog import load
    from .coverage import coverage_markdown, current_block, dictionary_markdown, replace_block

    _catalog_or_exit(data_dir, overlay)
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
        tmp = readme.with_suffix(".md.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(readme)
        click.echo(f"refreshed {', '.join(blocks)} in {readme}")
    elif stale:
        click.echo(f"{readme}: {', '.join(stale)} out of date; run `hima data docs --write`.", err=True)
        sys.exit(1)
    else:
        click.echo(f"{readme} is up to date.")


@data.command()
@click.argument("source_id", required=False)
@data_options
def sources(source_id, data_dir, overlay) -> None:
    """Each source and the figures it backs (or one source in detail)."""
    import polars as pl

    from .schemas import TABLES

    cat = _catalog_or_exit(data_dir, overlay)
    srcs = cat.frames["sources"]
    backing = []
    for name, t in TABLES.items():
        if name == "sources" or "source_id" not in t.column_names:
            continue
        f = cat.frames[name]
        backing.append(f.group_by("source_id").agg(pl.len().alias(name)))
    counts = srcs.select("source_id")
    for b in backing:
        counts = counts.join(b, on="source_id", how="left")
    counts = counts.fill_null(0)
    if source_id:
        row = srcs.filter(pl.col("source_id") == source_id)
        if row.is_empty():
            from .errors import did_you_mean

            click.echo(f"error: unknown source {source_id!r}." + did_you_mean(source_id, srcs["source_id"]), err=True)
            sys.exit(2)
        con = _console()
        for k, v in row.drop("_file", "_line").row(0, named=True).items():
            con.print(f"[bold]{k}[/bold]: {'' if v is None else v}")
        for name in ("volumes", "financials", "market", "facts", "events", "entities", "companies"):
            f = cat.frames[name].filter(pl.col("source_id") == source_id).drop("_file", "_line", "source_id")
            if f.height:
                _print_frame(f, title=f"{name} backed by {source_id}", limit=100)
        return
    table = srcs.select("source_id", "publisher", "published").join(counts, on="source_id")
    table = table.with_columns(pl.sum_horizontal(*[c for c in counts.columns if c != "source_id"]).alias("rows"))
    _print_frame(table.sort("source_id"), title=f"{srcs.height} sources")


@data.command()
@click.option("--tolerance", type=float, default=None, help="Relative tolerance (default 0.02).")
@click.option("--all", "show_all", is_flag=True, help="Show every comparison, not only flagged/partial.")
@data_options
def reconcile(tolerance, show_all, data_dir, overlay) -> None:
    """Brands against the alliance, models against brands, months against published periods."""
    import polars as pl

    from .reconcile import DEFAULT_TOLERANCE, reconciliation_report

    _catalog_or_exit(data_dir, overlay)
    report = reconciliation_report(
        tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance, data_dir=data_dir, overlay=overlay
    )
    counts = report.group_by("check", "status").len().sort("check", "status")
    _print_frame(counts, title="reconciliation summary")
    shown = report if show_all else report.filter(pl.col("status").is_in(["flagged", "exception", "partial"]))
    _print_frame(shown.with_columns(pl.col("rel_diff").round(4)), title="details", limit=None)
    if (report["status"] == "flagged").any():
        sys.exit(1)


@data.command()
@data_options
def summary(data_dir, overlay) -> None:
    """What the data holds: rows per dataset, coverage of the main series, reconciliation status."""
    import polars as pl

    from .catalog import load
    from .coverage import coverage_counts
    from .reconcile import reconciliation_report

    cat = _catalog_or_exit(data_dir, overlay)
    con = _console()
    con.print(f"[bold]hima_analytics data[/bold]: {len(cat.files)} files, fingerprint {cat.fingerprint[:12]}")
    for name, frame in cat.frames.items():
        con.print(f"  {name:<11} {frame.height:>6} rows")
    counts = coverage_counts(load("volumes", data_dir=data_dir, overlay=overlay))
    _print_frame(counts.with_columns(pl.col("share").round(3)), title="monthly coverage by entity and measure")
    rec = reconciliation_report(data_dir=data_dir, overlay=overlay).group_by("check", "status").len()
    _print_frame(rec.sort("check", "status"), title="reconciliation")


@main.group()
def reports() -> None:
    """Build and list the HTML reports."""


def _grid(grid_path, notebooks_dir=None):
    from pathlib import Path

    from . import paths
    from .reporting.grid import GridError, load_grid

    path = Path(grid_path) if grid_path else paths.reports_dir() / "grid.toml"
    try:
        return load_grid(path, Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir())
    except GridError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@reports.command("list")
@click.option(
    "--grid", "grid_path", type=click.Path(dir_okay=False), default=None, help="Grid file (default reports/grid.toml)."
)
def reports_list(grid_path) -> None:
    """The declared runs: name, notebook and parameters."""
    import polars as pl

    runs, _ = _grid(grid_path)
    _print_frame(
        pl.DataFrame(
            [(r.name, r.notebook, r.title, r.params_text) for r in runs],
            schema=["name", "notebook", "title", "parameters"],
            orient="row",
        ),
        title=f"{len(runs)} reports",
    )


@reports.command("build")
@click.option("--only", multiple=True, help="Build only this report name (repeatable; prefix match on notebook).")
@click.option("-p", "--param", "overrides", multiple=True, help="Ad-hoc parameter key=value (with --only).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel reports (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
@click.option("--timeout", type=float, default=None, help="Per-report time limit in seconds (default from the grid).")
@click.option("--static", is_flag=True, help="Static SVG charts (smaller, no JavaScript).")
@click.option("--show-code", is_flag=True, help="Include the code, folded under each output.")
@click.option(
    "--grid", "grid_path", type=click.Path(dir_okay=False), default=None, help="Grid file (default reports/grid.toml)."
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Output folder (default reports/html)."
)
@click.option(
    "--notebooks",
    "notebooks_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Notebook folder (default notebooks/).",
)
@click.option(
    "--warm-kernels/--cold-kernels",
    default=True,
    show_default=True,
    help="Fork each report's kernel from one that has imported the report stack, or start each afresh.",
)
def reports_build(
    only, overrides, jobs, force, timeout, static, show_code, grid_path, out_dir, notebooks_dir, warm_kernels
) -> None:
    """Build the report grid into reports/html/ (skipping unchanged reports) plus index.html."""
    import os
    import time

    from . import paths
    from .reporting.grid import DEFAULT_TIMEOUT, GridError, apply_overrides
    from .reporting.runner import build

    runs, settings = _grid(grid_path, notebooks_dir)
    if only:
        chosen = [r for r in runs if r.name in only or r.notebook in only]
        missing = [o for o in only if not any(r.name == o or r.notebook == o for r in runs)]
        if missing:
            click.echo(f"error: no report named {missing}; see `hima reports list`.", err=True)
            sys.exit(2)
        runs = chosen
    if overrides and not only:
        click.echo("error: -p applies to ad-hoc runs; name them with --only.", err=True)
        sys.exit(2)
    try:
        runs = apply_overrides(runs, list(overrides), Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir())
    except GridError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    limit = timeout if timeout is not None else float(settings.get("timeout_seconds", DEFAULT_TIMEOUT))
    started = time.monotonic()
    click.echo(f"building {len(runs)} report(s) with {jobs or os.cpu_count()} job(s)...")
    from .errors import KernelMissingError
    from .problems import DataValidationError
    from .reporting.runner import BuildLocked, BuildStopped, state_dir

    out = Path(out_dir) if out_dir else paths.reports_dir() / "html"
    try:
        results = build(
            runs,
            out_dir=out,
            jobs=jobs,
            force=force,
            timeout=limit,
            mode="static" if static else "interactive",
            show_code=show_code,
            notebooks=Path(notebooks_dir) if notebooks_dir else None,
            on_result=lambda r: click.echo(r.line()),
            warm_kernels=warm_kernels,
            on_warning=lambda msg: click.echo(f"warning: {msg}", err=True),
        )
    except DataValidationError as exc:
        _report_problems(exc.problems, show_all=False)
        click.echo("no report was built: fix the data first (`hima data validate` lists every problem).", err=True)
        sys.exit(1)
    except (KernelMissingError, BuildLocked) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BuildStopped as exc:
        click.echo(f"stopped: {exc} The pages already written are complete; run the build again to finish.", err=True)
        sys.exit(130)
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    click.echo(
        f"{done} built, {skipped} unchanged, {len(failed)} failed in {time.monotonic() - started:.1f}s; "
        f"index: {out / 'index.html'}; log and timings: {state_dir(out)}"
    )
    for r in failed:
        click.echo(
            f"FAILED {r.name}: {r.error}" + (f" in cell {r.cell}" if r.cell is not None else "") + f" (log: {r.log})",
            err=True,
        )
    if failed:
        click.echo(f"{len(failed)} of {len(results)} report(s) failed: {', '.join(r.name for r in failed)}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
