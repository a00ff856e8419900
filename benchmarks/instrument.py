"""``hima reports build`` with measurements taken inside the real build: each report's cell
durations, and the time the runner's parent spends in each of its stages.

Cell durations. papermill records every cell's ``duration`` in the executed notebook's
``cell.metadata.papermill``, but the runner's notebooks do not keep it:
``determinism.normalise_notebook`` strips it (``PAPERMILL_VOLATILE``) so that the notebooks are
byte-identical from build to build, and the report logs carry no timestamps. With
``$BENCH_CELLS_DIR`` set, ``determinism.normalise_notebook`` is wrapped: in each forked worker,
just before the notebook is normalised, the executed notebook's per-cell durations go to
``$BENCH_CELLS_DIR/<report>.json`` (the report's name is the stem of the ``$HIMA_DATASETS_LOG``
file the worker sets). The worker's ``_export`` imports ``normalise_notebook`` when it is called,
so every worker uses the wrapped function.

Stages. With ``$BENCH_STAGES_FILE`` set, the functions in :data:`STAGES` get a timer each (calls,
seconds, first start and last end after the process began) and the totals are written to that
file when the build's own process exits (the forked workers never write). A function that is
not called shows as 0 calls, so a renamed function is visible rather than silently unmeasured.

Both are thin wrappers around the runner's own functions: same entry point as ``.venv/bin/hima``
(``hima_analytics.cli:main``), same arguments, same processes. Their cost is a few clock reads
per stage and one small JSON file per report.

Usage: ``python instrument.py reports build --out DIR [...]`` (the arguments of ``hima``).
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.abc
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
CELLS_ENV = "BENCH_CELLS_DIR"
STAGES_ENV = "BENCH_STAGES_FILE"

#: (label, module, attribute): what the parent process of ``hima reports build`` does, in order.
#: Names bound with ``from x import y`` at import time are patched where they are used.
STAGES = (
    ("CLI: grid read and checked (`load_grid`)", "hima_analytics.reporting.grid", "load_grid"),
    ("catalog validated and loaded (`catalog._load`, all tables)", "hima_analytics.catalog", "_load"),
    ("build (`runner.build`, all of it)", "hima_analytics.reporting.runner", "build"),
    ("leftover temp folders removed", "hima_analytics.reporting.runner", "_remove_leftovers"),
    ("data snapshot taken (`changes.snapshot`, every shard)", "hima_analytics.changes", "snapshot"),
    ("previous snapshot read (`changes.read_snapshot`)", "hima_analytics.changes", "read_snapshot"),
    ("manifest read", "hima_analytics.reporting.runner", "read_manifest"),
    ("data as-of month (`provenance.data_asof`)", "hima_analytics.reporting.provenance", "data_asof"),
    ("plan: keys of every report (`runner._plan`)", "hima_analytics.reporting.runner", "_plan"),
    ("  package code hashed (`code_hash`)", "hima_analytics.reporting.runner", "code_hash"),
    ("  files hashed (`hash_files`: code, each report's data)", "hima_analytics.reporting.manifest", "hash_files"),
    ("  library versions (`importlib.metadata`)", "hima_analytics.reporting.provenance", "library_versions"),
    ("  git commit", "hima_analytics.reporting.provenance", "git_commit"),
    ("  static dependency analysis (`datasets_read`, nbformat)", "hima_analytics.reporting.runner", "datasets_read"),
    ("execution phase (`runner._run`)", "hima_analytics.reporting.runner", "_run"),
    ("  kernel server ready (`wait_ready`)", "hima_analytics.reporting.warm_kernels", "KernelServer.wait_ready"),
    ("  HTML exporter prepared (`html.prepare`)", "hima_analytics.reporting.html", "prepare"),
    ("  reports run in parallel (`run_jobs`)", "hima_analytics.reporting.runner", "run_jobs"),
    ("manifest written", "hima_analytics.reporting.runner", "write_manifest"),
    ("data change recorded (`record_change`)", "hima_analytics.reporting.runner", "record_change"),
    ("  snapshots compared (`changes.diff`)", "hima_analytics.changes", "diff"),
    ("  snapshot written (`changes.write_snapshot`)", "hima_analytics.changes", "write_snapshot"),
    ("index written (`index.write_index`)", "hima_analytics.reporting.index", "write_index"),
    ("  CJK font looked up (`fonts.find_font`)", "hima_analytics.reporting.fonts", "find_font"),
    ("summary written", "hima_analytics.reporting.runner", "_write_summary"),
)


def cell_durations(nb) -> list[dict]:
    """Every code cell's papermill duration (seconds), its tags and the first line of its source."""
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.get("cell_type") == "code" and meta.get("duration") is not None:
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            first = next((ln for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
            tags = list(cell.get("metadata", {}).get("tags", []))
            out.append({"index": i, "seconds": float(meta["duration"]), "source": first[:90], "tags": tags})
    return out


def _install_cells(folder: Path) -> None:
    from hima_analytics.reporting import determinism
    from hima_analytics.reporting.manifest import DATASETS_LOG_ENV

    real = determinism.normalise_notebook

    @functools.wraps(real)
    def normalise_notebook(nb):
        log = os.environ.get(DATASETS_LOG_ENV)
        if log:
            name = Path(log).stem
            folder.mkdir(parents=True, exist_ok=True)
            payload = {"report": name, "cells": cell_durations(nb)}
            (folder / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")
        return real(nb)

    determinism.normalise_notebook = normalise_notebook


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``patches[name](module)`` right after ``name`` is first imported, so the wrapper
    imports nothing the command would not import itself (its import time stays in the stage
    that imports it)."""

    def __init__(self, patches: dict[str, list]) -> None:
        self.patches = patches

    def find_spec(self, name, path=None, target=None):
        if name not in self.patches:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        todo, real_exec = self.patches.pop(name), spec.loader.exec_module

        def exec_module(module):
            real_exec(module)
            for patch in todo:
                patch(module)

        spec.loader.exec_module = exec_module
        return spec


def _install_stages(path: Path) -> None:
    stats: dict[str, dict] = {
        label: {"id": f"{module}:{attr}", "calls": 0, "seconds": 0.0, "first": None, "last": None}
        for label, module, attr in STAGES
    }
    owner = os.getpid()

    def patcher(label: str, attr: str):
        def patch(mod) -> None:
            holder, name = (getattr(mod, attr.split(".")[0]), attr.split(".")[1]) if "." in attr else (mod, attr)
            real = getattr(holder, name, None)
            if not callable(real):
                stats[label]["missing"] = True
                return
            s = stats[label]

            @functools.wraps(real)
            def timed(*a, **k):
                start = time.perf_counter()
                try:
                    return real(*a, **k)
                finally:
                    end = time.perf_counter()
                    s["calls"] += 1
                    s["seconds"] += end - start
                    s["first"] = start - T0 if s["first"] is None else s["first"]
                    s["last"] = end - T0

            setattr(holder, name, timed)

        return patch

    pending: dict[str, list] = {}
    for label, module, attr in STAGES:
        patch = patcher(label, attr)
        if module in sys.modules:
            patch(sys.modules[module])
        else:
            pending.setdefault(module, []).append(patch)
    sys.meta_path.insert(0, _AfterImport(pending))

    def write() -> None:
        if os.getpid() == owner:
            out = {"stages": stats, "process": time.perf_counter() - T0, "imports": IMPORTS}
            path.write_text(json.dumps(out, indent=1), encoding="utf-8")

    atexit.register(write)


def read_cells(folder: Path) -> dict[str, list[dict]]:
    """{report: its cells} from a folder this wrapper wrote."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))["cells"] for p in sorted(folder.glob("*.json"))}


def read_stages(path: Path) -> dict:
    """The stages file: ``{"stages": {label: stat}, "process": s, "imports": s}``, plus
    ``"by_id"``: the same stats keyed ``"module:attr"``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["by_id"] = {v["id"]: v for v in data["stages"].values()}
    return data


IMPORTS = 0.0

if __name__ == "__main__":
    t = time.perf_counter()
    from hima_analytics.cli import main  # what `hima` imports first (click, the commands, polars)

    IMPORTS = time.perf_counter() - t
    if os.environ.get(CELLS_ENV):
        _install_cells(Path(os.environ[CELLS_ENV]))
    if os.environ.get(STAGES_ENV):
        _install_stages(Path(os.environ[STAGES_ENV]))
    sys.argv[0] = "hima"
    try:
        main()
    except SystemExit as exc:
        sys.exit(exc.code)
