"""Reading CSV shards into string frames, with every file-level defect reported precisely.

A table is a folder of CSV shards. Each shard is read strictly: UTF-8 without a byte-order
mark, the exact header of the table's schema, the same number of fields on every row and no
repeated header lines. Cells are stripped of surrounding white space and empty cells become
null. Two bookkeeping columns, ``_file`` and ``_line``, locate every row for error messages.
Parsing into types happens in :mod:`hima_analytics.validation`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from .errors import did_you_mean
from .problems import Problem
from .schemas import Table

BOM = b"\xef\xbb\xbf"
LOCATION_COLUMNS = ("_file", "_line")


def shard_files(root: Path, table: Table) -> list[Path]:
    """The table's CSV shards under ``root``, sorted by name for a stable load order."""
    folder = root / table.name
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def display_path(path: Path) -> str:
    """A short, stable name for a file in messages: relative to the working directory if possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_shard(path: Path, table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Read one shard as strings. Returns ``(frame, problems)``; the frame is None if unusable."""
    name = display_path(path)
    raw = path.read_bytes()
    if not raw.strip():
        return None, [
            Problem(
                name,
                None,
                None,
                f"a header row ({','.join(table.column_names)})",
                "an empty file",
                "delete the file or add the header and rows",
            )
        ]
    problems: list[Problem] = []
    if raw.startswith(BOM):
        problems.append(
            Problem(
                name,
                1,
                None,
                "UTF-8 without a byte-order mark",
                "a UTF-8 BOM (EF BB BF)",
                "re-save the file as plain UTF-8 (Excel: 'CSV UTF-8' adds a BOM; strip the first 3 bytes)",
            )
        )
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 4].hex(" ")
        return None, problems + [
            Problem(
                name,
                line,
                None,
                "UTF-8 text",
                f"bytes {bad} at byte offset {exc.start}",
                "the file looks like GBK/GB18030 or Latin-1; convert it with `iconv -f GB18030 -t UTF-8`",
            )
        ]
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:  # pragma: no cover - caught by the empty check
        header = []
    expected = list(table.column_names)
    if not set(header) & set(expected):
        shown = ",".join(header)[:120]
        return None, problems + [
            Problem(
                name,
                1,
                None,
                f"the header row {','.join(expected)}",
                f"a line with no column names ({shown}...)",
                "the header row is missing: add it as the first line",
            )
        ]
    # Optional columns may be left out of the header (a shard written before the column existed
    # still reads); they load as empty cells, i.e. null or the column's default.
    optional = {c.name for c in table.columns if not c.required}
    missing = [c for c in expected if c not in header and c not in optional]
    extra = [c for c in header if c not in expected]
    for col in missing:
        close = did_you_mean(col, extra).strip()
        hint = close or f"the header must be: {','.join(expected)}"
        problems.append(Problem(name, 1, col, f"column {col!r}", f"header {header}", hint))
    for col in extra:
        close = did_you_mean(col, expected).strip()
        hint = close or f"allowed columns: {', '.join(expected)}"
        problems.append(Problem(name, 1, col, "only the schema's columns", f"unknown column {col!r}", hint))
    if missing or extra:
        return None, problems

    lines: list[int] = []
    records: list[list[str]] = []
    last = rows.line_num
    try:
        for record in rows:
            start = last + 1
            last = rows.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            cells = [cell.strip() for cell in record]
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        name,
                        start,
                        None,
                        f"{len(header)} fields",
                        f"{len(cells)} fields",
                        "quote any value that contains a comma",
                    )
                )
                continue
            if cells == header:
                problems.append(
                    Problem(
                        name,
                        start,
                        None,
                        "a data row",
                        "a repeated header row",
                        "remove the stray header (files concatenated with their headers?)",
                    )
                )
                continue
            lines.append(start)
            records.append(cells)
    except csv.Error as exc:
        problems.append(Problem(name, rows.line_num, None, "well-formed CSV", str(exc), "check quoting"))
        return None, problems

    columns = {col: [r[i] or None for r in records] for i, col in enumerate(header)}
    columns |= {col: [None] * len(records) for col in expected if col not in header}
    frame = pl.DataFrame(
        {**columns, "_file": [name] * len(records), "_line": lines},
        schema={**{c: pl.String for c in expected}, "_file": pl.String, "_line": pl.Int64},
    ).select([*expected, *LOCATION_COLUMNS])
    return frame, problems


def read_table(roots: list[Path], table: Table) -> tuple[pl.DataFrame, list[Problem], list[Path], bool]:
    """Read and concatenate every shard of ``table`` under each root (shipped data, then overlay).

    Returns the rows, the problems, the shard paths and whether any shard was unreadable as a
    whole (in which case the table's rows are incomplete).
    """
    frames: list[pl.DataFrame] = []
    problems: list[Problem] = []
    files: list[Path] = []
    unreadable = False
    for root in roots:
        for path in shard_files(root, table):
            files.append(path)
            frame, found = read_shard(path, table)
            problems.extend(found)
            if frame is not None:
                frames.append(frame)
            else:
                unreadable = True
    empty = pl.DataFrame(schema={**{c: pl.String for c in table.column_names}, "_file": pl.String, "_line": pl.Int64})
    return (pl.concat(frames) if frames else empty), problems, files, unreadable
