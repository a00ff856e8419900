"""Building the report grid: papermill in parallel processes, isolated failures, atomic writes,
content-hash incremental rebuilds and an index page.

Each report runs in its own forked worker process (papermill changes the working directory of
the whole process, so threads would not do). The parent enforces the per-report time limit and
kills the worker and its kernel when it is exceeded. A report is written only when it has
completed: the executed notebook and the HTML go to temporary files that are then renamed, so
the last good report stays in place when a build fails.

A report is skipped when its notebook, parameters, the data files it reads and the package code
are unchanged (content hashes kept in ``.manifest.json``), unless ``force`` is set.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing as mp
import os
import re
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import paths
from ..schemas import TABLES
from .grid import Run

KERNEL = "hima-analytics"
REFERENCE_TABLES = ("sources", "entities", "companies")
KEY_LIBRARIES = ("polars", "altair", "statsmodels", "papermill", "nbconvert", "great-tables", "vl-convert-python")
Mode = Literal["interactive", "static"]


@dataclass
class Result:
    """What happened to one report."""

    name: str
    title: str
    params: dict[str, Any]
    status: Literal["ok", "failed", "skipped"]
    seconds: float = 0.0
    error: str | None = None
    cell: int | None = None
    log: str | None = None
    data_asof: str | None = None

    def line(self) -> str:
        where = f" (cell {self.cell})" if self.cell is not None else ""
        err = f": {self.error}{where}" if self.error else ""
        return f"{self.status:<7} {self.name:<34} {self.seconds:6.1f}s{err}"


# -- hashing -------------------------------------------------------------------------------------

def _hash_files(files: list[Path], root: Path | None = None) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        rel = f.relative_to(root).as_posix() if root and f.is_relative_to(root) else f.name
        h.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def code_hash() -> str:
    """Hash of the package's code and templates: a change anywhere rebuilds every report."""
    pkg = Path(__file__).resolve().parent.parent
    files = [p for p in pkg.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css", ".json", ".tpl"}
             and "__pycache__" not in p.parts]
    return _hash_files(files, pkg)


_LOADS = re.compile(r"""\bload\(\s*["'](\w+)["']""")
_ALL_TABLES = re.compile(r"\b(load_catalog|validate|reconciliation_report|coverage_markdown)\(")


def datasets_read(notebook: Path) -> tuple[str, ...]:
    """The datasets a notebook reads, from its code: every ``load("name")`` plus the reference
    tables that validation and source lines always read; calls that read the whole catalog
    (validation, reconciliation, coverage) depend on every table."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if _ALL_TABLES.search(code):
        return tuple(TABLES)
    found = set(_LOADS.findall(code)) & set(TABLES)
    return tuple(sorted(found | set(REFERENCE_TABLES)))


def data_files(datasets: tuple[str, ...]) -> list[Path]:
    roots = [paths.data_dir()] + ([o] if (o := paths.overlay_dir()) else [])
    return [p for r in roots for d in datasets for p in sorted((r / d).glob("*.csv"))]


def library_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {lib: version(lib) for lib in KEY_LIBRARIES}


def git_commit() -> str:
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- one report ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    run: Run
    notebook: Path
    out_dir: Path
    mode: Mode
    show_code: bool
    key: str
    data_hash: str
    provenance: dict[str, Any]
    key_base: dict[str, Any]


def _key(base: dict[str, Any], data_hash: str) -> str:
    return hashlib.sha256(json.dumps({**base, "data": data_hash}, sort_keys=True, default=str).encode()).hexdigest()


#: The kernel appends the name of every dataset it loads to the file this variable names.
DATASETS_LOG_ENV = "HIMA_DATASETS_LOG"


def recorded_datasets(log: Path) -> tuple[str, ...]:
    """The datasets a report loaded (``*`` means the whole catalog), plus the reference tables."""
    names = set(log.read_text(encoding="utf-8").split()) if log.exists() else set()
    if "*" in names:
        return tuple(TABLES)
    return tuple(sorted((names & set(TABLES)) | set(REFERENCE_TABLES)))


def _atomic_write(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def _execute(job: Job, conn, kernel_server: str | None = None) -> None:  # pragma: no cover - forked worker
    """Worker body: execute, normalise, export, write atomically, report back over ``conn``.
    With ``kernel_server`` (a :class:`~.warm_kernels.KernelServer` socket) the kernel is forked
    from that server instead of started from scratch."""
    import logging

    log_path = job.out_dir / "logs" / f"{job.run.name}.log"
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
    os.environ["HIMA_REPORT_MODE"] = job.mode
    datasets_log = job.out_dir / "logs" / f"{job.run.name}.datasets"
    datasets_log.unlink(missing_ok=True)
    os.environ[DATASETS_LOG_ENV] = str(datasets_log)
    result: dict[str, Any] = {"status": "ok", "error": None, "cell": None, "datasets": None}
    try:
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        from .determinism import normalise_notebook, write_notebook
        from .html import footer_html, notebook_to_html

        engine: dict[str, Any] = {}
        if kernel_server:
            from .warm_kernels import kernel_manager_class

            engine["kernel_manager_class"] = kernel_manager_class(kernel_server)

        logger.info("report %s: notebook %s, parameters %s", job.run.name, job.notebook.name, job.run.params)
        try:
            for attempt in (1, 2):
                try:
                    nb = pm.execute_notebook(
                        str(job.notebook), None, parameters=job.run.params, kernel_name=KERNEL, progress_bar=False,
                        log_output=True, cwd=str(job.notebook.parent), request_save_on_cell_execute=False,
                        shutdown_kernel="immediate", record_timing=False, **engine,
                    )
                    break
                except RuntimeError as exc:
                    # A kernel that never answered ran no cell: start it once more. (Kernels started
                    # in parallel can race for TCP ports.)
                    if attempt == 2 or "didn't respond" not in str(exc):
                        raise
                    logger.warning("kernel did not start (%s); retrying once", exc)
        except PapermillExecutionError as exc:
            result.update(status="failed", error=f"{exc.ename}: {exc.evalue}".strip()[:500], cell=exc.exec_count)
            logger.error("cell %s failed:\n%s\n%s", exc.exec_count, exc.source, "\n".join(exc.traceback))
            return
        deps = recorded_datasets(datasets_log)
        provenance = {**job.provenance, "datasets read": ", ".join(deps),
                      "data files hash": _hash_files(data_files(deps))[:16]}
        result["datasets"] = list(deps)
        nb = normalise_notebook(nb)
        write_notebook(nb, job.out_dir / "notebooks" / f"{job.run.name}.ipynb")
        page = notebook_to_html(nb, mode=job.mode, show_code=job.show_code, title=job.run.title,
                                footer=footer_html(provenance))
        _atomic_write(job.out_dir / f"{job.run.name}.html", page)
        logger.info("wrote %s.html (%d bytes)", job.run.name, len(page.encode()))
    except BaseException as exc:  # noqa: BLE001 - everything is reported, nothing escapes the worker
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}"[:500])
        logger.error("%s", traceback.format_exc())
    finally:
        handler.close()
        conn.send(result)
        conn.close()


class KernelMissing(RuntimeError):
    """The project kernel is not registered."""


def _require_kernel() -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        raise KernelMissing(
            f"the Jupyter kernel {KERNEL!r} is not registered in {sys.prefix}; reports always run on it. "
            "Hint: run `make install` (or `python -m ipykernel install --sys-prefix --name hima-analytics`)."
        ) from None


def _kill_tree(pid: int) -> None:
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


# -- the build -----------------------------------------------------------------------------------

def _manifest_path(out_dir: Path) -> Path:
    return out_dir / ".manifest.json"


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads(_manifest_path(out_dir).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def data_asof() -> str | None:
    """What 'data as of' means in the index: the latest month with a published HIMA alliance
    delivery total (a single rival's later figure does not move it)."""
    import polars as pl

    from ..catalog import load

    v = load("volumes", entity="HIMA").filter(pl.col("measure") == "deliveries")
    return None if v.is_empty() else v["month"].max().strftime("%Y-%m")


def build(runs: list[Run], *, out_dir: Path | None = None, jobs: int | None = None, force: bool = False,
          timeout: float = 600.0, mode: Mode = "interactive", show_code: bool = False,
          notebooks: Path | None = None, on_result: Callable[[Result], None] | None = None,
          warm_kernels: bool = True, on_warning: Callable[[str], None] | None = None) -> list[Result]:
    """Build ``runs``; returns one Result per run (ok, failed or skipped) in completion order.

    ``notebooks`` is the folder holding the notebooks (default: the project's ``notebooks/``).
    ``warm_kernels`` forks each report's kernel from a server that has already imported the
    report stack (:mod:`.warm_kernels`); if that server cannot start, the build goes on with
    ordinary kernels and says why through ``on_warning``.
    """
    from ..catalog import load_catalog

    out_dir = out_dir or paths.reports_dir() / "html"
    for sub in ("", "logs", "notebooks"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    catalog = load_catalog()  # fail fast, before any kernel starts, if the data is invalid
    manifest = _read_manifest(out_dir)
    code = code_hash()
    asof = data_asof()
    libs = library_versions()
    commit = git_commit()
    from .. import __version__

    jobs_todo: deque[Job] = deque()
    results: list[Result] = []
    notebooks = notebooks or paths.notebooks_dir()
    for run in runs:
        nb_path = notebooks / f"{run.notebook}.ipynb"
        prev = manifest.get(run.name, {})
        # The datasets a report read on its last successful run (recorded at run time); before
        # the first run, the notebook's own load() calls are the best guess.
        deps = tuple(prev["datasets"]) if prev.get("datasets") else datasets_read(nb_path)
        dhash = _hash_files(data_files(deps))
        base = {"notebook": hashlib.sha256(nb_path.read_bytes()).hexdigest(), "params": run.params, "mode": mode,
                "show_code": show_code, "code": code, "libs": libs}
        key = _key(base, dhash)
        html_path = out_dir / f"{run.name}.html"
        if not force and prev.get("key") == key and prev.get("status") == "ok" and html_path.exists():
            r = Result(run.name, run.title, run.params, "skipped", prev.get("seconds", 0.0),
                       data_asof=prev.get("data_asof"))
            results.append(r)
            if on_result:
                on_result(r)
            continue
        provenance = {
            "report": run.name, "parameters": run.params, "data files hash": dhash[:16],
            "datasets read": ", ".join(deps), "catalog fingerprint": catalog.fingerprint[:16],
            "data as of": asof, "hima_analytics": __version__, "git commit": commit,
            **{f"{lib}": v for lib, v in libs.items()},
        }
        jobs_todo.append(Job(run, nb_path, out_dir, mode, show_code, key, dhash, provenance, base))

    # Longest first (by each report's last recorded time; unknown ones keep the grid's order
    # ahead of them), so a slow report does not start last and run alone at the end.
    jobs_todo = deque(sorted(jobs_todo, key=lambda j: -manifest.get(j.run.name, {}).get("seconds", float("inf"))))
    server, kernel_socket = None, None
    if jobs_todo:
        _require_kernel()
        if warm_kernels:
            from .warm_kernels import KernelServer

            server = KernelServer()  # imports the report stack in its own process meanwhile
        # Import the heavy modules once so every forked worker starts warm.
        import papermill  # noqa: F401

        from . import determinism, html  # noqa: F401

        html.prepare(mode, show_code)  # nbconvert, compiled templates, vega bundle: once, not per worker
        if server is not None:
            try:
                kernel_socket = server.wait_ready()
            except RuntimeError as exc:
                server.close()
                server = None
                if on_warning:
                    on_warning(f"{exc} Hint: reports run on ordinary kernels this time (slower, same output).")
    try:
        _run_jobs(jobs_todo, jobs, timeout, kernel_socket, out_dir, asof, manifest, results, on_result)
    finally:
        if server is not None:
            server.close()

    from .index import write_index

    _atomic_write_if_changed(_manifest_path(out_dir), json.dumps(manifest, indent=1, sort_keys=True, default=str))
    write_index(out_dir, manifest, [r.name for r in runs])
    return results


def _run_jobs(jobs_todo: deque[Job], jobs: int | None, timeout: float, kernel_socket: str | None, out_dir: Path,
              asof: str | None, manifest: dict[str, Any], results: list[Result],
              on_result: Callable[[Result], None] | None) -> None:
    """Run the jobs in forked workers, at most ``jobs`` at a time; fill ``results`` and ``manifest``."""
    ctx = mp.get_context("fork")
    n_jobs = max(1, jobs or os.cpu_count() or 1)
    running: dict[str, tuple[Job, Any, Any, float]] = {}
    while jobs_todo or running:
        while jobs_todo and len(running) < n_jobs:
            job = jobs_todo.popleft()
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_execute, args=(job, send, kernel_socket), name=f"report-{job.run.name}")
            proc.start()
            send.close()
            running[job.run.name] = (job, proc, recv, time.monotonic())
        time.sleep(0.02)
        for name, (job, proc, recv, started) in list(running.items()):
            elapsed = time.monotonic() - started
            payload = None
            if recv.poll():
                try:
                    payload = recv.recv()
                except EOFError:
                    payload = {"status": "failed", "error": f"worker exited with code {proc.exitcode}", "cell": None}
            elif elapsed > timeout:
                _kill_tree(proc.pid)
                payload = {"status": "failed", "error": f"timed out after {timeout:.0f}s (limit enforced by the runner)",
                           "cell": None}
            elif not proc.is_alive():
                payload = {"status": "failed", "error": f"worker exited with code {proc.exitcode}", "cell": None}
            if payload is None:
                continue
            proc.join(timeout=5)
            recv.close()
            del running[name]
            r = Result(name, job.run.title, job.run.params, payload["status"], round(elapsed, 2), payload["error"],
                       payload["cell"], str(out_dir / "logs" / f"{name}.log"), asof)
            results.append(r)
            if r.status == "ok":
                deps = tuple(payload.get("datasets") or ())
                key = _key(job.key_base, _hash_files(data_files(deps))) if deps else job.key
                manifest[name] = {"key": key, "datasets": list(deps), "status": "ok", "seconds": r.seconds,
                                  "data_asof": asof,
                                  "title": job.run.title, "params": job.run.params}
            else:
                manifest[name] = {**manifest.get(name, {}), "status": "failed", "key": None,
                                  "title": job.run.title, "params": job.run.params, "error": r.error}
            if on_result:
                on_result(r)


def _atomic_write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    _atomic_write(path, text)
    return True


def summary_json(results: list[Result]) -> str:
    return json.dumps([dataclasses.asdict(r) for r in results], indent=1, default=str)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `hima reports build`")
