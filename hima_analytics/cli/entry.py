"""``hima data add`` (record figures and their source) and ``hima data diff`` (what changed)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import data
from .common import data_options, emit, fail, output_options, report_problems

#: ``--option`` → CSV column, for the single-row form of ``hima data add``.
ROW_OPTIONS = (
    "month",
    "date",
    "entity",
    "company",
    "subject",
    "measure",
    "metric",
    "perimeter",
    "segment",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "unit",
    "qualifier",
    "powertrain",
    "description",
    "event_type",
    "date_precision",
    "preferred",
    "note",
)


def _row_from_options(table: str, given: dict[str, str | None]) -> dict[str, str | None]:
    """The one row described by the options: ``--entity`` fills the table's id column
    (``company`` for financials, ``subject`` for facts), volumes count deliveries unless told."""
    from ..schemas import TABLES

    cols = TABLES[table].column_names
    row = {k: v for k, v in given.items() if v is not None}
    if "entity" in row and "entity" not in cols:
        row.setdefault("company" if "company" in cols else "subject", row.pop("entity"))
    if table == "volumes":
        row.setdefault("measure", "deliveries")
    stray = sorted(k for k in row if k not in cols)
    if stray:
        fail(f"--{stray[0].replace('_', '-')} does not apply to {table}; its columns are {', '.join(cols)}.")
    if "qualifier" in cols and "qualifier" not in row:
        fail("say how the source worded the figure: --qualifier exact, about, over, under or rounded.")
    return row


@data.command()
@click.argument("table", type=click.Choice(["volumes", "financials", "facts", "market", "events"]))
@click.option("--month", help="Month of a monthly figure, YYYY-MM.")
@click.option("--date", help="Date of an event, YYYY-MM-DD.")
@click.option("--entity", "-e", help="Entity id (company for financials, subject for facts).")
@click.option("--company", help="Company id (financials).")
@click.option("--subject", help="Entity or company id (facts).")
@click.option("--measure", help="Volumes: deliveries (default), wholesale, retail, registrations, production.")
@click.option("--metric", help="Financials and facts: what was reported.")
@click.option("--perimeter", help="What the figure covers (default all).")
@click.option("--segment", help="Market: passenger_vehicles or nev_passenger.")
@click.option("--period-type", "period_type", help="Financials: Q, H, 9M or FY.")
@click.option("--period-start", "period_start", help="First day of the period, YYYY-MM-DD.")
@click.option("--period-end", "period_end", help="Last day of the period, YYYY-MM-DD.")
@click.option("--value", help="The figure, as published (no thousands separators).")
@click.option("--unit", help="Unit of the value (financials, facts, events).")
@click.option("--qualifier", "-q", help="How the source worded it: exact, about, over, under or rounded.")
@click.option("--powertrain", help="Volumes: BEV, EREV, PHEV or mixed.")
@click.option("--description", help="Facts and events: the figure or event in words.")
@click.option("--event-type", "event_type", help="Events: kind of event.")
@click.option("--date-precision", "date_precision", help="Events: day or month.")
@click.option("--note", help="Quote the source's wording; say why a value is preferred.")
@click.option("--source-id", help="Id of a source already in data/sources/ (instead of --url ...).")
@click.option("--url", help="Address of the page the figure comes from.")
@click.option("--title", help="Title of the page.")
@click.option("--publisher", help="Who published it.")
@click.option("--published", help="Publication date, YYYY-MM-DD.")
@click.option("--retrieved", help="Date you retrieved the page (default today).")
@click.option("--language", help="Language code of the page (default: guessed from the title).")
@click.option("--tier", type=click.Choice(["primary", "major", "aggregator"]), help="Kind of publisher.")
@click.option("--source-note", help="A note on the source.")
@click.option("--from-csv", "from_csv", type=click.Path(dir_okay=False, exists=True), help="Add every row of FILE.")
@click.option("--shard", help="Write to data/<table>/<SHARD>.csv (shipped data) instead of the overlay.")
@click.option("--prefer", is_flag=True, help="Make a conflicting new figure the preferred one.")
@click.option("--all", "show_all", is_flag=True, help="List every problem if the rows are refused.")
@data_options
def add(table, from_csv, shard, prefer, show_all, data_dir, overlay, **options) -> None:
    """Record figures in TABLE with their source, after validating the whole catalog with them.

    \b
    hima data add volumes --entity HIMA --month 2026-03 --value 61234 --qualifier exact \\
        --url https://... --title "..." --publisher "..." --published 2026-04-01

    Rows go to the overlay (overlay/<table>/local.csv unless $HIMA_DATA_OVERLAY or --overlay
    says otherwise), or to data/<table>/<SHARD>.csv with --shard. A figure that differs from the
    preferred value of its key is kept as a non-preferred row unless --prefer is given. Nothing is
    written when any problem is found.
    """
    from .. import paths
    from ..entry import EntryRefused, add_rows, rows_from_csv
    from ..errors import HimaError
    from ..problems import DataValidationError

    source_keys = ("source_id", "url", "title", "publisher", "published", "retrieved", "language", "tier")
    source = {k: options.pop(k) for k in source_keys if options.get(k) is not None}
    if options.get("source_note"):
        source["note"] = options["source_note"]
    options.pop("source_note", None)
    if from_csv:
        if any(v is not None for v in options.values()):
            fail("--from-csv takes the rows from the file; give only source options with it.")
        rows = rows_from_csv(Path(from_csv), table)
        if not rows:
            fail(f"{from_csv} has no rows below its header.")
    else:
        rows = [_row_from_options(table, options)]
    try:
        done = add_rows(table, rows, source, shard=shard, prefer=prefer, data_dir=data_dir, overlay=overlay)
    except EntryRefused as exc:
        if exc.problems:
            report_problems(exc.problems, show_all, verb="nothing was written")
        else:
            click.echo(f"error: {exc}; nothing was written.", err=True)
        sys.exit(1)
    except DataValidationError as exc:
        report_problems(exc.problems, show_all, verb="fix the data before adding to it")
        sys.exit(1)
    except (HimaError, FileNotFoundError) as exc:
        fail(f"{exc}; nothing was written.")
    from ..ingest import display_path

    click.echo(f"added {done.rows} row(s) to {display_path(done.target)}")
    for sid in done.sources_created:
        click.echo(f"  new source {sid}")
    for sid in done.sources_reused:
        click.echo(f"  cites the known source {sid}")
    if done.kept_not_preferred:
        click.echo(
            f"  {done.kept_not_preferred} row(s) differ from or repeat a preferred value and were kept as "
            "not preferred (see the note; --prefer makes a new figure the preferred one)"
        )
    if done.demoted:
        click.echo(f"  {done.demoted} earlier row(s) marked not preferred")
    if not shard and overlay is None and paths.overlay_dir() is None:
        click.echo(
            f"warning: {paths.OVERLAY_ENV} is set but empty, so {display_path(done.target)} is not read; "
            f"unset it to use the default overlay.",
            err=True,
        )
    click.echo("next: `hima reports build` (or `make reports`) rebuilds the reports that read it")


@data.command("diff")
@click.argument("rev", required=False)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Pages folder of the build to compare."
)
@click.option("--limit", type=int, default=100, show_default=True, help="Changes to print (0 = all).")
@output_options
def diff_(rev, out_dir, limit, as_csv, as_json) -> None:
    """Figure-level changes in the data: against git revision REV (e.g. HEAD, main~1), or, without
    REV, against the data the last report build used. The data compared includes the overlay."""
    from .. import changes, paths
    from ..reporting.runner import state_dir

    now = changes.snapshot(paths.data_roots())
    if rev:
        try:
            before = changes.at_revision(rev, paths.PROJECT_ROOT)
        except changes.RevisionError as exc:
            fail(str(exc))
        against = f"git revision {rev}"
    else:
        folder = state_dir(Path(out_dir) if out_dir else paths.reports_dir() / "html") / "catalog"
        before = changes.read_snapshot(folder)
        if before is None:
            fail(f"no build has recorded its data yet ({folder} is missing); run `hima reports build`, or name a REV.")
        against = "the last build"
    found = changes.diff(before, now)
    if not (as_csv or as_json):
        click.echo(f"since {against}: {changes.describe(found)}")
        if found.is_empty():
            return
    emit(found, as_csv, as_json, title="changes", limit=None if limit == 0 else limit, wrap=("key", "before", "after"))
