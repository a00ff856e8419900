"""The real report grid (``reports/grid.toml``) as the benchmarks see it, and the parameter
files the papermill baseline needs.

papermill's ``-p brand 2024`` would turn a string like '2024' into an int, and lists cannot be
passed with ``-p`` at all, so the baseline passes every run's parameters as a YAML file
(``-f``; JSON is valid YAML).
"""

from __future__ import annotations

import json
from pathlib import Path

from common import GRID, NOTEBOOKS


def load_runs():
    """The grid's runs, expanded and validated by the toolkit's own grid loader."""
    from hima_analytics.reporting.grid import load_grid

    runs, _settings = load_grid(GRID, NOTEBOOKS)
    return runs


def write_param_files(runs, folder: Path) -> Path:
    """One ``<report>.yaml`` per run plus ``runs.txt`` ("<report> <notebook>" per line), the
    input of the baseline's shell loop. Returns the runs file."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for run in runs:
        (folder / f"{run.name}.yaml").write_text(json.dumps(run.params) + "\n", encoding="utf-8")
        lines.append(f"{run.name} {run.notebook}")
    runs_file = folder / "runs.txt"
    runs_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return runs_file
