"""Hostile or broken data files give located problems: never a traceback, never a hang.

Every case copies the shipped data folder into ``tmp_path`` and adds an overlay (or changes the
copy), then checks the exact problem: file, line, column, what was expected and what arrived.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import hima_analytics as ha
from hima_analytics import catalog, ingest, shards, validation
from hima_analytics.cli import main
from hima_analytics.paths import PROJECT_ROOT
from hima_analytics.schemas import TABLES

SHIPPED = PROJECT_ROOT / "data"
#: The date validation sees as today in these tests (the shipped data predates it).
TODAY = dt.date(2030, 6, 15)
SOURCES_HEADER = "source_id,url,seed_file,title,publisher,published,retrieved,language,tier,note"
SOURCE_ROW = "t-src,https://example.org/hardening-test,,Test page,Test,2025-07-01,2025-07-02,en,,"
VOLUMES_HEADER = "month,entity,measure,perimeter,value,qualifier,powertrain,source_id,preferred,note"
#: A valid row whose key (month, entity, measure, perimeter) is not in the shipped data.
VOLUME_ROW = "2025-06,HIMA,production,phev,100,exact,,t-src,true,"
FACTS_HEADER = "subject,metric,period_start,period_end,value,unit,qualifier,description,source_id,preferred,note"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr(validation, "today", lambda: TODAY)


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the shipped data folder."""
    copy = tmp_path / "data"
    shutil.copytree(SHIPPED, copy)
    return copy


@pytest.fixture
def overlay(tmp_path) -> Path:
    """An overlay with one test source (t-src) and an empty volumes folder."""
    root = tmp_path / "overlay"
    (root / "sources").mkdir(parents=True)
    (root / "volumes").mkdir()
    (root / "sources" / "test.csv").write_text(f"{SOURCES_HEADER}\n{SOURCE_ROW}\n", encoding="utf-8")
    return root


@contextmanager
def no_hang(seconds: int = 20):
    """Fail instead of hanging (pytest-timeout is not installed)."""

    def stop(signum, frame):
        raise AssertionError(f"still running after {seconds}s: something blocked")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def write(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def only(problems, file_suffix: str):
    mine = [p for p in problems if p.file.endswith(file_suffix)]
    assert len(mine) == 1, problems
    p = mine[0]
    assert p.expected and p.got and p.hint, p
    return p


def test_shipped_data_has_no_problems_and_no_warnings():
    assert catalog.validate(data_dir=SHIPPED) == []
    assert catalog.data_warnings(data_dir=SHIPPED) == []  # README.md and research/*.md are expected
    result = CliRunner().invoke(main, ["data", "validate", "--data-dir", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_the_test_overlay_is_valid(data, overlay):
    write(overlay / "volumes" / "good.csv", VOLUMES_HEADER, VOLUME_ROW)
    assert catalog.validate(data_dir=data, overlay=overlay) == []
    volumes = ha.load("volumes", entity="HIMA", data_dir=data, overlay=overlay)
    assert volumes.filter(pl.col("measure") == "production")["value"].to_list() == [100]


# 1. Unterminated quotes -------------------------------------------------------------------


def test_unterminated_quote_names_the_line_where_the_field_opens(data, overlay):
    write(
        overlay / "volumes" / "quote.csv",
        VOLUMES_HEADER,
        VOLUME_ROW,
        '2025-05,HIMA,production,phev,90,exact,,t-src,true,"an open note',
        "2025-04,HIMA,production,phev,80,exact,,t-src,true,",
        "2025-03,HIMA,production,phev,70,exact,,t-src,true,",
    )
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/quote.csv")
    assert (p.line, p.column) == (3, "note")
    assert p.expected == "a closing quote for the field opened on line 3"
    assert p.got == "the end of the file inside the quoted field"


def test_unterminated_quote_after_a_multiline_field_is_located_exactly(data, overlay):
    # The record starts on line 3; its measure spans lines 3-4; the open quote is on line 4.
    write(
        overlay / "volumes" / "quote.csv",
        VOLUMES_HEADER,
        VOLUME_ROW,
        '2025-05,HIMA,"production',
        '",phev,90,exact,,t-src,true,"never closed',
        "2025-04,HIMA,production,phev,80,exact,,t-src,true,",
    )
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/quote.csv")
    assert (p.line, p.column) == (4, "note")
    assert p.expected == "a closing quote for the field opened on line 4"


def test_unterminated_quote_over_the_csv_field_limit(data, overlay):
    filler = "x" * 200_000  # more than csv's own field limit (131072): the reader raises
    write(overlay / "volumes" / "quote.csv", VOLUMES_HEADER, VOLUME_ROW, f'2025-05,"HIMA,{filler}')
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/quote.csv")
    assert (p.line, p.column) == (3, None)
    assert p.expected == "a closing quote for the field opened on line 3"


# 2. Field length ---------------------------------------------------------------------------


def test_a_field_of_the_limit_loads_and_one_more_is_refused(data, overlay):
    limit = ingest.MAX_FIELD_CHARS
    assert limit == 10_000
    write(
        overlay / "volumes" / "long.csv",
        VOLUMES_HEADER,
        VOLUME_ROW + "n" * limit,
        "2025-05,HIMA,production,phev,90,exact,,t-src,true," + "n" * (limit + 1),
    )
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/long.csv")
    assert (p.line, p.column) == (3, "note")
    assert p.expected == "a field of at most 10000 characters"
    assert p.got == "a field of 10,001 characters"


def test_a_field_over_the_csv_module_limit_is_a_problem_not_a_crash(data, overlay):
    write(overlay / "volumes" / "huge.csv", VOLUMES_HEADER, VOLUME_ROW, VOLUME_ROW + '"' + "n" * 200_000 + '"')
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/huge.csv")
    assert (p.line, p.column) == (3, None)
    assert p.expected == "a field of at most 10000 characters"
    assert p.got == "a field of more than 131,072 characters"


def test_a_huge_field_in_the_header_is_a_problem_not_a_crash(data, overlay):
    write(overlay / "volumes" / "huge.csv", '"' + "h" * 200_000 + '"')
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/huge.csv")
    assert (p.line, p.expected) == (1, "a field of at most 10000 characters")


# 3. File size ------------------------------------------------------------------------------


def test_a_shard_over_the_size_limit_is_refused_unread(data, overlay):
    big = overlay / "volumes" / "big.csv"
    with open(big, "wb") as fh:  # sparse: no disk used, and never read
        fh.truncate(shards.MAX_SHARD_BYTES + 1)
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/big.csv")
    assert (p.line, p.column) == (None, None)
    assert p.expected == "a shard of at most 20,000,000 bytes"
    assert p.got == "20,000,001 bytes"


def test_reading_is_bounded_even_when_stat_says_small(tmp_path):
    path = tmp_path / "grown.csv"
    path.write_bytes(b"a" * 100)
    data, problem = shards.read_bounded(path, limit=10)
    assert data is None
    assert (problem.expected, problem.got) == ("a shard of at most 20,000,000 bytes", "more than 10 bytes")
    assert shards.read_bounded(path, limit=100) == (b"a" * 100, None)


def test_dev_zero_is_never_read(tmp_path):
    with no_hang():
        data, problem = shards.read_bounded(Path("/dev/zero"))
        frame, problems = ingest.read_shard(Path("/dev/zero"), TABLES["volumes"])
    assert data is None and frame is None
    assert (problem.expected, problem.got) == ("a regular file", "a character device")
    assert [(p.expected, p.got) for p in problems] == [("a regular file", "a character device")]


def test_a_link_to_dev_zero_in_an_overlay_is_refused(data, overlay):
    (overlay / "volumes" / "zero.csv").symlink_to("/dev/zero")
    with no_hang():
        p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/zero.csv")
    assert p.expected == f"a file inside {overlay}"
    assert p.got == "a symbolic link that resolves to /dev/zero, outside it"


# 4. Only regular files inside the root -----------------------------------------------------


def test_a_fifo_is_refused_without_being_opened(data, overlay):
    os.mkfifo(overlay / "volumes" / "x.csv")
    with no_hang():
        problems = catalog.validate(data_dir=data, overlay=overlay)
        with pytest.raises(ha.DataValidationError):
            ha.load("volumes", data_dir=data, overlay=overlay)
    p = only(problems, "volumes/x.csv")
    assert (p.line, p.column, p.expected, p.got) == (None, None, "a regular file", "a named pipe (FIFO)")


def test_a_fifo_in_the_shipped_data_is_refused_too(data):
    os.mkfifo(data / "sources" / "x.csv")
    with no_hang():
        p = only(catalog.validate(data_dir=data), "sources/x.csv")
    assert (p.expected, p.got) == ("a regular file", "a named pipe (FIFO)")


def test_a_folder_named_like_a_shard_is_refused(data, overlay):
    (overlay / "volumes" / "x.csv").mkdir()
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/x.csv")
    assert (p.expected, p.got) == ("a regular file", "a folder")


def test_a_link_outside_the_overlay_is_refused(data, overlay):
    (overlay / "volumes" / "out.csv").symlink_to(data / "volumes" / "hima.csv")
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/out.csv")
    assert p.expected == f"a file inside {overlay}"
    assert p.got == f"a symbolic link that resolves to {data / 'volumes' / 'hima.csv'}, outside it"


def test_a_link_outside_the_data_root_is_refused(data, tmp_path):
    outside = write(tmp_path / "elsewhere" / "rows.csv", VOLUMES_HEADER)
    (data / "volumes" / "out.csv").symlink_to(outside)
    p = only(catalog.validate(data_dir=data), "volumes/out.csv")
    assert p.expected == f"a file inside {data}"


def test_a_broken_link_is_a_problem_not_a_crash(data, overlay):
    (overlay / "volumes" / "gone.csv").symlink_to("missing.csv")
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/gone.csv")
    assert (p.expected, p.got) == ("an existing file", "a broken symbolic link to missing.csv")


def test_a_link_that_stays_inside_the_root_is_read(data, overlay):
    target = write(overlay / "research" / "rows.csv", VOLUMES_HEADER, VOLUME_ROW)
    (overlay / "volumes" / "link.csv").symlink_to(Path("..") / "research" / target.name)
    assert catalog.validate(data_dir=data, overlay=overlay) == []


# 5. Unknown folders and files --------------------------------------------------------------


def test_an_unknown_overlay_folder_is_an_error_with_a_suggestion(data, overlay):
    write(overlay / "volume" / "mine.csv", VOLUMES_HEADER, VOLUME_ROW)
    p = only(catalog.validate(data_dir=data, overlay=overlay), "overlay/volume")
    assert (p.line, p.column) == (None, None)
    assert p.expected.startswith("a table folder (companies, entities, events")
    assert p.got == "a folder named 'volume'"
    assert p.hint.endswith("Did you mean 'volumes'?")


def test_a_non_csv_file_in_an_overlay_table_folder_is_an_error(data, overlay):
    write(overlay / "volumes" / "rows.CSV", VOLUMES_HEADER, VOLUME_ROW)
    write(overlay / "volumes" / "notes.txt", "notes")
    (overlay / "volumes" / ".DS_Store").write_bytes(b"\0")  # hidden files are ignored
    problems = catalog.validate(data_dir=data, overlay=overlay)
    upper = only(problems, "volumes/rows.CSV")
    assert (upper.expected, upper.got) == ("only .csv shards in a table folder", "a file named 'rows.CSV'")
    assert upper.hint.endswith("Did you mean 'rows.csv'?")
    notes = only(problems, "volumes/notes.txt")
    assert "Did you mean" not in notes.hint
    assert len(problems) == 2


def test_a_shard_at_the_top_of_the_overlay_points_to_its_folder(data, overlay):
    write(overlay / "volumes.csv", VOLUMES_HEADER, VOLUME_ROW)
    p = only(catalog.validate(data_dir=data, overlay=overlay), "overlay/volumes.csv")
    assert p.got == "a file named 'volumes.csv'"
    assert "e.g. volumes/volumes.csv" in p.hint


def test_unknown_entries_in_the_shipped_data_are_warnings(data):
    write(data / "volume" / "mine.csv", VOLUMES_HEADER, VOLUME_ROW)
    write(data / "facts" / "notes.md", "# notes")
    assert catalog.validate(data_dir=data) == []  # warnings do not stop loading
    notes, folder = sorted(catalog.data_warnings(data_dir=data))  # data/facts/... before data/volume
    assert folder.file.endswith("data/volume") and folder.hint.endswith("Did you mean 'volumes'?")
    assert (notes.expected, notes.got) == ("only .csv shards in a table folder", "a file named 'notes.md'")


def test_a_table_that_is_a_file_is_refused(data, overlay):
    write(overlay / "market", "not a folder")
    p = only(catalog.validate(data_dir=data, overlay=overlay), "overlay/market")
    assert (p.expected, p.got) == ("a folder of market shards (market/<shard>.csv)", "a file")


def test_a_repeated_header_column_is_refused(data, overlay):
    write(overlay / "volumes" / "twice.csv", VOLUMES_HEADER + ",note", VOLUME_ROW + ",")
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/twice.csv")
    assert (p.line, p.column, p.expected) == (1, "note", "each column once in the header")


# 6. Non-finite numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "+INF"])
def test_non_finite_whole_numbers_are_refused(data, overlay, value):
    write(overlay / "volumes" / "nan.csv", VOLUMES_HEADER, VOLUME_ROW.replace(",100,", f",{value},"))
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/nan.csv")
    assert (p.line, p.column, p.expected, p.got) == (2, "value", "a finite number", repr(value))


@pytest.mark.parametrize("value", ["NAN", "Infinity", "-inf", "1e999"])
def test_non_finite_floats_are_refused(data, overlay, value):
    row = f"HIMA,test_metric,2025-01-01,2025-06-30,{value},count,exact,a test figure,t-src,true,"
    write(overlay / "facts" / "nan.csv", FACTS_HEADER, row)
    p = only(catalog.validate(data_dir=data, overlay=overlay), "facts/nan.csv")
    assert (p.line, p.column, p.expected, p.got) == (2, "value", "a finite number", repr(value))


# 7. Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2014-12", "2030-08", "2099-01"])
def test_implausible_months_are_refused(data, overlay, month):
    write(overlay / "volumes" / "month.csv", VOLUMES_HEADER, VOLUME_ROW.replace("2025-06", month))
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/month.csv")
    assert (p.line, p.column, p.got) == (2, "month", repr(month))
    assert p.expected == "a month from 2015-01 to 2030-07"  # today is 2030-06-15: next month is allowed


@pytest.mark.parametrize("month", ["2015-01", "2030-07"])
def test_the_bounds_themselves_are_plausible(data, overlay, month):
    write(overlay / "volumes" / "month.csv", VOLUMES_HEADER, VOLUME_ROW.replace("2025-06", month))
    problems = catalog.validate(data_dir=data, overlay=overlay)
    assert not [p for p in problems if p.expected.startswith("a month from")]


def test_a_figure_for_a_month_after_its_source_was_published_is_flagged(data, overlay):
    write(overlay / "volumes" / "early.csv", VOLUMES_HEADER, VOLUME_ROW.replace("2025-06", "2025-08"))
    p = only(catalog.validate(data_dir=data, overlay=overlay), "volumes/early.csv")
    assert (p.line, p.column) == (2, "month")
    assert p.expected == "a period that had begun by the source's publication date"
    assert p.got == "'2025-08-01 (source published 2025-07-01)'"


def test_sources_from_the_future_are_refused(data, overlay):
    future = SOURCE_ROW.replace("2025-07-01,2025-07-02", "2030-06-16,2030-06-20")
    write(overlay / "sources" / "test.csv", SOURCES_HEADER, future)
    problems = [p for p in catalog.validate(data_dir=data, overlay=overlay) if p.file.endswith("sources/test.csv")]
    assert [(p.line, p.column, p.expected, p.got) for p in sorted(problems)] == [
        (2, "published", "a date on or before today (2030-06-15)", "'2030-06-16'"),
        (2, "retrieved", "a date on or before today (2030-06-15)", "'2030-06-20'"),
    ]


# 8 and 9. Duplicates and bounded work ------------------------------------------------------


def test_duplicates_name_every_other_row(data, overlay):
    write(overlay / "volumes" / "dup.csv", VOLUMES_HEADER, VOLUME_ROW, VOLUME_ROW.replace("true", "false"))
    problems = [p for p in catalog.validate(data_dir=data, overlay=overlay) if p.expected.startswith("one row per")]
    name = problems[0].file
    assert sorted((p.line, p.got) for p in problems) == [
        (2, f"the same key (month=2025-06-01, entity=HIMA, measure=production, perimeter=phev, source_id=t-src) "
         f"also at {name}:3"),
        (3, f"the same key (month=2025-06-01, entity=HIMA, measure=production, perimeter=phev, source_id=t-src) "
         f"also at {name}:2"),
    ]  # fmt: skip


def test_100000_bad_values_are_all_located(data, overlay):
    rows = [VOLUME_ROW.replace(",100,", f",x{i},") for i in range(100_000)]
    write(overlay / "volumes" / "bad.csv", VOLUMES_HEADER, *rows)
    problems = catalog.validate(data_dir=data, overlay=overlay)
    assert len(problems) == 100_000
    assert {(p.column, p.expected) for p in problems} == {("value", "a whole number of vehicles, e.g. 52747")}
    assert sorted(p.line for p in problems) == list(range(2, 100_002))
    assert all(p.file.endswith("volumes/bad.csv") for p in problems)
    result = CliRunner().invoke(main, ["data", "validate", "--data-dir", str(data), "--overlay", str(overlay)])
    assert result.exit_code == 1
    assert "100000 problem(s)" in result.output
    assert "and 99995 more like these" in result.output


def test_100000_rows_with_one_key_are_all_located_with_bounded_messages(data, overlay):
    rows = [VOLUME_ROW] + [VOLUME_ROW.replace("true", "false")] * 99_999
    write(overlay / "volumes" / "dup.csv", VOLUMES_HEADER, *rows)
    problems = catalog.validate(data_dir=data, overlay=overlay)
    assert len(problems) == 100_000
    assert sorted(p.line for p in problems) == list(range(2, 100_002))
    assert {p.expected for p in problems} == {"one row per key and source"}
    first = problems[0]
    assert first.line == 2
    assert first.got.endswith(
        ", ".join(f"{first.file}:{line}" for line in range(3, 8)) + " and 99994 more"
    )  # the row itself is never listed; five others and a count
