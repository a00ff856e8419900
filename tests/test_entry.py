"""``hima data add`` and ``hima data diff``: a figure and its source recorded in one command, the
whole catalog validated first, nothing written when anything is wrong; changes listed per figure."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from hima_analytics import changes
from hima_analytics.catalog import load
from hima_analytics.cli import main
from hima_analytics.entry import EntryRefused, add_rows

FIXTURE = Path(__file__).parent / "fixtures" / "good"
NEW_SOURCE = {
    "url": "https://example.org/hima-march-2026",
    "title": "HIMA delivers 61,234 in March",
    "publisher": "Example Press",
    "published": "2026-04-01",
}


@pytest.fixture
def folders(tmp_path):
    data, overlay = tmp_path / "data", tmp_path / "overlay"
    shutil.copytree(FIXTURE, data)
    return data, overlay


def checksums(*roots: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for root in roots
        if root.exists()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def add_cli(data: Path, overlay: Path, *args: str):
    return CliRunner().invoke(main, ["data", "add", *args, "--data-dir", str(data), "--overlay", str(overlay)])


def test_a_valid_row_lands_in_the_overlay_with_its_new_source_and_loads(folders):
    data, overlay = folders
    before = checksums(data)
    result = add_cli(
        data,
        overlay,
        "volumes",
        "--entity",
        "hima",  # ids in any case
        "--month",
        "2026-03",
        "--value",
        "61234",
        "--qualifier",
        "exact",
        *[x for k, v in NEW_SOURCE.items() for x in (f"--{k}", v)],
    )
    assert result.exit_code == 0, result.output
    assert "added 1 row(s)" in result.output and "new source local-example-press-2026-04-01" in result.output
    assert checksums(data) == before  # the shipped data is untouched
    row = load("volumes", entity="HIMA", start="2026-03", data_dir=data, overlay=overlay).row(0, named=True)
    assert (row["value"], row["qualifier"], row["measure"], row["preferred"]) == (61234, "exact", "deliveries", True)
    src = load("sources", data_dir=data, overlay=overlay).filter(pl.col("source_id") == row["source_id"])
    assert src.row(0, named=True)["url"] == NEW_SOURCE["url"] and src["language"][0] == "en"
    # The same page cited again reuses its source row.
    again = add_rows(
        "volumes",
        [{"month": "2026-03", "entity": "AITO", "measure": "deliveries", "value": "50000", "qualifier": "exact"}],
        {"url": NEW_SOURCE["url"]},
        data_dir=data,
        overlay=overlay,
    )
    assert again.sources_created == () and again.sources_reused == (row["source_id"],)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--entity", "HMA", "--month", "2026-03"], "Did you mean 'HIMA'?"),
        (["--entity", "HIMA", "--month", "2026-13"], "column 'month'"),
        (["--entity", "HIMA", "--month", "2026-03", "--measure", "sold"], "column 'measure'"),
        (["--entity", "HIMA", "--month", "2026-03", "--perimeter", "everything"], "column 'perimeter'"),
    ],
    ids=["unknown-entity", "bad-month", "unknown-measure", "unknown-perimeter"],
)
def test_bad_rows_are_refused_with_located_problems_and_nothing_is_written(folders, args, expected):
    data, overlay = folders
    before = checksums(data, overlay)
    result = add_cli(
        data,
        overlay,
        "volumes",
        *args,
        "--value",
        "61234",
        "--qualifier",
        "exact",
        *[x for k, v in NEW_SOURCE.items() for x in (f"--{k}", v)],
    )
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output and expected in result.output
    assert "local.csv:2" in result.output  # the problem points at the line the row would have had
    assert checksums(data, overlay) == before and not overlay.exists()


def test_a_second_row_from_the_same_source_for_the_same_key_is_refused(folders):
    data, overlay = folders
    row = {"month": "2025-06", "entity": "HIMA", "measure": "deliveries", "value": "52747", "qualifier": "exact"}
    before = checksums(data, overlay)
    with pytest.raises(EntryRefused) as info:
        add_rows("volumes", [{**row, "source_id": "fx-hima-2025-07"}], data_dir=data, overlay=overlay)
    assert any("one row per key and source" in p.expected for p in info.value.problems)
    assert checksums(data, overlay) == before


def test_a_second_preferred_value_stated_explicitly_is_refused(folders, tmp_path):
    data, overlay = folders
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "month,entity,measure,value,qualifier,source_id,preferred\n2025-06,HIMA,deliveries,52000,about,fx-cpca,true\n",
        encoding="utf-8",
    )
    before = checksums(data, overlay)
    result = add_cli(data, overlay, "volumes", "--from-csv", str(rows))
    assert result.exit_code == 1 and "exactly one preferred=true row per key" in result.output
    assert checksums(data, overlay) == before


def test_a_conflicting_figure_is_kept_as_not_preferred_and_prefer_swaps_them(folders):
    data, overlay = folders
    row = {"month": "2025-06", "entity": "HIMA", "measure": "deliveries", "value": "52000", "qualifier": "about"}
    kept = add_rows("volumes", [{**row, "source_id": "fx-cpca"}], data_dir=data, overlay=overlay)
    assert kept.kept_not_preferred == 1
    values = load(
        "volumes", entity="HIMA", start="2025-06", end="2025-06", all_values=True, data_dir=data, overlay=overlay
    )
    new = values.filter(pl.col("source_id") == "fx-cpca").row(0, named=True)
    assert new["preferred"] is False and "differs from the preferred 52747 (fx-hima-2025-07)" in new["note"]

    shipped = data / "volumes" / "fixture.csv"
    other_lines = [ln for ln in shipped.read_text(encoding="utf-8").splitlines() if "fx-hima-2025-07,true" not in ln]
    swapped = add_rows(
        "volumes",
        [{**row, "value": "52800", "qualifier": "exact", "source_id": "fx-hima-2025-06"}],
        prefer=True,
        data_dir=data,
        overlay=overlay,
    )
    assert swapped.demoted == 1
    preferred = load("volumes", entity="HIMA", start="2025-06", end="2025-06", data_dir=data, overlay=overlay)
    assert preferred["value"].to_list() == [52800] and preferred["source_id"].to_list() == ["fx-hima-2025-06"]
    text = shipped.read_text(encoding="utf-8")
    assert all(ln in text.splitlines() for ln in other_lines)  # every other line byte for byte
    assert "fx-hima-2025-07,false,superseded by fx-hima-2025-06" in text


def test_many_rows_from_a_csv_through_the_same_path(folders, tmp_path):
    data, overlay = folders
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "month,entity,measure,value,qualifier,url,title,publisher,published\n"
        "2026-03,HIMA,deliveries,61234,exact,https://example.org/a,March release,Example,2026-04-01\n"
        "2026-03,AITO,deliveries,50000,over,https://example.org/a,March release,Example,2026-04-01\n"
        "2026-04,HIMA,deliveries,60000,about,https://example.org/b,April release,Example,2026-05-01\n",
        encoding="utf-8",
    )
    result = add_cli(data, overlay, "volumes", "--from-csv", str(rows))
    assert result.exit_code == 0, result.output
    assert "added 3 row(s)" in result.output and result.output.count("new source") == 2
    got = load("volumes", start="2026-03", data_dir=data, overlay=overlay).sort("entity", "month")
    assert got.select("entity", "value", "qualifier").rows() == [
        ("AITO", 50000, "over"),
        ("HIMA", 61234, "exact"),
        ("HIMA", 60000, "about"),
    ]


def test_a_row_without_a_source_or_a_qualifier_is_refused(folders):
    data, overlay = folders
    no_source = add_cli(
        data, overlay, "volumes", "--entity", "HIMA", "--month", "2026-03", "--value", "1", "-q", "exact"
    )
    assert no_source.exit_code == 1 and "expected a source for the figure" in no_source.output
    no_qualifier = add_cli(data, overlay, "volumes", "--entity", "HIMA", "--month", "2026-03", "--value", "1")
    assert no_qualifier.exit_code == 2 and "--qualifier" in no_qualifier.output
    assert not overlay.exists()


def test_rows_go_to_a_named_shipped_shard_when_asked(folders):
    data, overlay = folders
    done = add_rows(
        "facts",
        [
            {
                "subject": "HIMA",
                "metric": "deliveries",
                "period_start": "2026-01-01",
                "period_end": "2026-03-31",
                "value": "180000",
                "unit": "units",
                "qualifier": "over",
                "description": "over 180,000 in the first quarter",
            }
        ],
        NEW_SOURCE,
        shard="march",
        data_dir=data,
        overlay=overlay,
    )
    assert done.target == data / "facts" / "march.csv" and (data / "sources" / "march.csv").exists()
    assert not overlay.exists()


def test_diff_lists_added_changed_and_removed_figures(folders):
    data, _ = folders
    before = changes.snapshot([data])
    shard = data / "volumes" / "fixture.csv"
    text = shard.read_text(encoding="utf-8").replace("2025-05,AITO,deliveries,,40000", "2025-05,AITO,deliveries,,40100")
    text = text.replace("2025-05,LUXEED,deliveries,,4000,exact,,fx-hima-2025-06,true,\n", "")
    shard.write_text(text + "2025-07,HIMA,deliveries,,47752,exact,,fx-cpca,true,\n", encoding="utf-8")
    found = changes.diff(before, changes.snapshot([data]))
    assert found.select("change", "column", "before", "after").rows() == [
        ("added", None, None, None),
        ("removed", None, None, None),
        ("changed", "value", "40000", "40100"),
    ]
    assert found["key"][0] == "month=2025-07, entity=HIMA, measure=deliveries, perimeter=all, source_id=fx-cpca"
    assert changes.describe(found) == "volumes: 1 added, 1 changed, 1 removed"


def test_diff_against_a_git_revision(folders, tmp_path):
    data, _ = folders
    repo = data.parent
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data"], check=True)
    subprocess.run([*git, "commit", "-qm", "data"], check=True)
    add_rows(
        "volumes",
        [{"month": "2026-03", "entity": "HIMA", "measure": "deliveries", "value": "61234", "qualifier": "exact"}],
        NEW_SOURCE,
        shard="march",
        data_dir=data,
        overlay=tmp_path / "none",
    )
    found = changes.diff(changes.at_revision("HEAD", repo), changes.snapshot([data]))
    assert changes.describe(found) == "sources: 1 added; volumes: 1 added"
    with pytest.raises(changes.RevisionError, match="no-such-rev"):
        changes.at_revision("no-such-rev", repo)
