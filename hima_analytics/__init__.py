"""hima_analytics: validated data and standard metrics on Huawei's Harmony Intelligent
Mobility Alliance (HIMA) and its rivals.

>>> import hima_analytics as ha
>>> ha.load("volumes", entity="HIMA").columns[:5]
['month', 'entity', 'measure', 'perimeter', 'value']

Public API (imported lazily, so ``import hima_analytics`` stays cheap):

- data: :func:`load`, :func:`load_catalog`, :func:`validate`, :func:`source_of`,
  :class:`DataValidationError`;
- metrics: the :mod:`hima_analytics.metrics` package (growth, margins, deliveries,
  competition, missing data);
- checks: :mod:`hima_analytics.reconcile` and :mod:`hima_analytics.coverage`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load": "catalog",
    "load_catalog": "catalog",
    "validate": "catalog",
    "source_of": "catalog",
    "Catalog": "catalog",
    "DataValidationError": "problems",
    "Problem": "problems",
    "metrics": None,
    "reconcile": None,
    "coverage": None,
    "schemas": None,
    "statistics": None,
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from . import coverage, metrics, reconcile, schemas, statistics  # noqa: F401
    from .catalog import Catalog, load, load_catalog, source_of, validate  # noqa: F401
    from .problems import DataValidationError, Problem  # noqa: F401


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'hima_analytics' has no attribute {name!r}")
    module = _LAZY[name]
    if module is None:
        return importlib.import_module(f".{name}", __name__)
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
