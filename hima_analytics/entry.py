"""Recording new figures: a row and its source, validated with the whole catalog before a byte is
written.

:func:`add_rows` is what ``hima data add`` runs. It

1. finds the row's source (by ``source_id``, or by URL among the known sources) or creates one;
2. keeps a figure that disagrees with the preferred value of its key as a non-preferred row
   (``prefer=True`` makes the new one preferred and marks the old one not preferred);
3. applies the change to a private copy of the data folder and the overlay and runs the full
   validation there;
4. and only if that finds nothing, writes each changed file atomically (sources first).

When anything is wrong it raises :class:`EntryRefused` with the located problems and changes
nothing. Rows go to the analyst's overlay (``overlay/`` by default) unless a shipped shard is named.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from . import paths
from .errors import HimaError, UnknownNameError
from .files import write_atomic
from .problems import Problem
from .schemas import DEFAULT_PERIMETER, TABLES, Table

#: Tables a figure can be added to.
ADDABLE = ("volumes", "financials", "facts", "market", "events")
#: Shard written in the overlay when none is named.
OVERLAY_SHARD = "local"
SOURCE_FIELDS = ("source_id", "url", "title", "publisher", "published", "retrieved", "language", "tier")


class EntryRefused(HimaError, ValueError):
    """The rows were not added: ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or f"{len(self.problems)} problem(s); nothing was written")


@dataclass(frozen=True)
class Added:
    """What :func:`add_rows` did."""

    table: str
    rows: int
    target: Path
    files: tuple[Path, ...]
    sources_created: tuple[str, ...]
    sources_reused: tuple[str, ...]
    kept_not_preferred: int
    demoted: int


def guess_language(text: str) -> str:
    """A language code from the script of ``text`` (kana → ja, hangul → ko, han → zh, else en).

    >>> guess_language("鸿蒙智行11月交付"), guess_language("問界の納車台数"), guess_language("HIMA deliveries")
    ('zh', 'ja', 'en')
    """
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    return "en"


def _slug(text: str, words: int = 4) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words])


def new_source_id(prefix: str, source: Mapping[str, str], taken: set[str]) -> str:
    """``<prefix>-<publisher>-<published>-<title words>``, made unique against ``taken``.

    >>> new_source_id("local", {"publisher": "CnEVPost", "published": "2026-04-01",
    ...                "title": "HIMA delivers 61,234 in March", "url": "https://x"}, set())
    'local-cnevpost-2026-04-01-hima-delivers-61-234'
    """
    title = _slug(source.get("title") or "") or hashlib.sha256((source.get("url") or "").encode()).hexdigest()[:8]
    base = "-".join(p for p in (prefix, _slug(source.get("publisher") or "", 2), source.get("published"), title) if p)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def csv_line(table: Table, row: Mapping[str, str | None]) -> str:
    """One CSV record in the table's column order, quoted only where needed."""
    buf = io.StringIO()
    cells = ["" if row.get(c) is None else str(row[c]) for c in table.column_names]
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _append(path: Path, table: Table, rows: Sequence[Mapping[str, str | None]]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ",".join(table.column_names) + "\n"
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "".join(csv_line(table, r) for r in rows), encoding="utf-8")


def _set_not_preferred(path: Path, table: Table, line: int, note: str) -> None:
    """Rewrite the record starting at ``line`` of ``path`` with ``preferred=false`` and a note,
    leaving every other line byte for byte as it was."""
    text = path.read_text(encoding="utf-8")
    physical = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    start = 2
    for record in reader:
        end = reader.line_num
        if start == line:
            fields = dict(zip(header, record))
            fields["preferred"] = "false"
            fields["note"] = "; ".join(x for x in (fields.get("note"), note) if x)
            physical[start - 1 : end] = [csv_line(table, fields)]
            path.write_text("".join(physical), encoding="utf-8")
            return
        start = end + 1
    raise ValueError(f"{path}: no record starts on line {line}")


def _string_frame(table: Table, rows: Sequence[Mapping[str, str | None]]) -> pl.DataFrame:
    columns = {c: [r.get(c) or None for r in rows] for c in table.column_names}
    return pl.DataFrame(columns, schema=dict.fromkeys(table.column_names, pl.String))


def _key_matches(table: Table, new: pl.DataFrame, existing: pl.DataFrame) -> pl.DataFrame:
    """For each new row (``_row``), the existing rows with the same key (strings compared)."""
    key = list(table.key)
    cols = {c: pl.col(c).cast(pl.String) for c in key}

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        out = frame.with_columns(**cols)
        if "perimeter" in key:
            out = out.with_columns(pl.col("perimeter").fill_null(DEFAULT_PERIMETER))
        for c, dtype in frame.schema.items():
            if c in key and dtype == pl.Date:
                out = out.with_columns(pl.col(c).str.slice(0, 7 if c == "month" else 10))
        return out

    left = keyed(new.with_row_index("_row"))
    if "month" in key:
        left = left.with_columns(pl.col("month").str.slice(0, 7))
    right = keyed(existing)
    return left.select("_row", *key, pl.col("value").alias("new_value"), pl.col("source_id").alias("new_source")).join(
        right.select(*key, "value", "source_id", "preferred", "_file", "_line"), on=key, how="inner"
    )


def _resolve_source(
    row: dict, source: Mapping[str, str] | None, sources: pl.DataFrame, prefix: str, created: dict[str, dict]
) -> tuple[str, bool]:
    """The row's source id and whether it is new; a new source's row is added to ``created``."""
    given = dict(source or {})
    sid = row.get("source_id") or given.get("source_id")
    known = set(sources["source_id"].to_list()) | set(created)
    if sid and sid in known:
        return sid, sid in created
    url = given.get("url")
    if url and not sid:
        same = sources.filter(pl.col("url") == url)
        if same.height:
            return same["source_id"][0], False
        for cid, crow in created.items():
            if crow.get("url") == url:
                return cid, True
    if not given or not (given.get("url") or given.get("title")):
        if sid:
            raise UnknownNameError(
                "source", sid, sorted(known), hint="give --url, --title, --publisher and --published to create it"
            )
        raise EntryRefused(
            [
                Problem(
                    "(the row being added)",
                    None,
                    "source_id",
                    "a source for the figure",
                    "none",
                    "name a known source with --source-id, or describe a new one with --url, --title, "
                    "--publisher and --published",
                )
            ]
        )
    new = {k: given.get(k) for k in SOURCE_FIELDS}
    new["retrieved"] = new.get("retrieved") or dt.date.today().isoformat()
    new["language"] = new.get("language") or guess_language(new.get("title") or "")
    new["note"] = given.get("note")
    new["source_id"] = sid or new_source_id(prefix, new, known)
    created[new["source_id"]] = new
    return new["source_id"], True


def add_rows(
    table: str,
    rows: Sequence[Mapping[str, str | None]],
    source: Mapping[str, str] | None = None,
    *,
    shard: str | None = None,
    prefer: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    overlay: str | os.PathLike[str] | None = None,
) -> Added:
    """Add ``rows`` (CSV cells as strings, keyed by column name) to ``table``; see the module
    docstring. Returns what was done, or raises :class:`EntryRefused` having written nothing."""
    from .catalog import load_catalog

    t = _check_request(table, rows, shard)
    data_root = paths.data_dir(data_dir)
    over_root = paths.overlay_dir(overlay) or paths.default_overlay()
    root, prefix = (data_root if shard else over_root), (shard or OVERLAY_SHARD)
    cat = load_catalog(data_dir=data_root, overlay=over_root if over_root.is_dir() else None)
    staged, created, reused = _stage(t, rows, source, cat, prefix)
    kept_back, demote = _settle(t, staged, cat, prefer) if t.preferred else (0, [])
    target = paths.table_dir(root, table) / f"{prefix}.csv"
    changed = _write_validated(t, cat, staged, created, demote, (data_root, over_root), root, target)
    return Added(
        table=table,
        rows=len(staged),
        target=target,
        files=tuple(changed),
        sources_created=tuple(created),
        sources_reused=tuple(sorted(reused)),
        kept_not_preferred=kept_back,
        demoted=len(demote),
    )


def _check_request(table: str, rows: Sequence[Mapping[str, str | None]], shard: str | None) -> Table:
    """The table's schema, once the table, the columns and the shard name are known to be valid."""
    if table not in ADDABLE:
        raise UnknownNameError("table to add to", table, ADDABLE)
    t = TABLES[table]
    if not rows:
        raise EntryRefused([], "no rows to add")
    per_row_source = set(SOURCE_FIELDS) - set(t.column_names)
    unknown = sorted({c for r in rows for c in r if c not in t.column_names and c not in per_row_source})
    if unknown:
        raise UnknownNameError("column", unknown[0], t.column_names, hint=f"the columns of {table!r}")
    if shard is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", shard):
        raise EntryRefused(
            [Problem(shard, None, None, "a shard name of lower-case letters, digits, - and _", repr(shard))]
        )
    return t


def _stage(
    t: Table, rows: Sequence[Mapping[str, str | None]], source: Mapping[str, str] | None, cat, prefix: str
) -> tuple[list[dict], dict[str, dict], set[str]]:
    """The rows as they will be written (ids resolved as ``load`` resolves them, each with its
    source id), the sources to create and the known sources cited."""
    from .catalog import resolve_id

    per_row_source = set(SOURCE_FIELDS) - set(t.column_names)
    entities = set(cat.frames["entities"]["entity"].cast(pl.String))
    companies = set(cat.frames["companies"]["company"].cast(pl.String))
    known_ids = {"entity": entities, "company": companies, "subject": entities | companies}
    id_columns = {c.name: known_ids[c.ref] for c in t.columns if c.ref in known_ids}
    created: dict[str, dict] = {}
    reused: set[str] = set()
    staged: list[dict] = []
    for r in rows:
        cells = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in r.items()}
        row = {k: v for k, v in cells.items() if k in t.column_names}
        for col, known in id_columns.items():  # ids in any case, or display names, as `load` takes them
            if row.get(col) and row[col] not in known:
                row[col] = resolve_id(row[col], known, cat) or row[col]
        described = {k: v for k, v in cells.items() if k in per_row_source and v}
        own = {**(source or {}), **described} if described else source
        sid, is_new = _resolve_source(row, own, cat.frames["sources"], prefix, created)
        row["source_id"] = sid
        if not is_new:
            reused.add(sid)
        staged.append(row)
    return staged, created, reused


def _settle(t: Table, staged: list[dict], cat, prefer: bool) -> tuple[int, list[tuple[str, int, str]]]:
    """Preferred flags of the staged rows: a figure for a key that already has a preferred value
    is kept as not preferred (with a note saying whether it agrees), or with ``prefer`` becomes
    the preferred one and the old row is marked for demotion. Returns the count kept back and
    the rows to demote (file, line, note)."""
    kept_back = 0
    demote: list[tuple[str, int, str]] = []
    matches = _key_matches(t, _string_frame(t, staged), cat.frames[t.name].filter(pl.col("preferred")))
    for m in matches.iter_rows(named=True):
        row = staged[m["_row"]]
        if row.get("preferred") is not None:
            continue  # stated explicitly: validation decides
        if prefer:
            row["preferred"] = "true"
            demote.append((m["_file"], m["_line"], f"superseded by {m['new_source']} (added with --prefer)"))
        else:
            row["preferred"] = "false"
            kept_back += 1
            same = _number(m["new_value"]) == m["value"]
            why = f"{'agrees with' if same else 'differs from'} the preferred {m['value']} ({m['source_id']})"
            row["note"] = "; ".join(x for x in (row.get("note"), why) if x)
    for row in staged:
        row["preferred"] = row.get("preferred") or "true"
    return kept_back, demote


def _write_validated(
    t: Table,
    cat,
    staged: list[dict],
    created: dict[str, dict],
    demote: list[tuple[str, int, str]],
    roots: tuple[Path, Path],
    root: Path,
    target: Path,
) -> list[Path]:
    """Apply the change to private copies of the data folder and the overlay, validate the
    whole catalog there, and only then write each changed file atomically (sources first).
    Returns the files written; raises :class:`EntryRefused` with the problems otherwise."""
    from .catalog import validate

    data_root, over_root = roots
    with tempfile.TemporaryDirectory(prefix="hima-add-") as tmp:
        copies = {data_root: Path(tmp) / "data", over_root: Path(tmp) / "overlay"}
        for real, copy in copies.items():
            if real.is_dir():
                shutil.copytree(real, copy, symlinks=True, ignore=shutil.ignore_patterns("research", "*.md"))
            else:
                copy.mkdir()

        def in_copy(p: Path) -> Path:
            p = p.resolve()
            for real, copy in copies.items():
                if p.is_relative_to(real.resolve()):
                    return copy / p.relative_to(real.resolve())
            raise EntryRefused([Problem(str(p), None, None, f"a file under {data_root} or {over_root}", str(p))])

        changed: list[Path] = []
        if created:
            src_target = paths.table_dir(root, "sources") / target.name
            _append(in_copy(src_target), TABLES["sources"], list(created.values()))
            changed.append(src_target)
        _append(in_copy(target), t, staged)
        changed.append(target)
        by_display = {str(p): p for p in cat.files} | {_display(p): p for p in cat.files}
        for file, line, note in demote:
            real = by_display.get(file) or Path(file)
            _set_not_preferred(in_copy(real), t, line, note)
            changed.append(real)
        problems = validate(data_dir=copies[data_root], overlay=copies[over_root])
        if problems:
            raise EntryRefused([_relocate(p, copies) for p in problems])
        for real in dict.fromkeys(changed):  # sources first, then the rows, then the demotions
            real.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(real, in_copy(real).read_bytes())
    return list(dict.fromkeys(changed))


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _display(path: Path) -> str:
    from .ingest import display_path

    return display_path(path)


def _relocate(problem: Problem, copies: Mapping[Path, Path]) -> Problem:
    """A problem found in the private copy, told about the real file."""
    file = problem.file
    for real, copy in copies.items():
        for form in (str(copy.resolve()), str(copy)):
            if file.startswith(form):
                return replace(problem, file=_display(real) + file[len(form) :])
    return problem


def rows_from_csv(path: Path, table: str) -> list[dict[str, str | None]]:
    """Rows to add, read from a CSV whose header names columns of ``table`` (a subset is fine;
    ``source_id`` names a known source, or ``url``/``title``/``publisher``/``published`` describe one)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]
