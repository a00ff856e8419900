"""Building the report grid: plan what to rebuild, run it, write the index.

The pieces: :mod:`.manifest` (content keys, what the last build recorded), :mod:`.worker`
(one report in a forked process), :mod:`.scheduler` (the workers, their time limits, a clean
stop), :mod:`.provenance` (the footer) and :mod:`.index`. This module holds them together:

- one build at a time per output folder (a lock; a second build is refused with a message
  naming the first, and a lock left by a killed build is released by the system);
- the build's state (manifest, logs, summary with timings, kernel runtime files) lives in a
  sibling folder ``<out>-build``, so the pages folder holds only pages, notebooks and workbooks,
  byte-identical from one forced build to the next;
- temporary folders of builds that were killed are removed at the start of the next build, and
  a stopped build removes its own;
- a report is skipped only when its key is unchanged and its page and notebook are whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import changes, paths
from ..files import write_text_if_changed
from . import stamp
from .data_changes import DataChange, last_change, record_change
from .grid import Run
from .manifest import Entry, code_hash, datasets_read, read_manifest, run_key, write_manifest
from .scheduler import BuildStopped, Finished, run_jobs
from .worker import Job, require_kernel

__all__ = ["BuildLocked", "BuildStopped", "DataChange", "Result", "build", "state_dir"]

Mode = Literal["interactive", "static"]
RUNTIME_PREFIX = "runtime-"


class BuildLocked(RuntimeError):
    """Another build of the same output folder is running."""


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


state_dir = paths.build_state_dir


class _Lock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = None

    def __enter__(self) -> _Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            holder = self.fh.read().strip() or "unknown"
            self.fh.close()
            raise BuildLocked(
                f"another build of {self.path.parent} is running (process {holder}); wait for it to "
                "finish or stop it. A lock left by a build that was killed is released "
                "automatically."
            ) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(str(os.getpid()))
        self.fh.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self.fh:
            fcntl.flock(self.fh, fcntl.LOCK_UN)
            self.fh.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(state: Path) -> None:
    """Temporary folders of builds that are no longer running (killed outright)."""
    for folder in state.glob(RUNTIME_PREFIX + "*"):
        pid = folder.name[len(RUNTIME_PREFIX) :]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    for folder in Path(tempfile.gettempdir()).glob("hima-kernels-*"):
        pid = folder.name.split("-")[2] if folder.name.count("-") >= 3 else ""
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _whole(page: Path, notebook: Path) -> bool:
    """A page that ends as a page should, and its executed notebook beside it."""
    if not page.exists() or not notebook.exists():
        return False
    with open(page, "rb") as fh:
        fh.seek(max(0, page.stat().st_size - 64))
        return fh.read().rstrip().endswith(b"</html>")


def _previous_seconds(state: Path) -> dict[str, float]:
    try:
        data = json.loads((state / "summary.json").read_text(encoding="utf-8"))
        return {r["name"]: float(r["seconds"]) for r in data.get("reports", []) if r.get("status") == "ok"}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def build(
    runs: list[Run],
    *,
    out_dir: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    timeout: float = 600.0,
    mode: Mode = "interactive",
    show_code: bool = False,
    notebooks: Path | None = None,
    on_result: Callable[[Result], None] | None = None,
    warm_kernels: bool = True,
    on_warning: Callable[[str], None] | None = None,
    on_data_change: Callable[[DataChange], None] | None = None,
) -> list[Result]:
    """Build ``runs``; returns one Result per run (ok, failed or skipped) in completion order.

    ``notebooks`` is the folder holding the notebooks (default: the project's ``notebooks/``).
    ``warm_kernels`` forks each report's kernel from a server that has already imported the
    report stack (:mod:`.warm_kernels`); if that server cannot start, the build goes on with
    ordinary kernels and says why through ``on_warning``. Raises :class:`BuildLocked` when
    another build holds the output folder, :class:`BuildStopped` when interrupted, and
    :class:`~hima_analytics.errors.KernelMissingError` when the kernel is not registered.
    ``on_data_change`` hears what changed in the data since the previous build and which
    reports were rebuilt because of it.
    """
    out_dir = out_dir or paths.reports_dir() / "html"
    state = state_dir(out_dir)
    with _Lock(state / "lock"):
        stamp.clear(out_dir)
        _remove_leftovers(state)
        return _build_locked(
            runs,
            out_dir,
            state,
            jobs=jobs,
            force=force,
            timeout=timeout,
            mode=mode,
            show_code=show_code,
            notebooks=notebooks or paths.notebooks_dir(),
            on_result=on_result,
            warm_kernels=warm_kernels,
            on_warning=on_warning,
            on_data_change=on_data_change,
        )


def _build_locked(
    runs: list[Run],
    out_dir: Path,
    state: Path,
    *,
    jobs: int | None,
    force: bool,
    timeout: float,
    mode: Mode,
    show_code: bool,
    notebooks: Path,
    on_result: Callable[[Result], None] | None,
    warm_kernels: bool,
    on_warning: Callable[[str], None] | None,
    on_data_change: Callable[[DataChange], None] | None = None,
) -> list[Result]:
    from ..catalog import load_catalog
    from .provenance import data_asof

    for folder in (out_dir, out_dir / "notebooks", state / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
    load_catalog()  # fail fast, before any kernel starts, if the data is invalid
    data_now = changes.snapshot(paths.data_roots())
    data_before = changes.read_snapshot(state / "catalog")
    manifest = {} if force else read_manifest(state / "manifest.json", on_warning)
    asof = data_asof()
    skipped, todo = _plan(runs, manifest, out_dir, state, notebooks, mode, show_code, asof)
    results: list[Result] = []
    for r in skipped:
        results.append(r)
        if on_result:
            on_result(r)
    seconds = _previous_seconds(state)
    # Longest first (by last recorded time; unknown ones first), so a slow report does not run
    # alone at the end.
    todo.sort(key=lambda jb: -seconds.get(jb[0].name, float("inf")))
    bases = {job.name: base for job, base in todo}
    by_name = {r.name: r for r in runs}

    def done(f: Finished) -> None:
        run = by_name[f.job.name]
        r = Result(
            run.name,
            run.title,
            run.params,
            f.report.status,
            f.seconds,
            f.report.error,
            f.report.cell,
            str(state / "logs" / f"{run.name}.log"),
            asof,
        )
        results.append(r)
        manifest[run.name] = _entry(run, f, bases[run.name], manifest.get(run.name), asof, r.error)
        if on_result:
            on_result(r)

    if todo:
        require_kernel()
        _run(
            todo,
            state,
            jobs=jobs,
            timeout=timeout,
            mode=mode,
            show_code=show_code,
            warm_kernels=warm_kernels,
            on_warning=on_warning,
            on_done=done,
        )
    from .index import write_index

    for r in results:  # a skipped report keeps its entry as it was
        if r.status == "skipped" and r.name in manifest:
            manifest[r.name].title, manifest[r.name].description = by_name[r.name].title, by_name[r.name].description
    write_manifest(state / "manifest.json", manifest)
    change = record_change(state, data_before, data_now, results, manifest)
    if on_data_change and change is not None:
        on_data_change(change)
    write_index(
        out_dir,
        {k: dataclasses.asdict(v) for k, v in manifest.items()},
        [r.name for r in runs],
        last_change(state),
    )
    _write_summary(state, results)
    return results


def _entry(
    run: Run, f: Finished, base: dict[str, Any], old: Entry | None, asof: str | None, error: str | None
) -> Entry:
    """The manifest entry of a report that ran: its key and the datasets it read when it built,
    or, when it failed, no key (so it runs again) and what the last good build recorded."""
    if f.report.status == "ok":
        deps = tuple(f.report.datasets)
        return Entry(
            run_key(base, deps), "ok", run.title, run.params, run.description, list(deps), asof, None, f.report.workbook
        )
    return Entry(
        None,
        "failed",
        run.title,
        run.params,
        run.description,
        old.datasets if old else [],
        old.data_asof if old else None,
        error,
        old.workbook if old else False,
    )


def _plan(
    runs: list[Run],
    manifest: dict[str, Entry],
    out_dir: Path,
    state: Path,
    notebooks: Path,
    mode: Mode,
    show_code: bool,
    asof: str | None,
) -> tuple[list[Result], list[tuple[Job, dict[str, Any]]]]:
    """Which reports are unchanged (their key matches the last build and their page and notebook
    are whole) and which must run, each with the inputs of its key."""
    from ..display.names import describe_params
    from .provenance import git_commit, library_versions

    code, libs, commit = code_hash(), library_versions(), git_commit()
    skipped: list[Result] = []
    todo: list[tuple[Job, dict[str, Any]]] = []
    for run in runs:
        nb_path = notebooks / f"{run.notebook}.ipynb"
        prev = manifest.get(run.name)
        deps = tuple(prev.datasets) if prev and prev.datasets else datasets_read(nb_path)
        base = {
            "notebook": hashlib.sha256(nb_path.read_bytes()).hexdigest(),
            "params": run.params,
            "mode": mode,
            "show_code": show_code,
            "code": code,
            "libs": libs,
        }
        whole = _whole(out_dir / f"{run.name}.html", out_dir / "notebooks" / f"{run.name}.ipynb")
        if prev and prev.status == "ok" and prev.key == run_key(base, deps) and whole:
            skipped.append(Result(run.name, run.title, run.params, "skipped", data_asof=prev.data_asof))
            continue
        job = Job(
            run.name,
            run.title,
            run.params,
            nb_path,
            out_dir,
            state,
            mode,
            show_code,
            {"asof": asof, "commit": commit, "libraries": libs, "params_text": describe_params(run.params)},
        )
        todo.append((job, base))
    return skipped, todo


def _run(
    todo: list[tuple[Job, dict[str, Any]]],
    state: Path,
    *,
    jobs: int | None,
    timeout: float,
    mode: Mode,
    show_code: bool,
    warm_kernels: bool,
    on_warning: Callable[[str], None] | None,
    on_done: Callable[[Finished], None],
) -> None:
    runtime = state / f"{RUNTIME_PREFIX}{os.getpid()}"
    runtime.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get("JUPYTER_RUNTIME_DIR")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)  # connection files die with the build
    saved_catalog = os.environ.get(paths.CATALOG_CACHE_ENV)
    server, socket_path = None, None
    try:
        from ..catalog import hand_over

        os.environ[paths.CATALOG_CACHE_ENV] = str(hand_over(runtime / "catalog"))  # validated once, here
        if warm_kernels:
            from .warm_kernels import KernelServer

            server = KernelServer()  # imports the report stack in its own process meanwhile
        import papermill  # noqa: F401 - imported once, so every forked worker starts warm

        from . import html

        html.prepare(mode, show_code)  # nbconvert, compiled templates, vega bundle: once, not per worker
        from .fonts import find_font, missing_font_message

        if find_font() is None and on_warning:
            on_warning(missing_font_message())
        if server is not None:
            try:
                socket_path = server.wait_ready()
            except RuntimeError as exc:
                server.close()
                server = None
                if on_warning:
                    on_warning(f"{exc} Hint: reports run on ordinary kernels this time (slower, same output).")
        run_jobs([job for job, _ in todo], jobs=jobs, timeout=timeout, kernel_socket=socket_path, on_done=on_done)
    finally:
        if server is not None:
            server.close()
        for name, value in (("JUPYTER_RUNTIME_DIR", saved), (paths.CATALOG_CACHE_ENV, saved_catalog)):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(runtime, ignore_errors=True)


def _write_summary(state: Path, results: list[Result]) -> None:
    """Timings and outcomes of this build, for schedulers and benchmarks (not in any page)."""
    payload = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reports": [dataclasses.asdict(r) for r in results],
    }
    write_text_if_changed(state / "summary.json", json.dumps(payload, indent=1, default=str) + "\n")


def summary_json(results: list[Result]) -> str:
    return json.dumps([dataclasses.asdict(r) for r in results], indent=1, default=str)
