"""The `hima` command line."""

from __future__ import annotations

import shutil
import subprocess
import sys

from click.testing import CliRunner
from conftest import GOOD

from hima_analytics.cli import main

run = CliRunner().invoke


def test_help_lists_the_data_commands():
    out = run(main, ["data", "--help"]).output
    for cmd in ("validate", "list", "show", "coverage", "docs", "sources", "reconcile", "summary"):
        assert cmd in out


def test_list_and_show():
    out = run(main, ["data", "list", "--data-dir", str(GOOD)])
    assert out.exit_code == 0 and "volumes" in out.output and "fixture.csv" in out.output
    shown = run(main, ["data", "show", "volumes", "--entity", "HIMA", "--csv", "--data-dir", str(GOOD)])
    assert shown.exit_code == 0
    lines = shown.output.strip().splitlines()
    assert lines[0].startswith("month,entity,measure,perimeter,value")
    assert len(lines) == 3


def test_show_all_values_and_bad_arguments():
    every = run(main, ["data", "show", "volumes", "-e", "HIMA", "--all-values", "--csv", "--data-dir", str(GOOD)])
    assert "fx-aggregator" in every.output
    bad = run(main, ["data", "show", "volumez", "--data-dir", str(GOOD)])
    assert bad.exit_code == 2 and "Did you mean 'volumes'" in bad.output


def test_sources_lists_what_each_source_backs():
    out = run(main, ["data", "sources", "--data-dir", str(GOOD)])
    assert out.exit_code == 0 and "fx-hima-2025-07" in out.output
    one = run(main, ["data", "sources", "fx-aggregator", "--data-dir", str(GOOD)])
    assert "52700" in one.output and "example.org/aggregator" in one.output


def test_reconcile_exit_code_follows_flags():
    assert run(main, ["data", "reconcile", "--data-dir", str(GOOD)]).exit_code == 0


def test_docs_write_then_check(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    assert run(main, ["data", "docs", "--data-dir", str(data)]).exit_code == 1
    assert run(main, ["data", "docs", "--write", "--data-dir", str(data)]).exit_code == 0
    text = (data / "README.md").read_text(encoding="utf-8")
    assert "| `value` | int | yes |" in text and "| HIMA | deliveries |" in text
    assert run(main, ["data", "docs", "--data-dir", str(data)]).exit_code == 0


def test_entry_point_is_installed():
    out = subprocess.run([sys.executable, "-m", "hima_analytics.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "data" in out.stdout
    assert shutil.which("hima", path=str(__import__("pathlib").Path(sys.executable).parent))
