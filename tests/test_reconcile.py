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
    [row] = sources_disagree(rows, sources=SOURCES).to_dicts()
    assert (row["reported"], row["parts_sum"], row["status"]) == (preferred[0], other[0], status)
    mark = {"over": "> ", "under": "< ", "rounded": "≈ "}.get(other[1], "")
    assert row["check"] == "sources_disagree" and row["reason"] == f"Yicai Global, 4 Mar 2025, gives {mark}{other[0]:,}"


SOURCES = pl.DataFrame(
    {
        "source_id": ["a", "b", "c"],
        "publisher": ["CnEVPost", "Yicai Global", "The Smart Money Show"],
        "published": [D(2025, 3, 2), D(2025, 3, 4), None],
    }
)


def test_a_reason_names_the_source_by_publisher_and_date_never_by_id():
    from hima_analytics.reconcile import sources_disagree

    rows = _values(
        [("ONVO", 17342, "exact", "a", True), ("ONVO", 19000, "over", "c", False), ("ONVO", 12000, "exact", "x", False)]
    )
    reasons = sorted(sources_disagree(rows, sources=SOURCES)["reason"].to_list())
    # An undated source says so; one missing from the sources table is "another source", not its id.
    assert reasons == ["Another source gives 12,000", "The Smart Money Show, undated, gives > 19,000"]
    assert sources_disagree(rows)["reason"].str.starts_with("Another source gives").all()


def test_an_implied_brand_figure_below_its_own_models_disagrees_with_them():
    from hima_analytics.reconcile import implied_vs_published

    implied = _values([("LUXEED", 3377, "implied", "calc", True)])
    published = _values([("LUXEED_S7", 3455, "exact", "a", True), ("LUXEED", 3350, "exact", "b", False)])
    entities = pl.DataFrame({"entity": ["LUXEED", "LUXEED_S7"], "parent": ["HIMA", "LUXEED"]})
    found = implied_vs_published(implied, published, entities, sources=SOURCES).sort("reason")
    # Nothing here was set aside as "not preferred": the models are the preferred figures, and the
    # implied one is computed, so the two disagree; it is not a conflict between sources.
    assert found.select("reported", "qualifier", "parts_sum", "status", "reason").rows() == [
        (3377, "implied", 3455, "disagrees", "Its published models add up to 3,455"),
        (3377, "implied", 3350, "ok", "Yicai Global, 4 Mar 2025, gives 3,350"),  # within 2 % of the implied 3,377
    ]


def test_an_implied_figure_keeps_the_approximate_mark_of_its_inputs_in_the_reconciliation():
    from hima_analytics.reconcile import implied_vs_published

    # Luxeed May 2024 was implied from HIMA's "≈ 30,500": the check prints it "≈ 3,377", not as exact.
    implied = _values([("LUXEED", 3377, "implied", "calc", True)]).with_columns(value_qualifier=pl.lit("rounded"))
    published = _values([("LUXEED_S7", 3455, "exact", "a", True)])
    entities = pl.DataFrame({"entity": ["LUXEED", "LUXEED_S7"], "parent": ["HIMA", "LUXEED"]})
    [row] = implied_vs_published(implied, published, entities).to_dicts()
    assert (row["reported"], row["qualifier"], row["parts_qualifier"], row["status"]) == (
        3377,
        "rounded",
        "over",
        "disagrees",
    )
    assert row["rel_diff_qualifier"] == "over"  # models "add up to at least" 3,455


@pytest.mark.parametrize(
    ("preferred", "other", "parts_q", "gap_q"),
    [
        ((21517, "exact"), (22000, "over"), "over", "over"),  # HIMA Feb 2025: "> 22,000", a gap of "> 2.2%"
        ((17342, "exact"), (19000, "over"), "over", "over"),  # ONVO Oct 2025: "> 19,000", "> 9.6%"
        ((21517, "exact"), (23000, "exact"), "exact", "exact"),
        ((21517, "rounded"), (23000, "exact"), "exact", "rounded"),
        ((20000, "over"), (19000, "exact"), "exact", "under"),  # the gap to a lower bound is at most -5%
        ((20000, "over"), (30000, "under"), "under", "under"),
    ],
)
def test_a_disagreeing_source_keeps_its_bound_mark_on_the_parts_and_on_the_gap(preferred, other, parts_q, gap_q):
    from hima_analytics.reconcile import sources_disagree

    rows = _values([("HIMA", *preferred, "a", True), ("HIMA", *other, "b", False)])
    [row] = sources_disagree(rows).to_dicts()
    assert (row["parts_qualifier"], row["rel_diff_qualifier"]) == (parts_q, gap_q)
    assert row["rel_diff"] is not None and row["diff"] == other[0] - preferred[0]


def test_a_gap_bounded_on_neither_side_is_not_given():
    from hima_analytics.reconcile import sources_disagree

    # "over 20,000" against "about 19,000": no certain gap, so none is printed (the status still lists it).
    rows = _values([("HIMA", 20000, "over", "a", True), ("HIMA", 15000, "about", "b", False)])
    [row] = sources_disagree(rows).to_dicts()
    assert row["status"] == "conflict" and row["rel_diff_qualifier"] is None
    assert row["rel_diff"] is None and row["diff"] is None


def test_the_sum_of_parts_with_a_lower_bound_among_them_is_a_lower_bound(tmp_path):
    data = _fixture_with(tmp_path, "2025-06,AITO_M8,deliveries,,29836,exact", "2025-06,AITO_M8,deliveries,,29836,over")
    row = _row(reconciliation_report(data_dir=data), "models_vs_brand", "AITO", D(2025, 6, 1))
    assert (row["parts_qualifier"], row["rel_diff_qualifier"]) == ("over", "over")
    exact = _row(reconciliation_report(data_dir=GOOD), "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert (exact["parts_qualifier"], exact["rel_diff_qualifier"]) == ("exact", "exact")


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
        (0.2, 100.0, "disagrees"),  # a published rate that implies another base: nothing was set aside
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
        assert row["reason"] == f"Revenue growth of +{growth:.1%} (another source) on the prior year's {prior:,.0f}"
        assert row["parts_sum"] == round(prior * (1 + growth))


def test_a_growth_reason_cites_the_rate_source_and_the_prior_level_in_its_unit():
    from hima_analytics.reconcile import growth_vs_levels

    facts = pl.DataFrame(
        {
            "subject": ["SERES"],
            "metric": ["revenue_growth_yoy"],
            "period_start": [D(2024, 1, 1)],
            "period_end": [D(2024, 12, 31)],
            "value": [3.0504],
            "qualifier": ["exact"],
            "source_id": ["b"],
        }
    )
    fin = pl.DataFrame(
        {
            "company": ["SERES", "SERES"],
            "metric": ["revenue", "revenue"],
            "period_start": [D(2024, 1, 1), D(2023, 1, 1)],
            "period_end": [D(2024, 12, 31), D(2023, 12, 31)],
            "value": [145_176.0, 35_842.0],
            "unit": ["CNY_mn", "CNY_mn"],
            "qualifier": ["exact", "exact"],
            "perimeter": [None, None],
        }
    )
    [row] = growth_vs_levels(facts, fin, sources=SOURCES).to_dicts()
    assert row["reason"] == "Revenue growth of +305.0% (Yicai Global, 4 Mar 2025) on the prior year's 35.8 bn yuan"
    assert row["parts_sum"] == round(35_842 * 4.0504) and row["status"] == "ok"


# -- figures implied by published totals ------------------------------------------------------


def _months(entity, figures):
    return pl.DataFrame(
        [
            {
                "entity": entity,
                "month": D(y, m, 1),
                "measure": "deliveries",
                "perimeter": "all",
                "value": v,
                "qualifier": q,
                "source_id": f"{entity}-{y}-{m}",
            }
            for (y, m), (v, q) in figures.items()
        ]
    )


def _totals(entity, totals):
    return pl.DataFrame(
        [
            {
                "subject": entity,
                "metric": "deliveries",
                "period_start": start,
                "period_end": end,
                "value": float(v),
                "qualifier": q,
                "source_id": f"{entity}-{start}-{end}",
            }
            for (start, end), (v, q) in totals.items()
        ]
    )


def test_a_year_less_its_first_half_and_its_published_months_implies_the_month_left():
    from hima_analytics.implied import implied_months

    # H1: Apr-Jun published (100 + 110 + 120), Jan-Mar not; FY: H2 all published but October.
    months = {(2024, m): (100 + 10 * (m - 4), "exact") for m in (4, 5, 6)}
    months |= {(2024, m): (200, "exact") for m in (7, 8, 9, 11, 12)}
    totals = {(D(2024, 1, 1), D(2024, 6, 30)): (630, "exact"), (D(2024, 1, 1), D(2024, 12, 31)): (1880, "exact")}
    rows = implied_months(_months("X", months), _totals("X", totals)).sort("month")
    assert rows.select("kind", "period", "value", "qualifier").rows() == [
        ("remainder", "Jan–Mar 2024", 630 - 330, "implied"),  # labelled by its range, not its first month
        ("month", "Oct 2024", 1880 - 630 - 5 * 200, "implied"),
    ]
    october = rows.row(1, named=True)
    assert october["months"] == [D(2024, 10, 1)]
    assert october["note"] == (
        "Implied: FY2024 total 1,880 less the H1 2024 total 630 and the 5 published months "
        "Jul–Sep and Nov–Dec 2024 (1,000) leaves 250 for Oct 2024."
    )
    assert "X-2024-01-01-2024-06-30" in october["source_id"].split(";")


def test_an_implied_figure_keeps_the_mark_of_its_inputs():
    from hima_analytics.implied import implied_figures

    # A rounded month (≈ 300) makes the remainder approximate; a lower-bound total keeps its ">".
    months = {(2024, 4): (300, "rounded"), (2024, 5): (100, "exact"), (2024, 6): (100, "exact")}
    months |= {(2025, m): (100, "exact") for m in range(1, 7)}
    totals = {(D(2024, 4, 1), D(2024, 6, 30)): (600, "exact"), (D(2025, 1, 1), D(2025, 12, 31)): (1000, "over")}
    months.pop((2024, 6))
    entities = pl.DataFrame(
        {
            "entity": ["X"],
            "level": ["maker"],
            "name": ["X"],
            "name_zh": [None],
            "parent": [None],
            "first_delivery_date": [None],
        },
        schema_overrides={"name_zh": pl.String, "parent": pl.String, "first_delivery_date": pl.Date},
    )
    rows = implied_figures(_months("X", months), _totals("X", totals), entities).sort("month")
    assert rows.select("period", "value", "qualifier", "value_qualifier").rows() == [
        ("Jun 2024", 200, "implied", "rounded"),
        ("Jul–Dec 2025", 400, "over", "over"),
    ]
    assert rows["note"].to_list() == [
        "Implied: Q2 2024 total 600 less the 2 published months Apr–May 2024 (≈ 400) leaves ≈ 200 for Jun 2024.",
        "Implied: FY2025 total > 1,000 less the 6 published months Jan–Jun 2025 (600) leaves > 400 for "
        "Jul–Dec 2025 together.",
    ]


def test_a_brand_remainder_names_the_brands_by_their_display_names():
    from hima_analytics.implied import implied_brands

    figures = pl.concat(
        [
            _months("HIMA", {(2025, 2): (21517, "exact")}),
            _months("AITO", {(2025, 2): (11315, "exact")}),
            _months("LUXEED", {(2025, 2): (9580, "exact")}),
        ]
    )
    entities = pl.DataFrame(
        {
            "entity": ["HIMA", "AITO", "LUXEED", "STELATO"],
            "level": ["alliance", "brand", "brand", "brand"],
            "name": ["HIMA", "AITO", "Luxeed", "Stelato"],
            "name_zh": ["鸿蒙智行", "问界", "智界", "享界"],
            "parent": [None, "HIMA", "HIMA", "HIMA"],
            "first_delivery_date": [D(2023, 1, 1), D(2022, 3, 1), D(2023, 11, 1), D(2024, 11, 1)],
        }
    )
    [row] = implied_brands(figures, entities).to_dicts()
    assert (row["entity"], row["period"], row["value"]) == ("STELATO", "Feb 2025", 622)
    assert "LUXEED" not in row["note"] and "(问界 AITO 11,315, 智界 Luxeed 9,580)" in row["note"]


def test_the_coverage_marks_are_set_in_a_monospace_font():
    from great_tables import GT

    from hima_analytics.coverage import GLYPH_FONT, coverage_matrix, glyph_table, year_columns

    matrix = coverage_matrix(_months("X", {(2024, 1): (1, "exact"), (2025, 3): (2, "over")}))
    assert year_columns(matrix) == ["2024", "2025"]
    assert '"' not in GLYPH_FONT  # it goes inside a double-quoted style attribute
    assert matrix["2025"].item() == "··▫·········"
    html = glyph_table(GT(matrix), matrix).as_raw_html()
    styled = [line for line in html.splitlines() if "■·" in line or "··▫" in line]
    assert len(styled) == 2 and all(f"font-family: {GLYPH_FONT} !important;" in line for line in styled)
    assert f"font-family: {GLYPH_FONT}" not in next(line for line in html.splitlines() if ">X<" in line)


def test_the_report_checks_implied_figures_with_the_mark_they_keep_from_their_inputs(tmp_path):
    # AITO's June figure removed and HIMA's given as "≈ 51,000": AITO is implied as ≈ 43,089, below its own
    # models (44,836). The row says "disagrees" (nothing was set aside) and keeps the ≈ of HIMA's total.
    data = _fixture_with(tmp_path, "2025-06,AITO,deliveries,,44836,exact,,fx-hima-2025-07,true,\n", "")
    path = data / "volumes" / "fixture.csv"
    text = path.read_text(encoding="utf-8").replace(
        "2025-06,HIMA,deliveries,,52747,exact", "2025-06,HIMA,deliveries,,51000,rounded"
    )
    path.write_text(text, encoding="utf-8")
    row = _row(reconciliation_report(data_dir=data), "implied_vs_published", "AITO", D(2025, 6, 1))
    assert (row["reported"], row["qualifier"], row["parts_sum"], row["status"]) == (
        43089,
        "rounded",
        44836,
        "disagrees",
    )
    assert row["reason"] == "Its published models add up to 44,836"
