"""Every class of bad input gets a precise error, all problems are listed, and nothing loads."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import BAD, GOOD

import hima_analytics as ha
from hima_analytics.cli import main

# case -> (line, column, text that must appear in the message)
CASES = {
    "missing_column": (1, "preferred", "expected column 'preferred'"),
    "wrong_type": (2, "value", "got '12,000'"),
    "bad_month": (2, "month", "expected a month YYYY-MM; got '2025-13'"),
    "duplicate_key": (2, None, "also at"),
    "negative_volume": (2, "value", "non-negative"),
    "unknown_entity": (2, "entity", "Did you mean 'AITO'?"),
    "unknown_company": (2, "company", "Did you mean 'SERES'?"),
    "unknown_source": (2, "source_id", "got 'fx-nowhere'"),
    "mixed_units": (2, "unit", "mixed units ['CNY', 'CNY_mn']"),
    "empty_file": (None, None, "got an empty file"),
    "non_utf8": (2, None, "expected UTF-8 text; got bytes d6 d0"),
    "bom": (1, None, "byte-order mark"),
    "stray_header": (3, None, "a repeated header row"),
    "two_preferred": (2, "preferred", "2 preferred rows"),
    "wrong_year": (2, "month", "source published 2025-07-01"),
    "no_header": (1, None, "the header row is missing"),
    "duplicate_url": (2, "url", "the same URL under 2 ids"),
    "perimeter_in_note": (2, "perimeter", "expected perimeter 'passenger', as the note states; got 'all'"),
}


def test_good_fixture_is_valid():
    assert ha.validate(data_dir=GOOD) == []


def test_every_bad_fixture_has_a_case():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_named_precisely(case):
    line, column, text = CASES[case]
    problems = ha.validate(data_dir=GOOD, overlay=BAD / case)
    mine = [
        p
        for p in problems
        if p.file.endswith(f"bad/{case}/" + p.file.split(f"bad/{case}/")[-1]) and f"bad/{case}/" in p.file
    ]
    assert mine, f"no problem reported in the bad file for {case}: {problems}"
    p = mine[0]
    assert p.line == line
    assert p.column == column
    assert text in str(p)
    assert p.expected and p.got and p.hint  # what was expected, what arrived, and a hint


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_loads_nothing(case):
    with pytest.raises(ha.DataValidationError) as exc:
        ha.load("volumes", data_dir=GOOD, overlay=BAD / case)
    assert exc.value.problems


def test_all_problems_are_listed_not_just_the_first(tmp_path):
    overlay = tmp_path / "overlay"
    for case in ("negative_volume", "unknown_source", "bad_month"):
        src = next((BAD / case).rglob("*.csv"))
        dest = overlay / src.parent.name / f"{case}.csv"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)
    result = CliRunner().invoke(main, ["data", "validate", "--data-dir", str(GOOD), "--overlay", str(overlay)])
    assert result.exit_code == 1
    for case in ("negative_volume", "unknown_source", "bad_month"):
        assert f"{case}.csv" in result.output
    assert "3 problem(s)" in result.output


def test_validate_cli_passes_on_good_data():
    result = CliRunner().invoke(main, ["data", "validate", "--data-dir", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_failed_load_leaves_earlier_results_untouched(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    before = ha.load("volumes", data_dir=data)
    with open(data / "volumes" / "fixture.csv", "a", encoding="utf-8") as fh:
        fh.write("2025-04,HIMA,deliveries,,-1,exact,,fx-hima-2025-06,true,\n")
    with pytest.raises(ha.DataValidationError):
        ha.load("volumes", data_dir=data)
    assert before.height == 8  # the frame an analyst already holds is unchanged


def test_problems_are_reported_in_file_and_line_order():
    problems = ha.validate(data_dir=GOOD, overlay=BAD / "stray_header")
    assert problems == sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or ""))
