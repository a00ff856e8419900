"""What every command shares: the data-folder options, the located problem report, and output
as a table that fits the terminal, as CSV or as JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import polars as pl

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
        help="The analyst's own rows in the same layout (default: $HIMA_DATA_OVERLAY, else overlay/ if present).",
    ),
]


def data_options(func: Callable) -> Callable:
    """Add ``--data-dir`` and ``--overlay`` to a command."""
    for opt in reversed(_DATA_OPTS):
        func = opt(func)
    return func


def output_options(func: Callable) -> Callable:
    """Add ``--csv`` and ``--json`` to a command that prints data."""
    func = click.option("--json", "as_json", is_flag=True, help="Write JSON records to stdout instead of a table.")(
        func
    )
    return click.option("--csv", "as_csv", is_flag=True, help="Write CSV to stdout instead of a table.")(func)


def terminal_width() -> int:
    """The terminal's width, or 120 columns when output is not a terminal."""
    return shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=terminal_width())


def fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` to stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def catalog_or_exit(data_dir, overlay):
    """The validated catalog, or the problem report and exit 1 (exit 2 when a folder is missing)."""
    from ..catalog import load_catalog
    from ..problems import DataValidationError

    try:
        return load_catalog(data_dir=data_dir, overlay=overlay)
    except DataValidationError as exc:
        report_problems(exc.problems)
        sys.exit(1)
    except FileNotFoundError as exc:
        fail(str(exc))


#: Problems of one kind printed before the rest are counted (``--all`` prints every one).
PROBLEMS_PER_KIND = 5


def report_problems(problems: Sequence, show_all: bool = False, verb: str = "nothing was loaded") -> None:
    """Every problem, or at most a few of each kind (same column and expectation) with a count
    of the rest, so a file with thousands of bad rows gives a readable report."""
    click.echo(f"{len(problems)} problem(s) found; {verb}:", err=True)
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


def cell_text(value: Any, column: str = "", unit: str | None = None) -> str:
    """One value as a person reads it: thousands separators, fractions as percentages,
    ISO dates and months, empty for missing.

    >>> cell_text(52747), cell_text(0.2134, unit="fraction"), cell_text(None), cell_text(True)
    ('52,747', '21.34%', '', 'yes')
    >>> import datetime as dt
    >>> cell_text(dt.date(2025, 6, 1), "month"), cell_text(12345.678)
    ('2025-06', '12,345.7')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if unit == "fraction":
            return f"{value:.2%}"
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.4g}"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if column == "month" else value.isoformat()
    return str(value)


#: Columns that would make a table unreadably wide are cut to this many characters; columns
#: whose every value is at most ``SHORT_TEXT`` long are never cut.
WIDE_TEXT = 48
SHORT_TEXT = 16


def print_frame(
    frame: pl.DataFrame,
    title: str | None = None,
    limit: int | None = None,
    wrap: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> None:
    """A table that fits the terminal: numbers right-aligned and formatted, long text cut with
    an ellipsis (columns in ``wrap`` wrap instead, columns in ``keep`` are never cut), at most
    ``limit`` rows with a count of the rest."""
    import polars as pl
    from rich.table import Table

    rows = frame if limit is None else frame.head(limit)
    units = rows["unit"].cast(pl.String).to_list() if "unit" in rows.columns else [None] * rows.height
    cells = [
        [cell_text(v, c, unit if c == "value" else None) for c, v in row.items()]
        for row, unit in zip(rows.iter_rows(named=True), units)
    ]
    table = Table(title=title, header_style="bold", show_edge=False, pad_edge=False, show_lines=bool(wrap))
    numeric = {c for c, t in frame.schema.items() if t.is_numeric()}
    cut = WIDE_TEXT // 2 if wrap else WIDE_TEXT
    for i, col in enumerate(frame.columns):
        natural = max([len(col), *(len(r[i]) for r in cells)])
        if col in wrap:
            table.add_column(col, overflow="fold", min_width=min(natural, 40), ratio=1)
        elif col in keep or col in numeric or natural <= SHORT_TEXT:
            table.add_column(col, justify="right" if col in numeric else "left", no_wrap=True, min_width=natural)
        else:
            table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=cut)
    for r in cells:
        table.add_row(*r)
    con = console()
    con.print(table)
    if limit is not None and frame.height > limit:
        con.print(f"… {frame.height - limit} more rows (use --limit 0 for all, or --csv / --json)")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def emit(
    frame: pl.DataFrame,
    as_csv: bool,
    as_json: bool,
    title: str | None = None,
    limit: int | None = None,
    wrap: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> None:
    """Print ``frame`` as CSV, as JSON records, or as a readable table (the default)."""
    if as_csv and as_json:
        fail("choose one of --csv and --json.")
    if as_csv:
        click.echo(frame.write_csv(), nl=False)
    elif as_json:
        records = [{k: _jsonable(v) for k, v in r.items()} for r in frame.iter_rows(named=True)]
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        print_frame(frame, title=title, limit=limit, wrap=wrap, keep=keep)
