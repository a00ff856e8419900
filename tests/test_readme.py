"""The README's examples run, with the outputs it shows."""

from __future__ import annotations

import doctest

from hima_analytics import paths


def test_readme_examples_run_as_shown():
    result = doctest.testfile(
        str(paths.PROJECT_ROOT / "README.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted >= 10
    assert result.failed == 0


def test_readme_keeps_the_two_command_quick_start_and_the_monthly_refresh():
    text = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make reports" in quick and "make test" in quick
    refresh = text.split("## The monthly refresh", 1)[1].split("\n## ", 1)[0]
    for step in ("hima data add", "make reports", "hima data diff", ".xlsx", "make pdf", "crontab"):
        assert step in refresh, step
