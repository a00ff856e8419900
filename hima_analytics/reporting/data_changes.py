"""What changed in the data between two builds, kept in the build's state folder: a copy of the
data each build used (``catalog/``, one Parquet file per table) and the last change found
(``changes.json``), which the index shows until the data changes again."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import changes
from ..files import write_text_if_changed

__all__ = ["DataChange", "last_change", "record_change"]


@dataclass(frozen=True)
class DataChange:
    """What changed in the data since the previous build, and the reports rebuilt because of it."""

    summary: str
    tables: dict[str, dict[str, int]]
    rebuilt: list[str]
    data_asof: str | None = None

    def line(self) -> str:
        rebuilt = f"; rebuilt because of it: {', '.join(self.rebuilt)}" if self.rebuilt else ""
        return f"data since the previous build: {self.summary}{rebuilt}"


def record_change(
    state: Path,
    before: dict[str, Any] | None,
    now: dict[str, Any],
    results: list[Any],
    manifest: dict[str, Any],
) -> DataChange | None:
    """Compare the data with the previous build's copy, keep the new copy, and, when something
    changed, record it in ``changes.json`` (which the index reads). None on a first build."""
    changes.write_snapshot(state / "catalog", now)
    if before is None:
        return None
    found = changes.diff(before, now)
    if found.is_empty():
        return DataChange("no change", {}, [])
    tables = {r.pop("table"): r for r in changes.counts(found).iter_rows(named=True)}
    rebuilt = [
        r.name
        for r in results
        if r.status == "ok" and r.name in manifest and ({"*", *tables} & set(manifest[r.name].datasets or []))
    ]
    change = DataChange(changes.describe(found), tables, sorted(rebuilt), results[0].data_asof if results else None)
    write_text_if_changed(state / "changes.json", json.dumps(dataclasses.asdict(change), indent=1) + "\n")
    return change


def last_change(state: Path) -> dict[str, Any] | None:
    """The last recorded data change (kept until the data changes again), for the index."""
    try:
        value = json.loads((state / "changes.json").read_text(encoding="utf-8"))
        return value if isinstance(value, dict) and isinstance(value.get("summary"), str) else None
    except (OSError, ValueError):
        return None
