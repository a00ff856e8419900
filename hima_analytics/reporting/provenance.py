"""What a report's provenance footer says: the report, its parameters in words, the data it
read and when, and the versions of the code and libraries that built it."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

from .. import paths

__all__ = ["KEY_LIBRARIES", "data_asof", "git_commit", "library_versions", "provenance"]

KEY_LIBRARIES = ("polars", "altair", "statsmodels", "papermill", "nbconvert", "great-tables", "vl-convert-python")


def library_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {lib: version(lib) for lib in KEY_LIBRARIES}


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def data_asof() -> str | None:
    """The data's reference month: the latest month with a published HIMA alliance delivery
    total (a rival's later figure does not move it), as ``YYYY-MM``. Pages call it the
    "latest HIMA month", since rivals' figures can run later."""
    import polars as pl

    from ..catalog import load

    v = load("volumes", entity="HIMA").filter(pl.col("measure") == "deliveries")
    return None if v.is_empty() else v["month"].max().strftime("%Y-%m")


def provenance(
    *,
    title: str,
    params_text: str,
    datasets: tuple[str, ...],
    data_hash: str,
    asof: str | None,
    commit: str,
    libraries: dict[str, str],
) -> dict[str, Any]:
    """The footer's items, in order, each true to the data the report was built from. (Pure:
    it runs in the forked worker, which must not start Polars' thread pool.)"""
    from .. import __version__
    from ..display.formatting import fmt_month

    return {
        "report": title,
        "parameters": params_text,
        "datasets read": ", ".join(datasets),
        "data files hash": data_hash[:16],
        "latest HIMA month": fmt_month(dt.date.fromisoformat(asof + "-01")) if asof else None,
        "toolkit version": __version__,
        "git commit": commit,
        **libraries,
    }
