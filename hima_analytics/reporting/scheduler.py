"""Running report jobs in forked workers, at most ``jobs`` at a time, each within its time
limit, and stopping all of them cleanly when the build is interrupted.

On SIGINT or SIGTERM the scheduler kills every worker's process tree (workers and the kernels'
launchers), lets the caller close the kernel server, and raises :class:`BuildStopped`; the
caller removes the build's temporary folders. Workers also die with the build if it is killed
outright (see :func:`~.worker.die_with_parent`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .worker import Job, WorkerReport, execute

__all__ = ["BuildStopped", "Finished", "kill_tree", "run_jobs"]


class BuildStopped(RuntimeError):
    """The build was interrupted (SIGINT or SIGTERM); every worker has been stopped."""


@dataclass(frozen=True)
class Finished:
    """A job that ended: its report and how long it ran."""

    job: Job
    report: WorkerReport
    seconds: float


def kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    procs = parent.children(recursive=True) + [parent]
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def run_jobs(
    jobs_todo: list[Job],
    *,
    jobs: int | None,
    timeout: float,
    kernel_socket: str | None,
    on_done: Callable[[Finished], None],
) -> None:
    """Run ``jobs_todo`` in forked workers; call ``on_done`` as each ends. Raises BuildStopped
    on SIGINT/SIGTERM after killing every running worker."""
    ctx = mp.get_context("fork")
    n_jobs = max(1, jobs or os.cpu_count() or 1)
    queue = deque(jobs_todo)
    running: dict[str, tuple[Job, Any, Any, float]] = {}
    stop: list[int] = []

    def on_signal(signum, _frame):
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while queue or running:
            if stop:
                for _job, proc, _recv, _t in running.values():
                    kill_tree(proc.pid)
                raise BuildStopped(
                    f"the build was stopped by {signal.Signals(stop[0]).name}; "
                    f"{len(running)} running report(s) were stopped, {len(queue)} not started."
                )
            while queue and len(running) < n_jobs:
                job = queue.popleft()
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=execute, args=(job, send, kernel_socket), name=f"report-{job.name}")
                proc.start()
                send.close()
                running[job.name] = (job, proc, recv, time.monotonic())
            time.sleep(0.02)
            for name, (job, proc, recv, started) in list(running.items()):
                elapsed = time.monotonic() - started
                report: WorkerReport | None = None
                if recv.poll():
                    try:
                        report = recv.recv()
                    except EOFError:
                        report = WorkerReport("failed", f"worker exited with code {proc.exitcode}")
                elif elapsed > timeout:
                    kill_tree(proc.pid)
                    report = WorkerReport("failed", f"timed out after {timeout:.0f}s (limit enforced by the runner)")
                elif not proc.is_alive():
                    report = WorkerReport("failed", f"worker exited with code {proc.exitcode}")
                if report is None:
                    continue
                proc.join(timeout=5)
                recv.close()
                del running[name]
                on_done(Finished(job, report, round(elapsed, 2)))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
