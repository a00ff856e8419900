"""Tables print what the data records: bounds as bounds, implied figures as implied, gaps as
gaps, periods and names in words."""

from __future__ import annotations

import datetime as dt
import html
import re

import polars as pl

from hima_analytics import display as hd


def cells(table) -> list[str]:
    """The cells as a reader reads them (a no-break space reads as a space)."""
    raw = table.as_raw_html()
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ").strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", raw, re.S)
    ]


def test_figures_periods_and_short_names_never_break_across_lines():
    frame = pl.DataFrame(
        {"month": [dt.date(2025, 10, 28)], "entity": ["HIMA"], "value": [1_000_000], "qualifier": ["over"]}
    )
    raw = hd.table(frame, title="Milestone").as_raw_html()
    got = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", raw, re.S)]
    assert "28\u00a0Oct\u00a02025" in got and "鸿蒙智行\u00a0HIMA" in got and ">\u00a01,000,000" in got


def test_every_qualifier_is_printed_with_its_figure_and_explained_once():
    frame = pl.DataFrame(
        {
            "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 4, 5)],
            "entity": ["AITO"] * 5,
            "value": [20000, 1000, 18000, None, 3377],
            "qualifier": ["over", "under", "about", "exact", "implied"],
            "yoy": [0.25, None, -0.1, None, 0.5],
            "yoy_qualifier": ["over", None, "about", None, "implied"],
            "preferred": [True, False, True, None, True],
        }
    )
    got = cells(hd.table(frame, title="Deliveries"))
    rows = [got[i : i + 5] for i in range(1, 26, 5)]
    assert rows == [
        ["Jan 2025", "问界 AITO", "> 20,000", "> 25.0%", "Yes"],
        ["Feb 2025", "问界 AITO", "< 1,000", "—", "No"],
        ["Mar 2025", "问界 AITO", "≈ 18,000", "≈ -10%", "Yes"],  # an approximate rate has no decimals
        ["Apr 2025", "问界 AITO", "—", "—", "—"],  # a gap is a dash, never 0
        ["May 2025", "问界 AITO", "3,377 (implied)", "50.0% (implied)", "Yes"],
    ]
    notes = " ".join(got[26:])
    assert "> more than (published as a lower bound)" in notes and "(implied): computed from published totals" in notes


def test_a_table_with_exact_figures_only_carries_no_legend():
    frame = pl.DataFrame({"month": [dt.date(2025, 6, 1)], "value": [52747], "qualifier": ["exact"]})
    got = cells(hd.table(frame, title="June"))
    assert got[1:] == ["Jun 2025", "52,747"]


def test_every_targets_table_defines_pace_and_names_the_wording_and_the_range():
    from hima_analytics import metrics as hm

    ytd = pl.DataFrame(
        {"entity": ["HIMA"], "month": [dt.date(2026, 1, 1)], "ytd": [57_915], "ytd_qualifier": ["exact"]}
    )
    targets = pl.DataFrame(
        {
            "entity": ["HIMA"],
            "year": [2026],
            "target": [1_000_000.0],
            "target_qualifier": ["exact"],
            "target_high": [1_300_000.0],
            "target_high_qualifier": ["exact"],
            "wording": ["sales"],
        }
    )
    progress = hm.target_progress(ytd, targets, carry=["target_high", "target_high_qualifier", "wording"])
    raw = html.unescape(hd.target_table(progress, title="Targets", hide=["entity"]).as_raw_html())
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", raw, re.S)]
    assert [h for h in headers if h in ("Target", "Range top", "Target worded as", "Pace (share of target)")] == [
        "Target",
        "Range top",
        "Target worded as",
        "Pace (share of target)",
    ]
    assert "× 12 ÷ months elapsed" in raw and "low end is the one compared" in raw and "worded as sales" in raw
    got = cells(hd.target_table(progress, title="Targets", hide=["entity"]))
    assert "69.5%" in got  # 57,915 × 12 ÷ 1 ÷ 1,000,000
    single = hm.target_progress(
        ytd, targets.with_columns(target_high=None, wording=pl.lit("deliveries")), carry=["target_high", "wording"]
    )
    plain = html.unescape(hd.target_table(single, title="Targets").as_raw_html())
    assert "Range top" not in plain and "low end" not in plain and "worded as sales" not in plain


def test_a_carried_target_column_never_overwrites_a_ytd_one():
    import pytest

    from hima_analytics import metrics as hm

    ytd = pl.DataFrame({"entity": ["HIMA"], "month": [dt.date(2026, 1, 1)], "ytd": [1.0], "wording": ["x"]})
    targets = pl.DataFrame({"entity": ["HIMA"], "year": [2026], "target": [2.0], "wording": ["sales"]})
    with pytest.raises(ValueError, match="wording"):
        hm.target_progress(ytd, targets, carry=["wording"])
