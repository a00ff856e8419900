"""The `hima` command line."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import GOOD

import hima_analytics as ha
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
    assert "52,700" in one.output and "example.org/aggregator" in one.output


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


def test_a_bad_parameter_value_in_the_grid_fails_before_any_kernel_starts(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text('[[report]]\nnotebook = "brand_deep_dive"\nparams = { brand = "AITOO" }\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["reports", "build", "--grid", str(grid), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (
        "report 'brand_deep_dive': parameter brand='AITOO'" in result.output and "Did you mean 'AITO'?" in result.output
    )
    assert not (tmp_path / "out").exists()


def test_show_prints_a_readable_table_and_machine_formats(tmp_path):
    import json

    table = CliRunner().invoke(
        main, ["data", "show", "volumes", "-e", "hima", "--start", "2025-06", "--end", "2025-06"]
    )
    assert table.exit_code == 0, table.output
    assert "52,747" in table.output and "note" not in table.output  # formatted; notes only on request
    assert max(len(line) for line in table.output.splitlines()) <= 120
    notes = CliRunner().invoke(main, ["data", "show", "volumes", "-e", "HIMA", "--start", "2025-06", "--notes"])
    assert "note" in notes.output
    as_json = CliRunner().invoke(main, ["data", "show", "volumes", "-e", "HIMA", "--start", "2025-06", "--json"])
    first = json.loads(as_json.output)[0]
    assert first["month"] == "2025-06-01" and first["value"] == 52747 and "note" in first
    picked = CliRunner().invoke(main, ["data", "show", "volumes", "-e", "HIMA", "--columns", "month,value", "--csv"])
    assert picked.output.splitlines()[0] == "month,value"
    typo = CliRunner().invoke(main, ["data", "show", "volumes", "--columns", "month,valu"])
    assert typo.exit_code == 2 and "Did you mean 'value'?" in typo.output
    miss = CliRunner().invoke(main, ["data", "show", "volumes", "-e", "hma"])
    assert miss.exit_code == 2 and "Did you mean 'HIMA'?" in miss.output


def test_coverage_prints_a_grid_that_fits_the_terminal():
    result = CliRunner().invoke(main, ["data", "coverage"])
    assert result.exit_code == 0
    assert "|---" not in result.output  # not raw Markdown
    assert max(len(line) for line in result.output.splitlines()) <= 120
    assert "HIMA" in result.output and "■" in result.output
    everything = CliRunner().invoke(main, ["data", "coverage", "--csv"])
    volumes = ha.load("volumes")
    first, last = volumes["month"].min().year, volumes["month"].max().year
    years = ",".join(str(y) for y in range(first, last + 1))
    assert everything.output.splitlines()[0] == f"entity,measure,{years},months,implied"


@pytest.mark.parametrize(
    "args",
    [["data", "list"], ["data", "sources"], ["data", "summary"], ["data", "reconcile"], ["reports", "list"]],
)
def test_every_command_that_prints_data_writes_json(args):
    import json

    result = CliRunner().invoke(main, [*args, "--json"])
    assert isinstance(json.loads(result.output), list) and json.loads(result.output)
