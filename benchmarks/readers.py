"""Which datasets each report *really* reads, traced at run time, to check the runner's static
dependency analysis (``runner.datasets_read``: ``load("name")`` calls in the notebook's own code,
plus the reference tables, plus every table for validation/reconciliation/coverage calls).

The trace runs every distinct notebook of the grid once, cell by cell, in a plain IPython shell
in a child process of its own (as each report has a kernel of its own: the display layer keeps
per-page state, such as the download names already used, for the life of the process), with
``hima_analytics.catalog.load`` and ``validate`` wrapped to record the tables asked for,
including calls made from inside the package (e.g. ``claims.check()``). The children run as many
at a time as there are cores; nothing is timed here.

Run as a script, it traces one notebook named in a JSON file and prints a JSON list.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

from common import NOTEBOOKS, PYTHON, child_env, run


def _trace(notebook: Path, params: dict) -> list[str]:  # runs in the child
    from IPython.core.interactiveshell import InteractiveShell

    import hima_analytics.catalog as catalog
    from hima_analytics.schemas import TABLES

    seen: set[str] = set()
    real_load, real_validate, real_load_catalog = catalog.load, catalog.validate, catalog.load_catalog

    def load(name, *a, **k):
        seen.add(name)
        return real_load(name, *a, **k)

    def validate(*a, **k):
        seen.update(TABLES)
        return real_validate(*a, **k)

    catalog.load, catalog.validate = load, validate
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    shell = InteractiveShell.instance()
    shell.user_ns.clear()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            result = shell.run_cell("".join(cell["source"]), silent=True)
        if not result.success:
            raise RuntimeError(f"{notebook.name}: a cell failed while tracing: {result.error_in_exec!r}")
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            shell.user_ns.update(params)  # what papermill's injected cell does
    catalog.load, catalog.validate, catalog.load_catalog = real_load, real_validate, real_load_catalog
    return sorted(seen)


def traced_reads(runs, work: Path) -> dict[str, list[str]]:
    """{notebook: datasets it read at run time}, one run (one child process) per distinct notebook."""
    from concurrent.futures import ThreadPoolExecutor

    todo = {}
    for r in runs:
        todo.setdefault(r.notebook, r.params)
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "readers.json"
    spec.write_text(json.dumps(todo), encoding="utf-8")

    def trace(nb: str) -> list[str]:
        _secs, proc = run([PYTHON, str(Path(__file__)), str(spec), nb], env=child_env(), cwd=NOTEBOOKS)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(todo, pool.map(trace, todo)))


def static_reads(runs) -> dict[str, list[str]]:
    """{notebook: datasets the runner believes it reads}."""
    from hima_analytics.reporting.manifest import datasets_read

    return {nb: sorted(datasets_read(NOTEBOOKS / f"{nb}.ipynb")) for nb in {r.notebook for r in runs}}


if __name__ == "__main__":
    todo = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    name = sys.argv[2]
    os.chdir(NOTEBOOKS)
    print(json.dumps(_trace(NOTEBOOKS / f"{name}.ipynb", todo[name])))
