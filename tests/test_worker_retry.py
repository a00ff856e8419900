"""A kernel that never came up ran no cell, so the worker starts it once more; any other
failure is reported as it is."""

from __future__ import annotations

import logging
from pathlib import Path

import papermill
import pytest

from hima_analytics.reporting.worker import Job, _run_papermill


def _job(tmp_path: Path) -> Job:
    return Job(
        name="x",
        title="X",
        params={},
        notebook=tmp_path / "x.ipynb",
        pages=tmp_path,
        state=tmp_path,
        mode="interactive",
        show_code=False,
    )


@pytest.mark.parametrize(
    "message", ["Kernel died before replying to kernel_info", "Kernel didn't respond in 60 seconds"]
)
def test_a_kernel_that_never_started_is_started_once_more(tmp_path, monkeypatch, message):
    calls: list[int] = []

    def fake(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError(message)
        return "notebook"

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    assert _run_papermill(_job(tmp_path), logging.getLogger("t"), {}) == "notebook"
    assert len(calls) == 2


def test_a_second_start_failure_and_other_errors_are_raised(tmp_path, monkeypatch):
    def dies(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", dies)
    with pytest.raises(RuntimeError, match="died"):
        _run_papermill(_job(tmp_path), logging.getLogger("t"), {})

    calls: list[int] = []

    def other(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("something else")

    monkeypatch.setattr(papermill, "execute_notebook", other)
    with pytest.raises(RuntimeError, match="something else"):
        _run_papermill(_job(tmp_path), logging.getLogger("t"), {})
    assert len(calls) == 1
