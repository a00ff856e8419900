"""Loading datasets by name: validated, typed Polars frames.

>>> import hima_analytics as ha
>>> v = ha.load("volumes", entity="HIMA", start="2025-06", end="2025-06")
>>> v.select("month", "entity", "measure", "value").row(0)
(datetime.date(2025, 6, 1), 'HIMA', 'deliveries', 52747)

Every call validates the whole catalog (shipped data plus the optional overlay) and raises
:class:`~hima_analytics.problems.DataValidationError` listing every problem if anything is
wrong; a partly valid catalog is never returned. Results are cached per process and reloaded
when any CSV file changes.

By default only the preferred value of each key is returned; ``all_values=True`` returns every
reported value, with ``source_id`` and ``preferred`` telling them apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from . import paths
from .ingest import LOCATION_COLUMNS, read_table
from .problems import DataValidationError, Problem
from .schemas import LOADED_QUALIFIERS, TABLES, Table, table_schema
from .shards import scan, signature
from .validation import check_tables, parse_table


@dataclass(frozen=True)
class Catalog:
    """Every table, validated and typed. ``frames`` keep ``_file``/``_line`` for tracing."""

    frames: dict[str, pl.DataFrame]
    files: tuple[Path, ...]
    fingerprint: str

    def frame(self, name: str) -> pl.DataFrame:
        return self.frames[table_schema(name).name]


def _roots(data_dir: str | os.PathLike[str] | None, overlay: str | os.PathLike[str] | None) -> list[Path]:
    root = paths.data_dir(data_dir)
    if not root.is_dir():
        raise FileNotFoundError(
            f"data folder {root} does not exist; expected the curated tables there. "
            f"Hint: set {paths.DATA_ENV} or pass data_dir=."
        )
    extra = paths.overlay_dir(overlay)
    if extra is not None and not extra.is_dir():
        raise FileNotFoundError(
            f"overlay folder {extra} does not exist. Hint: create it with the same <table>/<shard>.csv "
            f"layout as {root}, or unset {paths.OVERLAY_ENV}."
        )
    return [root] + ([extra] if extra is not None else [])


def _signature(roots: list[Path]) -> tuple[tuple[str, int, int, int], ...]:
    return signature(roots)  # stat only: a pipe or a broken link among the shards is never opened


def _typed(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Turn id and vocabulary columns into Enums (ids come from the entities/companies tables)."""
    entity_enum = pl.Enum(sorted(frames["entities"]["entity"].unique().to_list()))
    company_enum = pl.Enum(sorted(frames["companies"]["company"].unique().to_list()))
    subject_enum = pl.Enum(sorted(set(entity_enum.categories.to_list()) | set(company_enum.categories.to_list())))
    out = {}
    for name, frame in frames.items():
        t = TABLES[name]
        casts = []
        for col in t.columns:
            if col.name == "qualifier":
                casts.append(pl.col(col.name).cast(pl.Enum(LOADED_QUALIFIERS)))
            elif col.values is not None:
                casts.append(pl.col(col.name).cast(pl.Enum(col.values)))
            elif col.name in ("entity", "parent"):
                casts.append(pl.col(col.name).cast(entity_enum))
            elif col.name == "company":
                casts.append(pl.col(col.name).cast(company_enum))
            elif col.name == "subject":
                casts.append(pl.col(col.name).cast(subject_enum))
        out[name] = frame.with_columns(casts).sort([*t.sort, "_file", "_line"])
    return out


def _seed_names() -> set[str] | None:
    folder = paths.seeds_dir()
    return {p.name for p in folder.glob("*.txt")} if folder.is_dir() else None


@lru_cache(maxsize=8)
def _load(roots: tuple[Path, ...], fingerprint: tuple[tuple[str, int, int, int], ...]) -> Catalog:
    handed = _from_build(roots, fingerprint)
    if handed is not None:
        return handed
    layout = scan(roots)  # refused shards and unknown overlay entries are errors
    problems: list[Problem] = list(layout.problems)
    frames: dict[str, pl.DataFrame] = {}
    files: list[Path] = []
    unreadable: set[str] = set(layout.refused)
    raw_ids: dict[str, pl.Series] = {}
    for name, t in TABLES.items():
        raw, found, shard_paths, incomplete = read_table(list(roots), t, layout)
        problems += found
        files += shard_paths
        if incomplete:
            unreadable.add(name)
        parsed, found = parse_table(raw, t)
        problems += found
        if name in ("sources", "entities", "companies"):
            raw_ids[name] = raw[t.key[0]]
        bad_rows = {(p.file, p.line) for p in found}
        if bad_rows:  # cross-table checks look only at rows whose cells parsed
            keep = [(f, ln) not in bad_rows for f, ln in parsed.select("_file", "_line").iter_rows()]
            parsed = parsed.filter(pl.Series(keep, dtype=pl.Boolean))
        frames[name] = parsed
    problems += check_tables(frames, _seed_names(), skip_refs=unreadable, known_ids=raw_ids)
    if problems:
        raise DataValidationError(problems)
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: (p.parent.name, p.name)):
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return Catalog(_typed(frames), tuple(files), digest.hexdigest())


_HANDOVER_META = "catalog.json"


def hand_over(folder: Path) -> Path:
    """Validate the catalog and leave it in ``folder`` (Arrow IPC, one file per table, and what it
    was read from) for the report kernels of a build: the parent validates once, before any kernel
    starts, and points :data:`~hima_analytics.paths.CATALOG_CACHE_ENV` at ``folder``; each kernel's
    first load reads the frames instead of parsing and validating every CSV again. A kernel uses
    them only when the data folders and every file's stat signature are still the ones validated;
    otherwise it loads from the CSV as usual. Returns ``folder``."""
    import json

    roots = _roots(None, None)
    fingerprint = _signature(roots)
    cat = _load(tuple(roots), fingerprint)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in cat.frames.items():
        frame.write_ipc(folder / f"{name}.arrow")
    meta = {
        "roots": [str(r) for r in roots],
        "signature": [list(e) for e in fingerprint],
        "files": [str(f) for f in cat.files],
        "fingerprint": cat.fingerprint,
    }
    (folder / _HANDOVER_META).write_text(json.dumps(meta), encoding="utf-8")  # last: marks the folder whole
    return folder


def _from_build(roots: tuple[Path, ...], fingerprint: tuple[tuple[str, int, int, int], ...]) -> Catalog | None:
    """The catalog a build's parent validated (see :func:`hand_over`), when it is the one these
    roots and signature describe; None otherwise, or when anything in the folder is unreadable."""
    import json

    folder = os.environ.get(paths.CATALOG_CACHE_ENV)
    if not folder:
        return None
    try:
        meta = json.loads((Path(folder) / _HANDOVER_META).read_text(encoding="utf-8"))
        if meta["roots"] != [str(r) for r in roots] or meta["signature"] != [list(e) for e in fingerprint]:
            return None
        frames = {name: pl.read_ipc(Path(folder) / f"{name}.arrow") for name in TABLES}
        return Catalog(frames, tuple(Path(f) for f in meta["files"]), str(meta["fingerprint"]))
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None


def load_catalog(
    *, data_dir: str | os.PathLike[str] | None = None, overlay: str | os.PathLike[str] | None = None
) -> Catalog:
    """Validate and load every table. Raises DataValidationError with all problems found."""
    roots = _roots(data_dir, overlay)
    return _load(tuple(roots), _signature(roots))


def data_warnings(
    *, data_dir: str | os.PathLike[str] | None = None, overlay: str | os.PathLike[str] | None = None
) -> list[Problem]:
    """Unexpected entries of the shipped data folder (a folder that is not a table, a file that
    is not a shard), which are not read. Never raises for bad data; the same entries in an
    overlay are errors, reported by :func:`validate`."""
    return scan(_roots(data_dir, overlay)).warnings


def _record(name: str) -> None:
    """Note that a dataset was read, for the report runner's dependency tracking: when
    ``$HIMA_DATASETS_LOG`` names a file, the dataset name is appended to it."""
    log = os.environ.get("HIMA_DATASETS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")


def validate(
    *, data_dir: str | os.PathLike[str] | None = None, overlay: str | os.PathLike[str] | None = None
) -> list[Problem]:
    """Every problem in the catalog (empty when the data is valid). Never raises for bad data."""
    _record("*")  # validation reads every table
    try:
        load_catalog(data_dir=data_dir, overlay=overlay)
    except DataValidationError as exc:
        return exc.problems
    return []


def _as_date(value: str | dt.date | None, arg: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"{arg}={value!r} is not a date; expected 'YYYY-MM' or 'YYYY-MM-DD', e.g. '2024-01'.")


_DATE_COLUMN = {
    "volumes": "month",
    "market": "month",
    "events": "date",
    "financials": "period_start",
    "facts": "period_start",
    "exceptions": "period_start",
}
_ID_COLUMN = {
    "volumes": "entity",
    "events": "entity",
    "entities": "entity",
    "exceptions": "entity",
    "financials": "company",
    "companies": "company",
    "facts": "subject",
}


def load(
    name: str,
    *,
    entity: str | Sequence[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    all_values: bool = False,
    implied: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    overlay: str | os.PathLike[str] | None = None,
) -> pl.DataFrame:
    """Load one dataset by name, validated and typed.

    ``entity`` filters the table's id column (entity, company or subject); ``start``/``end``
    are inclusive bounds on its month or period start ('YYYY-MM' or 'YYYY-MM-DD').
    Volumes also carry each entity's ``level`` and ``parent``. With ``implied=True`` (volumes
    only), months implied by published totals are added, computed on load with qualifier
    ``implied``, ``preferred`` true and the formula in ``note`` (see :mod:`hima_analytics.implied`);
    they are never stored and are off by default.
    """
    t: Table = table_schema(name)
    cat = load_catalog(data_dir=data_dir, overlay=overlay)
    _record(t.name)
    frame = cat.frames[t.name]
    if t.preferred and not all_values:
        frame = frame.filter(pl.col("preferred"))
    if implied:
        if t.name != "volumes":
            raise ValueError(f"implied=True applies to volumes, not {t.name!r}.")
        frame = pl.concat([frame, _implied_rows(cat, frame)], how="diagonal_relaxed")
    if entity is not None:
        col = _ID_COLUMN.get(t.name)
        if col is None:
            raise ValueError(f"dataset {t.name!r} has no entity column; drop the entity= filter.")
        asked = [entity] if isinstance(entity, str) else list(entity)
        known = set(frame[col].dtype.categories.to_list()) if isinstance(frame[col].dtype, pl.Enum) else set(frame[col])
        wanted = [resolve_id(e, known, cat) for e in asked]
        unknown = [a for a, w in zip(asked, wanted) if w is None]
        if unknown:
            from .errors import UnknownNameError

            raise UnknownNameError(
                col,
                unknown[0] if len(unknown) == 1 else unknown,
                sorted(known),
                hint="ids are matched ignoring case, and names too (e.g. 'li auto'); see `hima data show entities`.",
            )
        frame = frame.filter(pl.col(col).cast(pl.String).is_in(wanted))
    date_col = _DATE_COLUMN.get(t.name)
    lo, hi = _as_date(start, "start"), _as_date(end, "end")
    if (lo or hi) and date_col is None:
        raise ValueError(f"dataset {t.name!r} has no date column; drop start=/end=.")
    if lo:
        frame = frame.filter(pl.col(date_col) >= lo)
    if hi:
        frame = frame.filter(pl.col(date_col) <= hi)
    if t.name == "volumes":
        ents = cat.frames["entities"].select("entity", "level", "parent")
        frame = frame.join(ents, on="entity", how="left")
    return frame.drop(LOCATION_COLUMNS)


_IMPLIED: dict[str, pl.DataFrame] = {}


def _implied_rows(cat: Catalog, like: pl.DataFrame) -> pl.DataFrame:
    """The implied volumes rows of ``cat``, computed once per catalog content in a process."""
    if cat.fingerprint not in _IMPLIED:
        _IMPLIED.clear()  # only the current catalog's are worth keeping
        _IMPLIED[cat.fingerprint] = _compute_implied(cat, like)
    return _IMPLIED[cat.fingerprint]


def _compute_implied(cat: Catalog, like: pl.DataFrame) -> pl.DataFrame:
    from . import implied

    preferred = cat.frames["volumes"].filter(pl.col("preferred"))
    facts = cat.frames["facts"].filter(pl.col("preferred"))
    rows = pl.concat(
        [
            implied.implied_months(preferred, facts).filter(pl.col("kind") == "month"),
            implied.implied_brands(preferred, cat.frames["entities"], cat.frames["events"]),
        ]
    )
    return rows.select(
        "month",
        pl.col("entity").cast(like.schema["entity"]),
        pl.col("measure").cast(like.schema["measure"]),
        pl.col("perimeter").cast(like.schema["perimeter"]),
        "value",
        pl.col("qualifier").cast(like.schema["qualifier"]),
        "source_id",
        pl.lit(True).alias("preferred"),
        "note",
        *[pl.lit(None, dtype=like.schema[c]).alias(c) for c in like.columns if c in ("powertrain", "_file", "_line")],
    )


def resolve_id(asked: str, known: set[str], cat: Catalog) -> str | None:
    """An id from what a user typed: the id itself, the id in another case, or a display name."""
    if asked in known:
        return asked
    lowered = {k.lower(): k for k in known}
    if asked.lower() in lowered:
        return lowered[asked.lower()]
    underscored = asked.strip().upper().replace(" ", "_").replace("-", "_")
    if underscored in known:
        return underscored
    for table, col in (("entities", "entity"), ("companies", "company")):
        names = {str(n).lower(): str(e) for e, n in cat.frames[table].select(col, "name").iter_rows()}
        hit = names.get(asked.strip().lower())
        if hit in known:
            return hit
    return None


def source_of(source_id: str, **kwargs) -> dict:
    """The sources-table row for ``source_id``, as a dict."""
    rows = load("sources", **kwargs).filter(pl.col("source_id") == source_id)
    if rows.is_empty():
        raise KeyError(f"unknown source_id {source_id!r}; see `hima data sources`.")
    return rows.row(0, named=True)
