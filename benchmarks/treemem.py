"""Peak memory of a whole process tree: a background thread sums the RSS of a process and all
its descendants every 100 ms (psutil) and keeps the maximum.

Summed RSS counts shared pages (forked workers share the parent's) once per process, so it
over-states the physical memory slightly; it is the conservative number.
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Sequence

import psutil


class TreeSampler:
    """Sample the summed RSS of ``pid``'s process tree until :meth:`stop`."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _tree_rss(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self.samples += 1
            self._stop.wait(self.interval)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sampled(cmd: Sequence[str], *, env: dict[str, str], cwd=None) -> tuple[float, int, float, str, str, int]:
    """Run ``cmd`` while sampling its tree. Returns (wall seconds, peak summed RSS in bytes,
    CPU seconds (user + system) of the whole tree, stdout, stderr, return code).

    The CPU time is the growth of ``RUSAGE_CHILDREN`` across the run: it covers every descendant
    that was waited for (workers by the runner, kernels by the workers)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid).start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    peak = sampler.stop()
    return seconds, peak, _children_cpu() - cpu0, out, err, proc.returncode
