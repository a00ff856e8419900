"""Where one report's time goes: the runner's own worker steps, done in-process under pyinstrument,
with papermill's per-cell durations from inside the kernel and a timer on each export step.

Usage: ``python profile_report.py REPORT OUT_DIR``. Writes ``OUT_DIR/breakdown.json`` and
``OUT_DIR/pyinstrument.txt``.

The runner's forked worker cannot be profiled from outside, so this script does what
``worker.execute`` does, with the worker's own functions: the same environment
(``HIMA_REPORT_MODE``, ``$HIMA_DATASETS_LOG``, the downloads folder and title variables), a kernel
forked from a :class:`~hima_analytics.reporting.warm_kernels.KernelServer` after
``html.prepare()`` (as ``runner._run`` does before forking its workers), then
``worker._run_papermill`` and ``worker._export`` themselves (datasets recorded, provenance footer,
normalise, notebook written, workbook moved, HTML export with the Markdown sanitiser and the table
of contents, CJK font subset embedded, page written). Only the logger differs: the worker's
``_logger`` redirects the process's stdout and stderr into the report log.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import os
import sys
import time
from pathlib import Path

from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GRID, NOTEBOOKS  # noqa: E402
from instrument import cell_durations  # noqa: E402

TIMES: dict[str, dict[str, float]] = {}


def timer(holder, name: str, label: str) -> None:
    """Replace ``holder.name`` by a timed version (coroutine functions stay coroutines)."""
    real = getattr(holder, name)
    stat = TIMES.setdefault(label, {"calls": 0, "seconds": 0.0})

    if inspect.iscoroutinefunction(real):

        @functools.wraps(real)
        async def timed_async(*a, **k):
            t0 = time.perf_counter()
            try:
                return await real(*a, **k)
            finally:
                stat["calls"] += 1
                stat["seconds"] += time.perf_counter() - t0

        setattr(holder, name, timed_async)
        return

    @functools.wraps(real)
    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            stat["calls"] += 1
            stat["seconds"] += time.perf_counter() - t0

    setattr(holder, name, timed)


def main(report: str, out: Path) -> None:
    from hima_analytics.reporting.grid import load_grid

    run = next(r for r in load_grid(GRID, NOTEBOOKS)[0] if r.name == report)
    import nbclient.client

    from hima_analytics.display.figures import DOWNLOADS_ENV, TITLE_ENV
    from hima_analytics.display.names import describe_params
    from hima_analytics.reporting import determinism, fonts, html, provenance, sanitise, toc, worker
    from hima_analytics.reporting.manifest import DATASETS_LOG_ENV
    from hima_analytics.reporting.warm_kernels import KernelServer, kernel_manager_class

    pages, state = out / "pages", out / "state"
    for folder in (pages / "notebooks", state / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
    downloads = state / "downloads" / run.name
    downloads.mkdir(parents=True, exist_ok=True)
    job = worker.Job(
        run.name,
        run.title,
        run.params,
        NOTEBOOKS / f"{run.notebook}.ipynb",
        pages,
        state,
        "interactive",
        False,
        {
            "asof": provenance.data_asof(),
            "commit": provenance.git_commit(),
            "libraries": provenance.library_versions(),
            "params_text": describe_params(run.params),
        },
    )
    os.environ.update(
        {
            "HIMA_REPORT_MODE": job.mode,
            DATASETS_LOG_ENV: str(state / "logs" / f"{run.name}.datasets"),
            DOWNLOADS_ENV: str(downloads),
            TITLE_ENV: job.title,
        }
    )
    handler = logging.FileHandler(state / "logs" / f"{run.name}.log", mode="w", encoding="utf-8")
    logger = logging.getLogger("papermill")
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel(logging.INFO)

    client = nbclient.client.NotebookClient
    # papermill enters nbclient's synchronous setup_kernel, whose steps are run_sync wrappers bound
    # when the class was defined: time those names.
    timer(client, "start_new_kernel", "execute: kernel started (launcher, forked from the server)")
    timer(client, "start_new_kernel_client", "execute: kernel client connected, kernel ready")
    timer(client, "_cleanup_kernel", "execute: kernel shut down")
    timer(worker, "recorded_datasets", "export: datasets read (`recorded_datasets`)")
    timer(worker, "hash_files", "export: their files hashed for the footer (`hash_files`)")
    timer(provenance, "provenance", "export: provenance items")
    timer(determinism, "normalise_notebook", "export: notebook normalised")
    timer(determinism, "write_notebook", "export: notebook written")
    timer(html, "notebook_to_html", "export: HTML page (`notebook_to_html`)")
    timer(sanitise, "sanitise_html", "export:   Markdown sanitiser (`sanitise_html`, nh3)")
    timer(toc, "add_toc", "export:   table of contents (`add_toc`)")
    timer(fonts, "embed_cjk", "export: CJK glyphs embedded (`embed_cjk`)")
    timer(fonts, "find_font", "export:   CJK font looked up (`find_font`)")
    timer(fonts, "subset_bytes", "export:   font subset (`subset_bytes`, cached on disk)")

    import papermill  # noqa: F401 - runner._run imports it once before forking its workers

    html.prepare(job.mode, job.show_code)  # as runner._run does before forking (sanitiser timer bound)
    fonts.find_font()  # runner._run checks for a font once
    for stat in TIMES.values():  # only the report's own calls count
        stat.update(calls=0, seconds=0.0)
    report_state = worker.WorkerReport()
    with KernelServer() as server:  # as the runner does: the report's kernel is forked from it
        engine = {"kernel_manager_class": kernel_manager_class(server.wait_ready())}
        profiler = Profiler(interval=0.002)
        profiler.start()
        t0 = time.perf_counter()
        nb = worker._run_papermill(job, logger, engine)
        t1 = time.perf_counter()
        worker._export(job, nb, report_state, logger, downloads)
        t2 = time.perf_counter()
        profiler.stop()
    handler.close()
    cells = cell_durations(nb)
    in_cells = sum(c["seconds"] for c in cells)
    page = pages / f"{run.name}.html"
    breakdown = {
        "report": report,
        "execute": t1 - t0,
        "in_cells": in_cells,
        "outside_cells": t1 - t0 - in_cells,
        "export": t2 - t1,
        "steps": TIMES,
        "html_bytes": page.stat().st_size if page.exists() else 0,
        "workbook": report_state.workbook,
        "slowest_cells": sorted(cells, key=lambda c: -c["seconds"])[:6],
    }
    (out / "breakdown.json").write_text(json.dumps(breakdown, indent=1), encoding="utf-8")
    (out / "pyinstrument.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
