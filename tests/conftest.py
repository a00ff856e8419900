from __future__ import annotations

import os
from pathlib import Path

import pytest

# A developer's own overlay/ folder never leaks into the tests (nor into the kernels they start).
os.environ["HIMA_DATA_OVERLAY"] = ""

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


@pytest.fixture
def good() -> Path:
    return GOOD


@pytest.fixture(autouse=True)
def _no_env_overrides(monkeypatch):
    """Tests never pick up an analyst's own overlay or data folder from the environment."""
    monkeypatch.setenv("HIMA_DATA_OVERLAY", "")
    monkeypatch.delenv("HIMA_DATA_DIR", raising=False)


#: Test modules that start Jupyter kernels or a browser; `make test-fast` leaves them out.
KERNEL_MODULES = {"test_reports", "test_runner", "test_warm_kernels", "test_notebook_offline", "test_stopping"}
BROWSER_MODULES = {"test_browser", "test_reports", "test_hostile_pages", "test_pdf"}


def pytest_collection_modifyitems(items):
    for item in items:
        module = item.path.stem
        if module in KERNEL_MODULES:
            item.add_marker(pytest.mark.kernel)
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
