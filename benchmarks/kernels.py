"""Kernel-level costs: a bare kernel start, the floor of one report (kernel start plus the
notebooks' import/setup cell) and an empty notebook through the runner.

The floor is what no runner can avoid: every report needs a fresh kernel and must import the
toolkit's display stack before its own work. It is measured on the setup cell of the grid's most
common notebook, with that notebook's parameters, in the runner's environment
(``HIMA_REPORT_MODE=interactive``, working directory ``notebooks/``).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import HIMA, KERNEL, NOTEBOOKS, Row, Section, child_env, fmt_runs, fmt_s, median, run


def _kernel_session(code: str | None) -> tuple[float, float, float]:
    """Start the project kernel, wait until ready, optionally run ``code``, shut down at once.
    Returns (start-to-ready, code execution, shutdown) seconds."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name=KERNEL)
    t0 = time.perf_counter()
    km.start_kernel(
        env=child_env(HIMA_REPORT_MODE="interactive"),
        cwd=str(NOTEBOOKS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        t1 = time.perf_counter()
        if code is not None:
            reply = kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                raise RuntimeError(f"setup cell failed: {content.get('ename')}: {content.get('evalue')}")
        t2 = time.perf_counter()
    finally:
        kc.stop_channels()
        t3 = time.perf_counter()
        km.shutdown_kernel(now=True)
    return t1 - t0, t2 - t1, time.perf_counter() - t3


def warm_kernel_sessions(reps: int) -> list[tuple[float, float, float]]:
    """The runner's warm kernels: one :class:`~hima_analytics.reporting.warm_kernels.KernelServer`
    (started and waited for outside the timing), then per repetition a kernel forked from it,
    timed as (start, start-to-ready, shutdown). Ready is what ``wait_for_ready`` waits for: the
    first ``kernel_info`` reply with IOPub connected."""
    import os

    from hima_analytics.reporting.warm_kernels import KernelServer, kernel_manager_class

    out = []
    saved = {k: os.environ.get(k) for k in ("HIMA_REPORT_MODE",)}
    os.environ["HIMA_REPORT_MODE"] = "interactive"
    try:
        with KernelServer() as server:
            manager = kernel_manager_class(server.wait_ready())
            for _ in range(reps):
                km = manager(kernel_name=KERNEL)
                t0 = time.perf_counter()
                km.start_kernel(cwd=str(NOTEBOOKS), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                t1 = time.perf_counter()
                kc = km.client()
                kc.start_channels()
                try:
                    kc.wait_for_ready(timeout=120)
                    t2 = time.perf_counter()
                finally:
                    kc.stop_channels()
                    t3 = time.perf_counter()
                    km.shutdown_kernel(now=True)
                out.append((t1 - t0, t2 - t1, time.perf_counter() - t3))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return out


def setup_cell(runs) -> tuple[str, str]:
    """(notebook name, code) of the parameters cell plus the first code cell after it, for the
    grid's most common notebook: what every report runs before its own work."""
    notebook, _n = Counter(r.notebook for r in runs).most_common(1)[0]
    nb = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    params_idx = next(i for i, c in enumerate(code) if "parameters" in c.get("metadata", {}).get("tags", []))
    return notebook, "".join(code[params_idx]["source"]) + "\n" + "".join(code[params_idx + 1]["source"])


def bare_kernel_start(reps: int) -> list[float]:
    """KernelManager start + wait_for_ready + immediate shutdown, end to end."""
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        _kernel_session(None)
        out.append(time.perf_counter() - t0)
    return out


def floor_per_report(runs, reps: int) -> tuple[list[float], list[float], str]:
    """Kernel start-to-ready plus the setup cell (shutdown excluded), per repetition; also the
    setup cell's own time and the notebook it came from."""
    notebook, code = setup_cell(runs)
    totals, cells = [], []
    for _ in range(reps):
        start, cell, _shutdown = _kernel_session(code)
        totals.append(start + cell)
        cells.append(cell)
    return totals, cells, notebook


_LINE = re.compile(r"^ok\s+(\S+)\s+([\d.]+)s", re.M)


def empty_notebook_via_runner(reps: int) -> tuple[list[float], list[float]]:
    """An empty notebook (only a parameters cell) built by ``hima reports build --force --jobs 1``.
    Returns the CLI's wall seconds and the runner's own per-report seconds."""
    walls, per_report = [], []
    with tempfile.TemporaryDirectory(prefix="bench-empty-") as tmp:
        tmp = Path(tmp)
        nb_dir = tmp / "notebooks"
        nb_dir.mkdir()
        nb = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "params",
                    "outputs": [],
                    "metadata": {"tags": ["parameters"]},
                    "source": 'label = "empty"\n',
                }
            ],
            "metadata": {
                "kernelspec": {"name": KERNEL, "display_name": "Python (hima_analytics)", "language": "python"}
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (nb_dir / "empty.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        grid = tmp / "grid.toml"
        grid.write_text('[[report]]\nnotebook = "empty"\ntitle = "Empty"\n', encoding="utf-8")
        for i in range(reps):
            secs, proc = run(
                [
                    HIMA,
                    "reports",
                    "build",
                    "--force",
                    "--jobs",
                    "1",
                    "--grid",
                    str(grid),
                    "--notebooks",
                    str(nb_dir),
                    "--out",
                    str(tmp / f"out{i}"),
                ]
            )
            walls.append(secs)
            per_report.append(float(_LINE.search(proc.stdout).group(2)))
    return walls, per_report


def measure(runs, reps: int) -> Section:
    """Rows for the per-report overhead and the floor; ``facts['floor_per_report']`` feeds the
    cold-build section."""
    sec = Section()
    bare = bare_kernel_start(reps)
    warm = warm_kernel_sessions(reps)
    floor, cells, notebook = floor_per_report(runs, reps)
    walls, per_report = empty_notebook_via_runner(reps)
    warm_ready = [r for _s, r, _d in warm]
    warm_total = [sum(w) for w in warm]
    sec.facts.update(
        floor_per_report=median(floor),
        kernel_start=median(bare),
        empty_per_report=median(per_report),
        warm_ready=median(warm_ready),
        warm_total=median(warm_total),
    )
    sec.rows += [
        Row(
            "per-report overhead",
            "bare kernel start (start + wait_for_ready + shutdown)",
            fmt_s(median(bare)),
            fmt_runs(bare),
        ),
        Row(
            "per-report overhead",
            "warm kernel (forked from the runner's kernel server): start + wait_for_ready + shutdown",
            fmt_s(median(warm_total)),
            f"{fmt_runs(warm_total)}; of which start to ready {fmt_s(median(warm_ready))} "
            f"{fmt_runs(warm_ready)} (the forked kernel's own initialisation and first `kernel_info` reply)",
        ),
        Row(
            "per-report overhead",
            "empty notebook through the runner (runner's per-report time)",
            fmt_s(median(per_report)),
            f"{fmt_runs(per_report)}; overhead over a bare kernel {fmt_s(median(per_report) - median(bare))}",
        ),
        Row(
            "per-report overhead",
            "empty notebook: whole `hima reports build --jobs 1` command",
            fmt_s(median(walls)),
            f"{fmt_runs(walls)}; includes the CLI's fixed start-up (grid, catalog, hashes)",
        ),
        Row(
            "floor",
            f"kernel start + setup cell ({notebook})",
            fmt_s(median(floor)),
            f"{fmt_runs(floor)}; setup cell alone {fmt_s(median(cells))}",
        ),
    ]
    sec.notes.append(
        f"The floor uses `{notebook}` (the grid's most common notebook): its parameters cell plus its "
        "import/setup cell, run in a fresh `hima-analytics` kernel with `HIMA_REPORT_MODE=interactive` "
        "and the notebooks folder as working directory, as the runner does."
    )
    return sec
