"""What a build remembers: the content key of every report, and how keys are computed.

A report is rebuilt when its key changes. The key hashes the notebook, the parameters, the
mode, the package code and the key libraries, and the content of the data files the report
read on its last run (recorded at run time; before the first run, the notebook's own
``load("name")`` calls). The manifest lives in the build's state folder, not among the pages,
so that pages stay byte-identical from build to build. A manifest of the wrong shape, or that
is not readable JSON, is treated as absent (with a warning), never trusted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..files import write_text_if_changed
from ..schemas import TABLES
from .stamp import code_files

__all__ = [
    "DATASETS_LOG_ENV",
    "REFERENCE_TABLES",
    "Entry",
    "code_hash",
    "data_files",
    "datasets_read",
    "hash_files",
    "read_manifest",
    "recorded_datasets",
    "run_key",
    "write_manifest",
]

#: Tables every report reads (validation and sources lines).
REFERENCE_TABLES = ("sources", "entities", "companies")
#: The kernel appends the name of every dataset it loads to the file this variable names.
DATASETS_LOG_ENV = "HIMA_DATASETS_LOG"
_LOADS = re.compile(r"""\bload\(\s*["'](\w+)["']""")
_ALL_TABLES = re.compile(r"\b(load_catalog|validate|reconciliation_report|coverage_markdown|check)\(")


@dataclass
class Entry:
    """One report's line in the manifest."""

    key: str | None
    status: str
    title: str
    params: dict[str, Any]
    description: str = ""
    datasets: list[str] = field(default_factory=list)
    data_asof: str | None = None
    error: str | None = None
    workbook: bool = False

    @classmethod
    def from_json(cls, value: Any) -> Entry | None:
        if not isinstance(value, dict) or not isinstance(value.get("status"), str):
            return None
        try:
            return cls(
                key=value.get("key"),
                status=value["status"],
                title=str(value.get("title", "")),
                params=dict(value.get("params") or {}),
                description=str(value.get("description") or ""),
                datasets=[str(d) for d in value.get("datasets") or []],
                data_asof=value.get("data_asof"),
                error=value.get("error"),
                workbook=bool(value.get("workbook", False)),
            )
        except (TypeError, ValueError):
            return None


def read_manifest(path: Path, warn: Callable[[str], None] | None = None) -> dict[str, Entry]:
    """The manifest at ``path``: empty when absent; empty, with a warning, when unreadable or of
    the wrong shape (a damaged manifest only costs a full rebuild)."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        if warn:
            warn(f"the build manifest {path} is not readable JSON ({type(exc).__name__}); every report is rebuilt.")
        return {}
    entries = {k: Entry.from_json(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    good = {k: e for k, e in entries.items() if e is not None}
    if (not isinstance(raw, dict) or len(good) != len(entries)) and warn:
        warn(f"the build manifest {path} has entries of the wrong shape; they are ignored and rebuilt.")
    return good


def write_manifest(path: Path, entries: dict[str, Entry]) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_if_changed(
        path,
        json.dumps({k: asdict(v) for k, v in sorted(entries.items())}, indent=1, sort_keys=True, default=str) + "\n",
    )


def hash_files(files: list[Path], root: Path | None = None) -> str:
    """One hash over the files' names (relative to ``root``) and contents."""
    h = hashlib.sha256()
    for f in sorted(files):
        rel = f.relative_to(root).as_posix() if root and f.is_relative_to(root) else f.name
        h.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def code_hash() -> str:
    """Hash of the package's code and templates: a change anywhere rebuilds every report."""
    return hash_files(code_files(), Path(__file__).resolve().parent.parent)


def datasets_read(notebook: Path) -> tuple[str, ...]:
    """The datasets a notebook reads, from its code: every ``load("name")`` plus the reference
    tables; calls that read the whole catalog (validation, reconciliation, coverage, the claims
    check) depend on every table."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if _ALL_TABLES.search(code):
        return tuple(TABLES)
    return tuple(sorted(set(_LOADS.findall(code)) & set(TABLES) | set(REFERENCE_TABLES)))


def recorded_datasets(log: Path) -> tuple[str, ...]:
    """The datasets a report loaded (``*`` means the whole catalog), plus the reference tables."""
    names = set(log.read_text(encoding="utf-8").split()) if log.exists() else set()
    if "*" in names:
        return tuple(TABLES)
    return tuple(sorted((names & set(TABLES)) | set(REFERENCE_TABLES)))


def data_files(datasets: tuple[str, ...]) -> list[Path]:
    """The CSV shards of ``datasets`` in the data folder and the overlay."""
    roots = [paths.data_dir()] + ([o] if (o := paths.overlay_dir()) else [])
    return [p for r in roots for d in datasets for p in sorted((r / d).glob("*.csv"))]


def run_key(base: dict[str, Any], datasets: tuple[str, ...]) -> str:
    """The content key of one report: ``base`` (notebook, parameters, mode, code, libraries)
    and the content of the data files it reads."""
    payload = {**base, "data": hash_files(data_files(datasets))}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
