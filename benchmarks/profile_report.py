"""Where one report's time goes: the runner's worker steps, done in-process under pyinstrument,
with papermill's own per-cell durations from inside the kernel.

Usage: ``python profile_report.py REPORT OUT_DIR``. Writes ``OUT_DIR/breakdown.json`` (execute,
normalise and export seconds; kernel time outside cells; the slowest cells) and
``OUT_DIR/pyinstrument.txt``. The steps and arguments mirror ``runner._execute``; the runner's
forked worker cannot be profiled from outside, so the same calls are made here.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GRID, KERNEL, NOTEBOOKS  # noqa: E402


def main(report: str, out: Path) -> None:
    from hima_analytics.reporting.grid import load_grid

    run = next(r for r in load_grid(GRID, NOTEBOOKS)[0] if r.name == report)
    os.environ["HIMA_REPORT_MODE"] = "interactive"
    import logging

    logging.getLogger("papermill").setLevel(logging.WARNING)
    import papermill as pm

    from hima_analytics.reporting.determinism import normalise_notebook
    from hima_analytics.reporting.html import footer_html, notebook_to_html, prepare
    from hima_analytics.reporting.warm_kernels import KernelServer, kernel_manager_class

    prepare("interactive", show_code=False)  # as the runner does before forking its workers
    with KernelServer() as server:  # as the runner does: the report's kernel is forked from it
        manager = kernel_manager_class(server.wait_ready())
        profiler = Profiler(interval=0.002)
        profiler.start()
        t0 = time.perf_counter()
        nb = pm.execute_notebook(
            str(NOTEBOOKS / f"{run.notebook}.ipynb"),
            None,
            parameters=run.params,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            cwd=str(NOTEBOOKS),
            request_save_on_cell_execute=False,
            shutdown_kernel="immediate",
            record_timing=False,
            kernel_manager_class=manager,
        )
        t1 = time.perf_counter()
        norm = normalise_notebook(nb)
        t2 = time.perf_counter()
        page = notebook_to_html(
            norm, mode="interactive", show_code=False, title=run.title, footer=footer_html({"report": run.name})
        )
        t3 = time.perf_counter()
        profiler.stop()
    cells = []
    for c in nb.cells:
        meta = c.get("metadata", {}).get("papermill", {})
        if c.cell_type == "code" and meta.get("duration") is not None:
            first = next((ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
            cells.append({"seconds": meta["duration"], "source": first[:90]})
    in_cells = sum(c["seconds"] for c in cells)
    breakdown = {
        "report": report,
        "execute": t1 - t0,
        "in_cells": in_cells,
        "outside_cells": t1 - t0 - in_cells,
        "normalise": t2 - t1,
        "html_export": t3 - t2,
        "html_bytes": len(page.encode()),
        "slowest_cells": sorted(cells, key=lambda c: -c["seconds"])[:6],
    }
    (out / "breakdown.json").write_text(json.dumps(breakdown, indent=1), encoding="utf-8")
    (out / "pyinstrument.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
