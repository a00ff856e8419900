"""Where things live. This is the only module that knows file-system locations.

Every other module asks here for a path. The shipped data folder can be replaced with
``HIMA_DATA_DIR`` and an analyst's private rows are layered on top with ``HIMA_DATA_OVERLAY``
(a folder with the same ``<table>/<shard>.csv`` layout as ``data/``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "HIMA_DATA_DIR"
OVERLAY_ENV = "HIMA_DATA_OVERLAY"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The curated data folder: ``override``, else ``$HIMA_DATA_DIR``, else ``<project>/data``."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else PROJECT_ROOT / "data"


def overlay_dir(override: str | os.PathLike[str] | None = None) -> Path | None:
    """The analyst's overlay folder, if one is set by argument or ``$HIMA_DATA_OVERLAY``."""
    if override is not None:
        return Path(override)
    env = os.environ.get(OVERLAY_ENV)
    return Path(env) if env else None


def table_dir(root: Path, table: str) -> Path:
    """Folder holding one table's CSV shards."""
    return root / table


def data_readme(root: Path | None = None) -> Path:
    """The data dictionary, which carries the generated coverage matrix."""
    return (root or data_dir()) / "README.md"


def seeds_dir() -> Path:
    """The seed articles that the starter data cites by file name (outside the repo)."""
    return PROJECT_ROOT.parent / "shared" / "seeds"


def reports_dir() -> Path:
    return PROJECT_ROOT / "reports"


def notebooks_dir() -> Path:
    return PROJECT_ROOT / "notebooks"
