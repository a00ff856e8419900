"""Package-level promises: lazy imports and a curated public API."""

from __future__ import annotations

import subprocess
import sys

import hima_analytics as ha


def test_import_is_lazy():
    code = (
        "import sys, hima_analytics; heavy = [m for m in ('altair', 'statsmodels', 'papermill', 'great_tables', "
        "'hima_analytics.catalog', 'polars') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_api_is_explicit():
    assert {"load", "load_catalog", "validate", "source_of", "DataValidationError", "metrics"} <= set(ha.__all__)
    for name in ha.__all__:
        assert getattr(ha, name) is not None


def test_metrics_all_is_complete():
    from hima_analytics import metrics

    public = {n for n in dir(metrics) if not n.startswith("_") and callable(getattr(metrics, n))}
    assert public == set(metrics.__all__)


def test_every_metric_documents_formula_and_example():
    from hima_analytics import metrics

    for name in metrics.__all__:
        doc = getattr(metrics, name).__doc__ or ""
        assert ">>>" in doc, f"{name} has no worked example"
