"""What changed in the data: figure-level differences between two states of the catalog.

A *snapshot* is every table's rows as written in the CSV shards (strings, shipped data and
overlay together), so two states compare even when one of them does not validate. A row is
identified by its table's key plus, in tables that keep several sources per key, its
``source_id``; a row present in both states with any other cell different is *changed*.

Snapshots are taken from a folder (:func:`snapshot`), from a git revision (:func:`at_revision`)
or from the copy each report build keeps (:func:`read_snapshot`, :func:`write_snapshot`).
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from .errors import HimaError
from .files import write_atomic
from .ingest import read_table
from .schemas import TABLES, Table

DIFF_SCHEMA = {
    "table": pl.String,
    "change": pl.String,
    "key": pl.String,
    "column": pl.String,
    "before": pl.String,
    "after": pl.String,
}


class RevisionError(HimaError, ValueError):
    """A git revision could not be read."""


def identity(table: Table) -> list[str]:
    """The columns that identify a row: the key, plus ``source_id`` where a key has several sources."""
    return [*table.key, "source_id"] if table.preferred else list(table.key)


def snapshot(roots: Iterable[Path]) -> dict[str, pl.DataFrame]:
    """Every table's rows under ``roots`` as strings (unreadable shards are left out)."""
    out = {}
    for name, t in TABLES.items():
        frame, _, _, _ = read_table([r for r in roots if r.is_dir()], t)
        out[name] = frame.drop("_file", "_line").with_columns(
            [pl.col("perimeter").fill_null("all")] if "perimeter" in t.column_names else []
        )
    return out


def _conform(frame: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """``frame`` with the table's columns, in order: a column the state does not have (a snapshot
    taken before the column was added to the schema) is empty, so its first values show as
    changes rather than failing the comparison."""
    missing = [c for c in cols if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing).select(cols)


def diff(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per added or removed row and per changed cell, with the row's identity as text.

    >>> a = {"facts": pl.DataFrame({c: ["x"] for c in TABLES["facts"].column_names})}
    >>> b = {"facts": a["facts"].with_columns(value=pl.lit("y"))}
    >>> diff(a, b).select("table", "change", "column", "before", "after").row(0)
    ('facts', 'changed', 'value', 'x', 'y')

    A state from before a column existed compares too (the new column's values are changes):

    >>> older = {"facts": a["facts"].drop("note")}
    >>> diff(older, {"facts": a["facts"].with_columns(note=pl.lit(None, pl.String))}).height
    0
    >>> diff(older, {"facts": a["facts"].with_columns(note=pl.lit("n"))}).select("column", "after").row(0)
    ('note', 'n')
    """
    parts = []
    for name in sorted(set(before) | set(after)):
        t = TABLES[name]
        cols = list(t.column_names)
        empty = pl.DataFrame(schema=dict.fromkeys(cols, pl.String))
        old = _conform(before.get(name, empty), cols).unique(maintain_order=True)
        new = _conform(after.get(name, empty), cols).unique(maintain_order=True)
        ident = identity(t)
        key_text = pl.concat_str([pl.format(f"{c}={{}}", pl.col(c).fill_null("")) for c in ident], separator=", ")
        for change, left, right in (("added", new, old), ("removed", old, new)):
            rows = left.join(right.select(ident), on=ident, how="anti", nulls_equal=True)
            parts.append(
                rows.select(
                    pl.lit(name).alias("table"),
                    pl.lit(change).alias("change"),
                    key_text.alias("key"),
                    pl.lit(None, pl.String).alias("column"),
                    pl.lit(None, pl.String).alias("before"),
                    pl.lit(None, pl.String).alias("after"),
                )
            )
        both = old.join(new, on=ident, how="inner", suffix="__after", nulls_equal=True)
        for c in cols:
            if c in ident:
                continue
            moved = both.filter(pl.col(c).ne_missing(pl.col(f"{c}__after")))
            parts.append(
                moved.select(
                    pl.lit(name).alias("table"),
                    pl.lit("changed").alias("change"),
                    key_text.alias("key"),
                    pl.lit(c).alias("column"),
                    pl.col(c).alias("before"),
                    pl.col(f"{c}__after").alias("after"),
                )
            )
    return pl.concat([pl.DataFrame(schema=DIFF_SCHEMA), *parts]) if parts else pl.DataFrame(schema=DIFF_SCHEMA)


def counts(changes: pl.DataFrame) -> pl.DataFrame:
    """Rows added, changed and removed per table (a row with several changed cells counts once)."""
    per_row = changes.unique(["table", "change", "key"])
    return (
        per_row.group_by("table")
        .agg(
            (pl.col("change") == "added").sum().alias("added"),
            (pl.col("change") == "changed").sum().alias("changed"),
            (pl.col("change") == "removed").sum().alias("removed"),
        )
        .sort("table")
    )


def describe(changes: pl.DataFrame) -> str:
    """The change in one phrase, e.g. ``volumes: 1 added, 2 changed; sources: 1 added``.

    >>> describe(pl.DataFrame(schema=DIFF_SCHEMA))
    'no change'
    """
    parts = []
    for row in counts(changes).iter_rows(named=True):
        said = [f"{row[k]} {k}" for k in ("added", "changed", "removed") if row[k]]
        parts.append(f"{row['table']}: {', '.join(said)}")
    return "; ".join(parts) or "no change"


def write_snapshot(folder: Path, snap: dict[str, pl.DataFrame]) -> None:
    """Keep ``snap`` as one Parquet file per table in ``folder`` (each written atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in snap.items():
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".parquet", delete=False) as fh:
            tmp = Path(fh.name)
        try:
            frame.write_parquet(tmp)
            write_atomic(folder / f"{name}.parquet", tmp.read_bytes())
        finally:
            tmp.unlink(missing_ok=True)


def read_snapshot(folder: Path) -> dict[str, pl.DataFrame] | None:
    """The snapshot kept in ``folder``, or None if there is none (or it cannot be read)."""
    if not folder.is_dir():
        return None
    out = {}
    try:
        for name in TABLES:
            path = folder / f"{name}.parquet"
            if path.exists():
                out[name] = pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError):
        return None
    return out or None


def at_revision(rev: str, repo: Path, data_path: str = "data") -> dict[str, pl.DataFrame]:
    """The snapshot of ``data_path`` at git revision ``rev`` of ``repo`` (read with ``git archive``)."""
    with tempfile.TemporaryDirectory(prefix="hima-rev-") as tmp:
        archive = Path(tmp) / "data.tar"
        done = subprocess.run(
            ["git", "-C", str(repo), "archive", "--format=tar", "-o", str(archive), rev, "--", data_path],
            capture_output=True,
            text=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
        if done.returncode != 0:
            raise RevisionError(
                f"cannot read {data_path}/ at git revision {rev!r} in {repo}: {done.stderr.strip() or 'git failed'}. "
                "Hint: name a commit, branch or tag, e.g. HEAD~1 or main."
            )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        return snapshot([Path(tmp) / data_path])
