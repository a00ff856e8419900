"""One report, in its own forked process: execute the notebook with papermill, make it
reproducible, export the page, write everything atomically, and report back.

The worker dies with the build: it asks the kernel to send it SIGKILL if its parent goes away
(Linux ``PR_SET_PDEATHSIG``), so a stopped or killed build never leaves workers behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..display.figures import DOWNLOADS_ENV, TITLE_ENV
from ..errors import KernelMissingError
from .manifest import DATASETS_LOG_ENV, data_files, hash_files, recorded_datasets

__all__ = ["KERNEL", "Job", "WorkerReport", "die_with_parent", "execute", "require_kernel"]

KERNEL = "hima-analytics"
Mode = Literal["interactive", "static"]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to build one report."""

    name: str
    title: str
    params: dict[str, Any]
    notebook: Path
    pages: Path
    state: Path
    mode: Mode
    show_code: bool
    footer_base: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkerReport:
    """What the worker sends back."""

    status: Literal["ok", "failed"] = "ok"
    error: str | None = None
    cell: int | None = None
    datasets: list[str] = field(default_factory=list)
    workbook: bool = False


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent exits (no-op elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def require_kernel() -> None:
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        raise KernelMissingError(
            f"the Jupyter kernel {KERNEL!r} is not registered in {sys.prefix}; reports always run on it. "
            "Hint: run `make install` (or `python -m ipykernel install --sys-prefix --name hima-analytics`)."
        ) from None


def _logger(log_path: Path) -> tuple[logging.Logger, logging.Handler]:
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    # The kernel inherits this process's stdout/stderr: its warnings belong in the report's log.
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("papermill")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, handler


#: What jupyter_client says when a kernel ran nothing because it never came up.
_NOT_STARTED = ("didn't respond", "Kernel died before replying to kernel_info")


def _run_papermill(job: Job, logger: logging.Logger, engine: dict[str, Any]):
    import papermill as pm

    for attempt in (1, 2):
        try:
            return pm.execute_notebook(
                str(job.notebook),
                None,
                parameters=job.params,
                kernel_name=KERNEL,
                progress_bar=False,
                log_output=True,
                cwd=str(job.notebook.parent),
                request_save_on_cell_execute=False,
                shutdown_kernel="immediate",
                record_timing=False,
                **engine,
            )
        except RuntimeError as exc:
            # A kernel that never answered, or died before its first reply, ran no cell: start it
            # once more (kernels started in parallel can race for TCP ports).
            if attempt == 2 or not any(m in str(exc) for m in _NOT_STARTED):
                raise
            logger.warning("kernel did not start (%s); retrying once", exc)
    raise AssertionError("unreachable")


def _export(job: Job, nb, report: WorkerReport, logger: logging.Logger, downloads: Path) -> None:
    from ..files import write_atomic
    from .determinism import normalise_notebook, write_notebook
    from .fonts import embed_cjk, find_font
    from .html import footer_html, notebook_to_html
    from .provenance import provenance
    from .workbook import WORKBOOK_NAME

    deps = recorded_datasets(job.state / "logs" / f"{job.name}.datasets")
    footer = provenance(title=job.title, datasets=deps, data_hash=hash_files(data_files(deps)), **job.footer_base)
    report.datasets = list(deps)
    nb = normalise_notebook(nb)
    write_notebook(nb, job.pages / "notebooks" / f"{job.name}.ipynb")
    # The kernel kept the workbook current as it showed each figure (the worker, forked from a
    # process that has used Polars, must not use it again).
    built = downloads / WORKBOOK_NAME
    report.workbook = built.exists()
    if report.workbook:
        os.replace(built, job.pages / f"{job.name}.xlsx")
    page = notebook_to_html(
        nb,
        mode=job.mode,
        show_code=job.show_code,
        title=job.title,
        footer=footer_html(footer),
        workbook=f"{job.name}.xlsx" if report.workbook else None,
    )
    page = embed_cjk(page, find_font())
    write_atomic(job.pages / f"{job.name}.html", page.encode("utf-8"))
    logger.info("wrote %s.html (%d bytes)", job.name, len(page.encode()))


def execute(job: Job, conn, kernel_server: str | None = None) -> None:  # pragma: no cover - forked worker
    """Worker body: execute, normalise, export, write atomically, report back over ``conn``.
    With ``kernel_server`` (a :class:`~.warm_kernels.KernelServer` socket) the kernel is forked
    from that server instead of started from scratch."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops its workers itself
    logger, handler = _logger(job.state / "logs" / f"{job.name}.log")
    os.environ["HIMA_REPORT_MODE"] = job.mode
    datasets_log = job.state / "logs" / f"{job.name}.datasets"
    datasets_log.unlink(missing_ok=True)
    os.environ[DATASETS_LOG_ENV] = str(datasets_log)
    downloads = job.state / "downloads" / job.name
    if downloads.exists():
        import shutil

        shutil.rmtree(downloads)
    downloads.mkdir(parents=True)
    os.environ[DOWNLOADS_ENV] = str(downloads)
    os.environ[TITLE_ENV] = job.title
    report = WorkerReport()
    try:
        from papermill.exceptions import PapermillExecutionError

        engine: dict[str, Any] = {}
        if kernel_server:
            from .warm_kernels import kernel_manager_class

            engine["kernel_manager_class"] = kernel_manager_class(kernel_server)
        logger.info("report %s: notebook %s, parameters %s", job.name, job.notebook.name, job.params)
        try:
            nb = _run_papermill(job, logger, engine)
        except PapermillExecutionError as exc:
            report.status, report.cell = "failed", exc.exec_count
            report.error = f"{exc.ename}: {exc.evalue}".strip()[:500]
            logger.error("cell %s failed:\n%s\n%s", exc.exec_count, exc.source, "\n".join(exc.traceback))
            return
        _export(job, nb, report, logger, downloads)
    except BaseException as exc:  # noqa: BLE001 - everything is reported, nothing escapes the worker
        report.status, report.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        logger.error("%s", traceback.format_exc())
    finally:
        handler.close()
        conn.send(report)
        conn.close()
