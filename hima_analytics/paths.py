"""Where things live. This is the only module that knows file-system locations.

Every other module asks here for a path. The shipped data folder can be replaced with
``HIMA_DATA_DIR`` and an analyst's private rows are layered on top with ``HIMA_DATA_OVERLAY``
(a folder with the same ``<table>/<shard>.csv`` layout as ``data/``; ``overlay/`` in the project
when that variable is not set).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "HIMA_DATA_DIR"
CJK_FONT_ENV = "HIMA_CJK_FONT"
OVERLAY_ENV = "HIMA_DATA_OVERLAY"
#: A folder where a build's parent left the catalog it validated, for its report kernels.
CATALOG_CACHE_ENV = "HIMA_CATALOG_CACHE"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The curated data folder: ``override``, else ``$HIMA_DATA_DIR``, else ``<project>/data``."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else PROJECT_ROOT / "data"


def default_overlay() -> Path:
    """Where ``hima data add`` puts an analyst's rows when no overlay is set: ``<project>/overlay``
    (git-ignored)."""
    return PROJECT_ROOT / "overlay"


def overlay_dir(override: str | os.PathLike[str] | None = None) -> Path | None:
    """The analyst's overlay folder: ``override``, else ``$HIMA_DATA_OVERLAY`` (set but empty means
    none), else ``<project>/overlay`` when that folder exists."""
    if override is not None:
        return Path(override)
    env = os.environ.get(OVERLAY_ENV)
    if env is not None:
        return Path(env) if env else None
    default = default_overlay()
    return default if default.is_dir() else None


def data_roots() -> list[Path]:
    """The folders whose shards make the catalog: the data folder, then the overlay if any."""
    return [data_dir()] + ([o] if (o := overlay_dir()) is not None else [])


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


def pdf_dir(html_dir: Path | None = None) -> Path:
    """Where the PDF prints of the pages in ``html_dir`` go: ``reports/pdf`` for the default
    ``reports/html``; a ``pdf`` folder beside any other folder named ``html``; else ``<folder>-pdf``.

    >>> pdf_dir(Path("/tmp/x/html")).as_posix(), pdf_dir(Path("/tmp/x/static")).as_posix()
    ('/tmp/x/pdf', '/tmp/x/static-pdf')
    """
    if html_dir is None:
        return reports_dir() / "pdf"
    return html_dir.parent / "pdf" if html_dir.name == "html" else html_dir.with_name(html_dir.name + "-pdf")


def build_state_dir(out_dir: Path) -> Path:
    """Where a build keeps its state (manifest, logs, data snapshot) for the pages folder
    ``out_dir``: a sibling folder, so that the pages folder holds only what is published.

    >>> build_state_dir(Path("/tmp/x/html")).as_posix()
    '/tmp/x/html-build'
    """
    return out_dir.with_name(out_dir.name + "-build")


def notebooks_dir() -> Path:
    return PROJECT_ROOT / "notebooks"


#: Where a CJK font is looked for (Debian's fonts-noto-cjk and fonts-noto-cjk-extra, then other
#: common places); ``$HIMA_CJK_FONT`` comes first.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def cjk_fonts() -> list[Path]:
    """Candidate CJK font files for the pages, in order of preference."""
    env = os.environ.get(CJK_FONT_ENV)
    return ([Path(env)] if env else []) + [Path(p) for p in CJK_FONT_FILES]
