"""The no-change build in milliseconds: a stamp of everything a build reads and writes.

A full build decides what to run from content keys (:mod:`.manifest`), which means loading the
catalog and hashing the notebooks, the package and the data. Most builds change nothing, so the
command first compares a *stamp*: the size and modification time of every file the keys are made
from (package code and templates, the data roots, the notebooks, the grid, the CJK font), of what
the build wrote (pages, workbooks, executed notebooks, manifest, the record of data changes), of
the folders Python imports libraries from, plus the ``HIMA_*`` environment and the build options.
When every entry equals the stamp the last complete build left, nothing a key depends on can have
changed: the command prints what a full no-change build prints and runs and writes nothing.

Any difference, a missing stamp or ``--force`` takes the full path, which decides by content and
writes a new stamp when it ends without a failure and its inputs did not move while it ran. As in
git's index, an input modified within two seconds of the stamp being written is *racy* (a later
edit could keep its size and time stamp), so no stamp is written then and the next build decides
by content. A build removes the stamp as soon
as it holds the lock, so a build that is stopped or killed leaves none behind.

This module imports only the standard library: the point is to answer before Polars, the catalog
or Jupyter are imported.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import paths
from ..files import write_atomic

__all__ = ["CODE_SUFFIXES", "STAMP_FILE", "clear", "code_files", "current", "matches", "write"]

#: File suffixes of the package that make up its code (the manifest's code hash reads the same).
CODE_SUFFIXES = frozenset({".py", ".j2", ".css", ".json", ".tpl"})
#: The stamp's name in the build's state folder.
STAMP_FILE = "stamp.json"
#: Seconds within which a modification makes a file racy.
RACY_SECONDS = 2.0
_VERSION = 1


def code_files() -> list[Path]:
    """The package's code and templates, in a stable order."""
    pkg = Path(__file__).resolve().parent.parent
    return sorted(
        p for p in pkg.rglob("*") if p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts and p.is_file()
    )


def _stat(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]


def _files_under(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        return []
    return (p for p in root.rglob("*") if p.is_file())


def _library_folders() -> list[Path]:
    """The folders libraries are imported from: installing or removing one changes its mtime."""
    return sorted({Path(p) for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()})


def current(out_dir: Path, *, notebooks: Path, grid: Path, options: dict[str, Any]) -> dict[str, Any]:
    """The stamp as things are now: ``inputs`` (what the keys are made from) and ``outputs`` (what
    a build writes), each a sorted list of ``[path, size, mtime_ns]``."""
    state = paths.build_state_dir(out_dir)
    roots = paths.data_roots()
    inputs = [*code_files(), grid, *sorted(notebooks.glob("*.ipynb")), *paths.cjk_fonts(), *_library_folders()]
    for root in roots:
        inputs += sorted(_files_under(root))
    outputs = sorted(
        [
            *out_dir.glob("*.html"),
            *out_dir.glob("*.xlsx"),
            *(out_dir / "notebooks").glob("*.ipynb"),
            state / "manifest.json",
            state / "changes.json",
        ]
    )
    return {
        "version": _VERSION,
        "options": options,
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("HIMA_")},
        "roots": [str(r) for r in roots],
        "inputs": [_stat(p) for p in inputs],
        "outputs": [_stat(p) for p in outputs],
    }


def _path(out_dir: Path) -> Path:
    return paths.build_state_dir(out_dir) / STAMP_FILE


def matches(out_dir: Path, now: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """The reports and the lines a no-change build prints, when ``now`` equals the stamp the last
    complete build left for ``out_dir``; None when anything differs or there is no readable stamp."""
    try:
        saved = json.loads(_path(out_dir).read_text(encoding="utf-8"))
        names, lines, stamp = saved["reports"], saved["lines"], saved["stamp"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    texts = isinstance(names, list) and isinstance(lines, list) and all(isinstance(x, str) for x in names + lines)
    if stamp != now or not texts:
        return None
    return names, lines


def _racy(stamp: dict[str, Any], now_ns: int) -> bool:
    limit = now_ns - int(RACY_SECONDS * 1e9)
    return any(m is not None and m >= limit for _, _, m in stamp["inputs"])


def write(out_dir: Path, stamp: dict[str, Any], reports: list[str], lines: list[str]) -> bool:
    """Keep ``stamp``, the reports it covers and the lines a no-change build prints (one per
    report and the data line). Not written, and False returned, when an input is racy."""
    if _racy(stamp, time.time_ns()):
        clear(out_dir)
        return False
    path = _path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"stamp": stamp, "reports": reports, "lines": lines}, sort_keys=True) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return True


def clear(out_dir: Path) -> None:
    """Forget the stamp (a build has started: until it ends, nothing is known to be unchanged)."""
    _path(out_dir).unlink(missing_ok=True)
