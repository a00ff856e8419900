"""The declared grid of report runs (``reports/grid.toml``): notebook × parameter sets.

A ``[[report]]`` entry names a notebook, a title and ``params``; ``matrix`` expands one entry
into a run per value (e.g. brand_deep_dive once per HIMA brand). Every parameter is checked
against the notebook's ``parameters`` cell before anything runs: papermill itself only warns
about unknown names.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT = 600


class GridError(ValueError):
    """The grid file or an ad-hoc parameter is wrong."""


@dataclass(frozen=True)
class Run:
    """One report to build."""

    name: str
    notebook: str
    title: str
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def params_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.params.items())) or "defaults"


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def notebook_parameters(path: Path) -> dict[str, dict]:
    """The parameters declared in a notebook's ``parameters`` cell: ``{name: {"name",
    "inferred_type_name", "default"}}``, the keys papermill's ``inspect_notebook`` gives.

    The cell is read with :mod:`ast` (the notebooks assign literals there; a test holds them to
    it), so checking a grid does not import papermill: that keeps a no-change rebuild fast.
    """
    import ast
    import json

    if not path.exists():
        raise GridError(f"notebook {path} does not exist; check `notebook =` in the grid.")
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GridError(f"notebook {path} is not valid notebook JSON ({exc}).") from None
    cell = next(
        (c for c in cells if c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])),
        None,
    )
    if cell is None:
        return {}
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise GridError(
            f"notebook {path}: its parameters cell is not valid Python (line {exc.lineno}: {exc.msg})."
        ) from None
    declared: dict[str, dict] = {}
    for node in tree.body:
        target = (
            node.targets[0]
            if isinstance(node, ast.Assign) and len(node.targets) == 1
            else node.target
            if isinstance(node, ast.AnnAssign)
            else None
        )
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        try:
            kind = type(ast.literal_eval(node.value)).__name__
        except ValueError:
            kind = "None"
        declared[target.id] = {
            "name": target.id,
            "inferred_type_name": kind,
            "default": ast.get_source_segment(source, node.value),
        }
    return declared


def coerce(value: str, declared: dict) -> Any:
    """An ad-hoc ``-p key=value`` string in the notebook's declared type (int stays int,
    everything else stays a string: papermill would turn '2024' into an int)."""
    kind = declared.get("inferred_type_name")
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise GridError(f"parameter {declared.get('name')}={value!r}: expected a whole number.") from None
    return value


def check_params(run: Run, declared: dict[str, dict]) -> None:
    """Names against the notebook's parameters cell, values against the report contract
    (:func:`hima_analytics.notebook.check`), so a bad grid entry fails before any kernel starts."""
    from ..errors import ParameterError
    from ..notebook import RULES, check

    unknown = sorted(set(run.params) - set(declared))
    if unknown:
        raise GridError(
            f"report {run.name!r}: unknown parameter(s) {unknown} for notebook {run.notebook!r}; "
            f"its parameters cell declares {sorted(declared)}."
        )
    try:
        check({k: v for k, v in run.params.items() if k in RULES})
    except ParameterError as exc:
        raise GridError(f"report {run.name!r}: {exc}") from None


def _display_values(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as a title shows them: entity and company ids by their display names."""
    from ..display.names import name_of

    try:
        return {k: name_of(v) if isinstance(v, str) else v for k, v in params.items()}
    except Exception:  # noqa: BLE001 - invalid data is reported by the build; titles fall back to ids
        return params


def load_grid(path: Path, notebooks: Path) -> tuple[list[Run], dict[str, Any]]:
    """Read and expand the grid. Returns the runs (validated) and the grid's settings."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GridError(f"grid file {path} not found.") from None
    except tomllib.TOMLDecodeError as exc:
        raise GridError(f"{path}: not valid TOML ({exc}).") from None
    settings = {k: v for k, v in doc.items() if k != "report"}
    runs: list[Run] = []
    for i, entry in enumerate(doc.get("report", []), start=1):
        if "notebook" not in entry:
            raise GridError(f"{path}: report #{i} has no `notebook =`.")
        nb = entry["notebook"]
        base = dict(entry.get("params", {}))
        matrix = entry.get("matrix", {})
        keys = sorted(matrix)
        combos = itertools.product(*(matrix[k] for k in keys)) if keys else [()]
        for combo in combos:
            params = {**base, **dict(zip(keys, combo))}
            suffix = "-".join(_slug(v) for v in combo)
            name = entry.get("name", nb) + (f"-{suffix}" if suffix else "")
            title = entry.get("title", nb).format(**_display_values(params))
            runs.append(
                Run(name=name, notebook=nb, title=title, params=params, description=entry.get("description", ""))
            )
    names = [r.name for r in runs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GridError(f"{path}: duplicate report names {dup}; give entries distinct `name =`.")
    declared_cache: dict[str, dict] = {}
    for run in runs:
        if run.notebook not in declared_cache:
            declared_cache[run.notebook] = notebook_parameters(notebooks / f"{run.notebook}.ipynb")
        check_params(run, declared_cache[run.notebook])
    return runs, settings


def apply_overrides(runs: list[Run], overrides: list[str], notebooks: Path) -> list[Run]:
    """Apply ``-p key=value`` overrides to every selected run, typed and checked."""
    if not overrides:
        return runs
    pairs = []
    for item in overrides:
        if "=" not in item:
            raise GridError(f"-p {item!r}: expected key=value, e.g. -p brand=AITO.")
        k, v = item.split("=", 1)
        pairs.append((k.strip(), v.strip()))
    out: dict[str, Run] = {}
    for run in runs:
        declared = notebook_parameters(notebooks / f"{run.notebook}.ipynb")
        params = dict(run.params)
        for k, v in pairs:
            if k not in declared:
                raise GridError(
                    f"-p {k}=...: notebook {run.notebook!r} has no parameter {k!r}; it declares {sorted(declared)}."
                )
            params[k] = coerce(v, {**declared[k], "name": k})
        # An ad-hoc run is named by its notebook and full parameter set, so it never overwrites a
        # grid report and the same override applied to several grid entries runs once.
        suffix = "-".join(_slug(params[k]) for k in sorted(params))
        name = f"{run.notebook}-{suffix}" if suffix else run.notebook
        title = (
            f"{run.notebook.replace('_', ' ').capitalize()} (ad hoc: "
            + ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
            + ")"
        )
        out.setdefault(name, Run(name=name, notebook=run.notebook, title=title, params=params))
    return list(out.values())
