"""Profiles for missed targets: each function runs one profile in a child process and returns
its text, trimmed for RESULTS.md. Only the profiles of targets that were missed are taken."""

from __future__ import annotations

import json
from pathlib import Path

from common import BENCH_DIR, HIMA, PYTHON, child_env, run


def _trim(text: str, lines: int = 45) -> str:
    body = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(body[:lines]) + ("\n..." if len(body) > lines else "")


def pyinstrument_text(cmd: list[str], *, env: dict[str, str] | None = None, lines: int = 45) -> str:
    """``python -m pyinstrument`` over a Python script and its arguments."""
    _secs, proc = run(
        [PYTHON, "-m", "pyinstrument", "--no-color", "--no-unicode", "-i", "0.002", *cmd], env=env or child_env()
    )
    text = proc.stdout.splitlines()
    start = next((i for i, ln in enumerate(text) if "Recorded:" in ln), 0)
    body = [ln for ln in text[start:] if not ln.startswith(("To view this report", "    pyinstrument --load"))]
    return _trim("\n".join(body), lines)


def report(report_name: str, work: Path) -> tuple[dict, str]:
    """One report's worker steps (see :mod:`profile_report`): (breakdown, pyinstrument text)."""
    out = work / "report-profile"
    out.mkdir(parents=True, exist_ok=True)
    run([PYTHON, str(BENCH_DIR / "profile_report.py"), report_name, str(out)])
    breakdown = json.loads((out / "breakdown.json").read_text(encoding="utf-8"))
    return breakdown, _trim((out / "pyinstrument.txt").read_text(encoding="utf-8"))


def rebuild(build_dir: Path) -> str:
    """A no-change ``hima reports build`` (nothing to execute) under pyinstrument."""
    return pyinstrument_text([HIMA, "reports", "build", "--out", str(build_dir)], lines=60)


def datalayer(panel: Path, work: Path) -> str:
    """The eager toolkit data-layer workload under pyinstrument (native time is charged to the
    Polars call that spent it)."""
    out = work / "datalayer-profile"
    out.mkdir(parents=True, exist_ok=True)
    return pyinstrument_text([str(BENCH_DIR / "datalayer_polars.py"), str(panel), str(out), "eager"], lines=40)


def _importtime_rows(stderr: str) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module as printed, with its indentation) per ``-X importtime`` line."""
    rows = []
    for ln in stderr.splitlines():
        if not ln.startswith("import time:") or "cumulative" in ln:
            continue
        self_us, cum_us, name = ln[len("import time:") :].split("|")
        rows.append((int(cum_us), int(self_us), name.rstrip()))
    return rows


def _importtime_table(rows: list[tuple[int, int, str]], top: int) -> str:
    rows = sorted(rows, reverse=True)
    lines = [f"{'cumulative':>11} {'self':>9}  module"] + [
        f"{c / 1e6:10.3f}s {s / 1e6:8.3f}s  {n.strip()}" for c, s, n in rows[:top]
    ]
    return "\n".join(lines)


def importtime(stmt: str, env: dict[str, str], top: int = 15) -> str:
    """``python -X importtime``: the ``top`` modules by cumulative import time."""
    _secs, proc = run([PYTHON, "-X", "importtime", "-c", stmt], env=env)
    return _importtime_table(_importtime_rows(proc.stderr), top)


#: Heavy packages whose presence on a path is worth stating (imported or not).
HEAVY = ("polars", "papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client", "fontTools", "altair")


def command_importtime(cmd: list[str], env: dict[str, str], top: int = 12) -> tuple[str, dict[str, float | None]]:
    """``python -X importtime`` over a console script (e.g. ``hima reports build``): the ``top``
    modules by cumulative time, and {heavy package: its cumulative seconds, or None if the command
    never imported it}. ``-X importtime`` itself slows imports a little."""
    _secs, proc = run([PYTHON, "-X", "importtime", *cmd], env=env)
    rows = _importtime_rows(proc.stderr)
    heavy: dict[str, float | None] = dict.fromkeys(HEAVY)
    for cum, _self, name in rows:
        if name.strip() in heavy:
            heavy[name.strip()] = cum / 1e6
    total = sum(s for _c, s, _n in rows) / 1e6
    text = _importtime_table(rows, top) + f"\n{total:10.3f}s in all imports (sum of self times)"
    return text, heavy
