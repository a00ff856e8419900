"""Shared plumbing for the benchmarks: project locations, the environment every child process
runs in, timing of commands and repetitions, and the result rows that end up in RESULTS.md.

Nothing here measures anything by itself; each concern module (``cold_build``, ``kernels``,
``rebuild``, ``datalayer``, ``imports``, ``sizes``) uses these helpers and returns ``Row``s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
HIMA = str(VENV_BIN / "hima")
#: ``hima`` with cell durations and stage timers kept (see ``instrument.py``).
INSTRUMENT = str(BENCH_DIR / "instrument.py")
KERNEL = "hima-analytics"
GRID = PROJECT / "reports" / "grid.toml"
NOTEBOOKS = PROJECT / "notebooks"
DATA = PROJECT / "data"


def child_env(**extra: str | None) -> dict[str, str]:
    """The environment of every child: ours, with the venv's ``bin`` first on ``PATH`` (so the
    baseline's ``papermill`` and ``jupyter`` are the project's), plus ``extra`` (None removes)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("HIMA_REPORT_MODE", None)
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(
    cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, check: bool = True
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``cmd`` to completion; returns (wall seconds, completed process)."""
    t0 = time.perf_counter()
    proc = subprocess.run(list(cmd), env=env or child_env(), cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    return seconds, proc


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def fmt_bytes(n: float) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    if n >= 1024**2:
        return f"{n / 1024**2:.2f} MB"
    return f"{n / 1024:.0f} KB"


def fmt_runs(values: Sequence[float], fmt: Callable[[float], str] = fmt_s) -> str:
    return "[" + ", ".join(fmt(v) for v in values) + "]"


@dataclass
class Row:
    """One line of the results table: what was measured, its value (median, with every
    repetition in ``detail``), the target it is judged against and whether it was met
    (``None`` for context lines that have no target)."""

    section: str
    metric: str
    value: str
    detail: str = ""
    target: str = ""
    met: bool | None = None
    #: True for the targets of issue 15 (listed first in RESULTS.md).
    issue15: bool = False


@dataclass
class Finding:
    """A missed target: the profile that shows where the time or memory goes, the diagnosis and
    the proposed fix (code outside ``benchmarks/`` is the lead's to change)."""

    target: str
    profile: str
    diagnosis: str
    fix: str


@dataclass
class Section:
    """What one concern module returns."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
