"""Reconciliation reports differences; it never fixes them."""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest
from conftest import GOOD

from hima_analytics.reconcile import reconciliation_report

D = dt.date


def _row(report, check, entity, month):
    return report.filter(
        (pl.col("check") == check) & (pl.col("entity") == entity) & (pl.col("period_start") == month)
    ).row(0, named=True)


def test_statuses_on_the_fixture():
    rep = reconciliation_report(data_dir=GOOD)
    june = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert (june["reported"], june["parts_sum"], june["diff"], june["status"]) == (52747, 52747, 0, "ok")
    # AITO May 2025: the M9 had been delivering since 2024 but has no May figure -> partial.
    may = _row(rep, "models_vs_brand", "AITO", D(2025, 5, 1))
    assert may["status"] == "partial" and "AITO_M9" in may["missing_parts"]
    # "over 96,000" in May-June is met by 44,000 + 52,747.
    period = _row(rep, "months_vs_period", "HIMA", D(2025, 5, 1))
    assert period["parts_sum"] == 96747 and period["status"] == "ok"


def _fixture_with(tmp_path, old: str, new: str):
    """A copy of the good fixture with one volumes line edited."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    path = data / "volumes" / "fixture.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return data


def test_a_gap_beyond_tolerance_is_flagged_then_excused_by_a_documented_exception(tmp_path):
    data = _fixture_with(tmp_path, "2025-06,LUXEED,deliveries,,7911", "2025-06,LUXEED,deliveries,,5000")
    rep = reconciliation_report(data_dir=data)
    row = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert row["status"] == "flagged" and row["diff"] == -2911
    (data / "exceptions" / "fixture.csv").write_text(
        "check,entity,period_start,period_end,reason,source_id\n"
        "brands_vs_alliance,HIMA,2025-06-01,2025-06-30,Luxeed figure counts retail only,fx-hima-2025-07\n",
        encoding="utf-8",
    )
    rep = reconciliation_report(data_dir=data)
    row = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert row["status"] == "exception" and row["reason"] == "Luxeed figure counts retail only"


def test_parts_exceeding_the_whole_are_flagged_even_when_incomplete(tmp_path):
    data = _fixture_with(tmp_path, "2025-06,AITO_M8,deliveries,,29836", "2025-06,AITO_M8,deliveries,,39836")
    rep = reconciliation_report(data_dir=data)
    assert _row(rep, "models_vs_brand", "AITO", D(2025, 6, 1))["status"] == "flagged"


def _values(rows):
    import datetime as dt

    return pl.DataFrame(
        [
            {
                "entity": e,
                "month": dt.date(2025, 2, 1),
                "measure": "deliveries",
                "perimeter": "all",
                "value": v,
                "qualifier": q,
                "source_id": s,
                "preferred": p,
            }
            for e, v, q, s, p in rows
        ]
    )


@pytest.mark.parametrize(
    ("preferred", "other", "status"),
    [
        ((21517, "exact"), (22000, "over"), "conflict"),  # "topped 22,000" cannot be 21,517
        ((21517, "exact"), (21000, "over"), "ok"),
        ((21517, "exact"), (22000, "rounded"), "ok"),  # within the rounding of 2.2万
        ((21517, "exact"), (23000, "exact"), "conflict"),
        ((20000, "over"), (25000, "over"), "ok"),  # two lower bounds never contradict
        ((20000, "over"), (19000, "exact"), "conflict"),
        ((30000, "under"), (25000, "exact"), "ok"),
    ],
)
def test_a_non_preferred_source_is_listed_when_it_contradicts_the_preferred_value(preferred, other, status):
    from hima_analytics.reconcile import sources_disagree

    rows = _values([("HIMA", *preferred, "a", True), ("HIMA", *other, "b", False)])
    [row] = sources_disagree(rows).to_dicts()
    assert (row["reported"], row["parts_sum"], row["status"]) == (preferred[0], other[0], status)
    assert row["check"] == "sources_disagree" and row["reason"] == f"b gives {other[0]}"


def test_an_implied_brand_figure_below_its_own_models_is_a_conflict():
    from hima_analytics.reconcile import implied_vs_published

    implied = _values([("LUXEED", 3377, "implied", "calc", True)])
    published = _values([("LUXEED_S7", 3455, "exact", "a", True), ("LUXEED", 3350, "exact", "b", False)])
    entities = pl.DataFrame({"entity": ["LUXEED", "LUXEED_S7"], "parent": ["HIMA", "LUXEED"]})
    found = implied_vs_published(implied, published, entities).sort("reason")
    assert found.select("reported", "parts_sum", "status", "reason").rows() == [
        (3377, 3350, "ok", "b gives 3350"),  # within 2 % of the implied 3,377
        (3377, 3455, "conflict", "its published models add up to more"),
    ]


def test_a_whole_with_no_part_published_has_no_sum_and_no_gap(tmp_path):
    # Drop every AITO model figure for June 2025: the brand figure has nothing to be compared with.
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    path = data / "volumes" / "fixture.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("2025-06,AITO_M")]
    assert len(kept) < len(lines)
    path.write_text("".join(kept), encoding="utf-8")
    row = _row(reconciliation_report(data_dir=data), "models_vs_brand", "AITO", D(2025, 6, 1))
    assert row["parts_reported"] == 0 and row["status"] == "partial"
    assert row["parts_sum"] is None and row["diff"] is None and row["rel_diff"] is None


@pytest.mark.parametrize(
    ("growth", "prior", "status"),
    [
        (0.5, 100.0, "ok"),  # 100 grown 50% is the 150 on record
        (0.2, 100.0, "conflict"),  # a published rate that implies another base
        (0.5, -40.0, None),  # a rate on a negative base relates no levels: not checked
        (0.5, None, None),  # the prior year is not on record: not checked
    ],
)
def test_a_published_growth_rate_is_checked_against_the_levels_it_relates(growth, prior, status):
    from hima_analytics.reconcile import growth_vs_levels

    facts = pl.DataFrame(
        {
            "subject": ["X"],
            "metric": ["revenue_growth_yoy"],
            "period_start": [D(2025, 1, 1)],
            "period_end": [D(2025, 12, 31)],
            "value": [growth],
            "qualifier": ["exact"],
            "source_id": ["s"],
        }
    )
    years = [2025] + ([2024] if prior is not None else [])
    fin = pl.DataFrame(
        {
            "company": ["X"] * len(years),
            "metric": ["revenue"] * len(years),
            "period_start": [D(y, 1, 1) for y in years],
            "period_end": [D(y, 12, 31) for y in years],
            "value": [150.0] + ([prior] if prior is not None else []),
            "qualifier": ["exact"] * len(years),
            "perimeter": [None] * len(years),
        }
    )
    found = growth_vs_levels(facts, fin)
    if status is None:
        assert found.is_empty()
    else:
        [row] = found.to_dicts()
        assert (row["check"], row["period_end"], row["reported"], row["status"]) == (
            "growth_vs_levels",
            D(2025, 12, 31),
            150,
            status,
        )
        assert row["reason"].startswith("Revenue ") and row["parts_sum"] == round(prior * (1 + growth))
