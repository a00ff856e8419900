from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


@pytest.fixture
def good() -> Path:
    return GOOD


@pytest.fixture(autouse=True)
def _no_env_overrides(monkeypatch):
    """Tests never pick up an analyst's own overlay or data folder from the environment."""
    monkeypatch.delenv("HIMA_DATA_OVERLAY", raising=False)
    monkeypatch.delenv("HIMA_DATA_DIR", raising=False)
