"""Reading CSV shards into string frames, with every file-level defect reported precisely.

A table is a folder of CSV shards. Each shard is read strictly: UTF-8 without a byte-order
mark, the exact header of the table's schema, the same number of fields on every row and no
repeated header lines, no field over :data:`MAX_FIELD_CHARS` characters and no quote left open
(reported at the line where the quoted field starts). Only regular files inside their root are
read, and at most :data:`~hima_analytics.shards.MAX_SHARD_BYTES` bytes of each (see
:mod:`hima_analytics.shards`). Cells are stripped of surrounding white space and empty cells become
null. Two bookkeeping columns, ``_file`` and ``_line``, locate every row for error messages.
Parsing into types happens in :mod:`hima_analytics.validation`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .errors import did_you_mean
from .problems import Problem
from .schemas import Table
from .shards import Layout, display_path, read_bounded, scan

__all__ = ["LOCATION_COLUMNS", "MAX_FIELD_CHARS", "display_path", "read_shard", "read_table", "shard_files"]

BOM = b"\xef\xbb\xbf"
LOCATION_COLUMNS = ("_file", "_line")
#: The longest cell accepted, in characters (a note of a few paragraphs fits); a longer field
#: is reported as a problem, never loaded. Fields over the csv module's own limit (131072
#: characters) stop the reading of the file, with the same problem.
MAX_FIELD_CHARS = 10_000
_SPECIAL = re.compile(r'[,"\r\n]')


def shard_files(root: Path, table: Table) -> list[Path]:
    """The names of the table's CSV shards under ``root``, sorted by name for a stable load order.

    This lists names only; :func:`hima_analytics.shards.scan` also checks that each is a
    regular file inside the root, and is what :func:`read_table` uses.
    """
    folder = root / table.name
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


@dataclass(frozen=True)
class _Record:
    """One CSV record: its first and last physical line, the offset where it starts, its cells."""

    start: int
    end: int
    offset: int
    cells: list[str]


class _Lines:
    """The physical lines of ``text`` for :func:`csv.reader`, tracking the offset of the next one."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.offset = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        return line


def _records(text: str, name: str) -> tuple[list[_Record], Problem | None]:
    """Every record of the text, or the problem that stopped the csv reader."""
    lines = _Lines(text)
    reader = csv.reader(lines)
    records: list[_Record] = []
    last, offset = 0, 0
    try:
        for cells in reader:
            records.append(_Record(last + 1, reader.line_num, offset, cells))
            last, offset = reader.line_num, lines.offset
    except csv.Error as exc:
        opened = _unclosed_quote(text, offset)
        if opened is not None:
            return records, _quote_problem(name, text, last + 1, offset, opened, None)
        if "field larger than field limit" in str(exc):
            return records, Problem(
                name,
                last + 1,
                None,
                f"a field of at most {MAX_FIELD_CHARS} characters",
                f"a field of more than {csv.field_size_limit():,} characters",
                "a cell holds one value: keep long text in a research note; is this really a CSV file?",
            )
        return records, Problem(name, reader.line_num, None, "well-formed CSV", str(exc), "check quoting")
    return records, None


def _last_record_unclosed(text: str, name: str, records: list[_Record], header: list[str]) -> Problem | None:
    """An unclosed quote swallows the rest of the file into the last record: find its opening."""
    last = records[-1]
    opened = _unclosed_quote(text, last.offset)
    if opened is None:
        return None
    return _quote_problem(name, text, last.start, last.offset, opened, header if len(records) > 1 else None)


def _quote_problem(
    name: str, text: str, start: int, offset: int, opened: tuple[int, int], header: list[str] | None
) -> Problem:
    at, index = opened
    skipped = text[offset:at]
    line = start + skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n")
    column = header[index] if header is not None and index < len(header) else None
    return Problem(
        name,
        line,
        column,
        f"a closing quote for the field opened on line {line}",
        "the end of the file inside the quoted field",
        'close the quote; a quote inside a quoted value is written twice ("")',
    )


def _unclosed_quote(text: str, pos: int) -> tuple[int, int] | None:
    """Where a quoted field opened at or after ``pos`` runs unclosed to the end of ``text``:
    ``(offset of its opening quote, index of the field in its record)``, or None.

    Follows the csv module's default dialect: a quote opens a field only as its first
    character, ``""`` inside a quoted field is a literal quote. Linear in the text scanned.
    """
    field_start, index = True, 0
    while pos < len(text):
        if field_start and text[pos] == '"':
            opened = pos
            pos += 1
            while True:
                close = text.find('"', pos)
                if close < 0:
                    return opened, index
                pos = close + 1
                if not text.startswith('"', pos):
                    break
                pos += 1
            field_start = False
            continue
        match = _SPECIAL.search(text, pos)
        if match is None:
            return None
        pos = match.end()
        char = match.group()
        if char == ",":
            field_start, index = True, index + 1
        elif char == '"':
            field_start = False
        else:
            field_start, index = True, 0
    return None


def read_shard(path: Path, table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Read one shard as strings. Returns ``(frame, problems)``; the frame is None if unusable.

    At most :data:`~hima_analytics.shards.MAX_SHARD_BYTES` bytes are read, and only from a
    regular file; a field over :data:`MAX_FIELD_CHARS` characters is reported, not loaded.
    """
    name = display_path(path)
    raw, refused = read_bounded(path)
    if raw is None:
        return None, [refused] if refused is not None else []
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
    records, broken = _records(text, name)
    if broken is not None:
        return None, problems + [broken]
    header = [h.strip() for h in records[0].cells]
    if broken_quote := _last_record_unclosed(text, name, records, header):
        return None, problems + [broken_quote]
    header_problems = _header_problems(name, header, table)
    if header_problems:
        return None, problems + header_problems
    expected = list(table.column_names)
    lines: list[int] = []
    rows: list[list[str]] = []
    for record in records[1:]:
        if not record.cells or all(not cell.strip() for cell in record.cells):
            continue
        cells = [cell.strip() for cell in record.cells]
        problem = _row_problem(name, record, cells, header)
        if problem is not None:
            problems.append(problem)
            continue
        lines.append(record.start)
        rows.append(cells)

    columns = {col: [r[i] or None for r in rows] for i, col in enumerate(header)}
    columns |= {col: [None] * len(rows) for col in expected if col not in header}
    frame = pl.DataFrame(
        {**columns, "_file": [name] * len(rows), "_line": lines},
        schema={**{c: pl.String for c in expected}, "_file": pl.String, "_line": pl.Int64},
    ).select([*expected, *LOCATION_COLUMNS])
    return frame, problems


def _header_problems(name: str, header: list[str], table: Table) -> list[Problem]:
    """Problems with the header row: missing, unknown or repeated columns."""
    expected = list(table.column_names)
    if not set(header) & set(expected):
        shown = ",".join(header)[:120]
        return [
            Problem(
                name,
                1,
                None,
                f"the header row {','.join(expected)}",
                f"a line with no column names ({shown}...)",
                "the header row is missing: add it as the first line",
            )
        ]
    problems = []
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
    for col in sorted({c for c in header if header.count(c) > 1 and c in expected}):
        problems.append(
            Problem(
                name,
                1,
                col,
                "each column once in the header",
                f"column {col!r} {header.count(col)} times",
                "remove the repeated column",
            )
        )
    return problems


def _row_problem(name: str, record: _Record, cells: list[str], header: list[str]) -> Problem | None:
    """Why a data row (``cells``, stripped) cannot be loaded: too long a field, the wrong number
    of fields, or a stray header."""
    if max(map(len, cells)) > MAX_FIELD_CHARS:
        longest = max(range(len(cells)), key=lambda i: len(cells[i]))
        return Problem(
            name,
            record.start,
            header[longest] if len(cells) == len(header) else None,
            f"a field of at most {MAX_FIELD_CHARS} characters",
            f"a field of {len(cells[longest]):,} characters",
            "a cell holds one value: keep long text in a research note, and check for an unclosed quote",
        )
    if len(cells) != len(header):
        spans = record.end > record.start
        return Problem(
            name,
            record.start,
            None,
            f"{len(header)} fields",
            f"{len(cells)} fields" + (f" in a record spanning lines {record.start}-{record.end}" if spans else ""),
            f"check the quotes opened on line {record.start}: a quoted value runs until its closing quote"
            if spans
            else "quote any value that contains a comma",
        )
    if cells == header:
        return Problem(
            name,
            record.start,
            None,
            "a data row",
            "a repeated header row",
            "remove the stray header (files concatenated with their headers?)",
        )
    return None


def read_table(
    roots: list[Path], table: Table, layout: Layout | None = None
) -> tuple[pl.DataFrame, list[Problem], list[Path], bool]:
    """Read and concatenate every shard of ``table`` under each root (shipped data, then overlay).

    Returns the rows, the problems, the shard paths and whether any shard was unreadable as a
    whole (in which case the table's rows are incomplete). The shards are those of ``layout``
    (from :func:`hima_analytics.shards.scan`, which reports refused and unknown files itself);
    without one, the roots are scanned here and the refused shards of this table reported.
    """
    problems: list[Problem] = []
    if layout is None:
        layout = scan(roots)
        problems += layout.refused_shards[table.name]
    frames: list[pl.DataFrame] = []
    files: list[Path] = []
    unreadable = table.name in layout.refused
    for path in layout.shards[table.name]:
        files.append(path)
        frame, found = read_shard(path, table)
        problems.extend(found)
        if frame is not None:
            frames.append(frame)
        else:
            unreadable = True
    empty = pl.DataFrame(schema={**{c: pl.String for c in table.column_names}, "_file": pl.String, "_line": pl.Int64})
    return (pl.concat(frames) if frames else empty), problems, files, unreadable
