"""The claims check: verdict rules on hand-built evidence (precision, measures, the "about"
allowance, the article's own figures, disagreeing sources), the figures as printed, and the
shipped claims against the rules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import polars as pl
import pytest

from hima_analytics import claims
from hima_analytics.claims import verdicts as rules
from hima_analytics.claims.verdicts import Claim, Evidence, assess, figure_verdict


def _claim(claimed: float, qualifier: str = "exact", unit: str = "units", measure: str | None = None) -> Claim:
    return Claim(
        "t", "s", "a test claim", claimed, unit, qualifier, lambda s: Evidence(None, None, ""), measure=measure
    )


def _own(value: float, qualifier: str = "exact", *, preferred: bool = True) -> Evidence:
    return Evidence(value, qualifier, "", preferred=preferred, label="this article", shown=f"{value:,.0f}")


# -- precision: an exact claim is confirmed only to the digits it publishes -------------------------


def test_an_exact_claim_allows_half_a_unit_of_its_last_digit():
    c = _claim(52_747)
    assert figure_verdict(c, Evidence(52_747, "exact", "")) == "confirmed"
    assert figure_verdict(c, Evidence(52_748, "exact", "")) == "contradicted"  # 1 off, beyond ± 0.5
    loss = _claim(-3_830)  # "3.83 billion" published to the ten million: ± 5 mn
    assert figure_verdict(loss, Evidence(-3_832, "exact", "")) == "confirmed"
    assert figure_verdict(loss, Evidence(-3_836, "exact", "")) == "contradicted"


def test_claimed_percentages_are_tested_to_their_published_decimals():
    growth = _claim(3.0504, unit="fraction")  # 305.04%: ± 0.005 points
    assert figure_verdict(growth, Evidence(3.050443, "exact", "")) == "confirmed"
    assert figure_verdict(growth, Evidence(3.0506, "exact", "")) == "contradicted"
    share = _claim(0.63, unit="fraction")  # 63%: ± 0.5 points
    assert figure_verdict(share, Evidence(0.6349, "exact", "")) == "confirmed"
    assert figure_verdict(share, Evidence(0.6351, "exact", "")) == "contradicted"


def test_a_rounded_figure_makes_an_exact_claim_consistent_never_confirmed():
    c = _claim(52_747)
    a = assess(c, Evidence(52_700, "rounded", "HIMA Jun 2025 deliveries: ≈ 52,700"))
    assert a.verdict == "consistent"
    assert "only to its rounding" in a.basis
    # 52,700 rounded spans 52,650..52,750: a claim of 52,760 lies outside it
    assert figure_verdict(_claim(52_760), Evidence(52_700, "rounded", "")) == "contradicted"


# -- measures ---------------------------------------------------------------------------------------


def test_a_deliveries_claim_is_never_settled_by_a_wholesale_figure():
    c = _claim(387_000, "over", measure="deliveries")
    sales = Evidence(389_100, "rounded", "AITO FY2024 sales ≈ 389,100", measure="wholesale")
    a = assess(c, sales)
    assert a.verdict == "not verifiable"
    assert "another measure" in a.basis
    deliveries = Evidence(388_000, "exact", "AITO FY2024 deliveries 388,000", measure="deliveries")
    mixed = assess(c, Evidence(**{**deliveries.__dict__, "others": (sales,)}))
    assert mixed.verdict == "confirmed"  # the deliveries figure settles it; the sales one is set aside


def test_a_claim_worded_as_sales_says_which_measure_settled_it():
    c = Claim("t", "s", "HIMA sold 52,747", 52_747, "units", "exact", lambda s: Evidence(None, None, ""), says="sales")
    a = assess(c, Evidence(52_747, "exact", "HIMA Jun 2025 deliveries 52,747", measure="deliveries"))
    assert a.verdict == "confirmed"
    assert "the claim says sales; ours counts deliveries" in a.basis
    same = assess(c, Evidence(52_747, "exact", "HIMA Jun 2025 sales 52,747", measure="sales"))
    assert "the claim says" not in same.basis


def test_the_shipped_sales_claims_name_the_measure_checked(results):
    by = {r["claim"]: r for r in results.iter_rows(named=True)}
    for cid in ("aito-share-2025-06", "hima-june-2025", "aito-800k"):
        assert "the claim says sales; ours counts deliveries" in by[cid]["basis"], cid


# -- the "about" allowance --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "expected"),
    [
        (133_000, "confirmed"),  # exactly 5% below
        (147_000, "confirmed"),  # exactly 5% above
        (132_990, "contradicted"),
        (147_010, "contradicted"),
        (131_320, "contradicted"),  # 6.2% below
    ],
)
def test_about_allows_exactly_five_percent_either_side(ours, expected):
    c = _claim(140_000, "about", unit="CNY")
    assert figure_verdict(c, Evidence(ours, "exact", "")) == expected


@pytest.mark.parametrize(
    ("ours", "expected"),
    [
        (133_000, "confirmed"),  # at its value, inside the band: our rounding does not matter
        (131_320, "consistent"),  # 6.2% below, but ± 5.4% of ours reaches 138,411: cannot settle it
        (126_200, "consistent"),  # reaches 133,015, just inside the band
        (125_000, "contradicted"),  # reaches 131,750 at most: misses the band
    ],
)
def test_an_approximate_figure_of_ours_contradicts_an_about_claim_only_beyond_its_own_range(ours, expected):
    c = _claim(140_000, "about", unit="CNY")
    assert figure_verdict(c, Evidence(ours, "rounded", "", precision=0.054)) == expected


def test_the_gap_to_an_about_claim_is_stated_with_the_allowance():
    exact = assess(_claim(140_000, "about", unit="CNY"), Evidence(131_320, "exact", "fees / cars"))
    assert exact.verdict == "contradicted"
    assert "6.2% below the claimed figure" in exact.basis and "allows 5%" in exact.basis
    assert "itself approximate" not in exact.basis
    rough = assess(_claim(140_000, "about", unit="CNY"), Evidence(131_320, "exact", "fees / cars", precision=0.05))
    assert rough.verdict == "consistent"
    assert "6.2% below" in rough.basis and "itself approximate (\u00b1 5%)" in rough.basis


def test_the_page_states_the_rule_from_the_constant_the_verdict_uses(monkeypatch):
    assert "allows 5% either side" in str(claims.rules_text())
    monkeypatch.setattr(rules, "ABOUT", 0.10)
    assert "allows 10% either side" in str(claims.rules_text())
    assert figure_verdict(_claim(140_000, "about", unit="CNY"), Evidence(131_320, "exact", "")) == "confirmed"


# -- the article's own figures ----------------------------------------------------------------------


def test_the_articles_own_figure_never_confirms_it():
    a = assess(_claim(74.8, unit="score"), Evidence(None, None, "no other source", own=_own(74.8)))
    assert a.verdict == "not verifiable"
    assert "only figure on record is this article's own" in a.basis


def test_another_seed_articles_figure_is_named_but_never_confirms_a_claim():
    # the S&P seed's "> 387,000" is the only AITO FY2024 figure; the claim comes from seed 002
    rows = pl.DataFrame(
        {
            "value": [387_000.0],
            "qualifier": ["over"],
            "source_id": ["seed-001-spglobal-hima"],
            "preferred": [True],
        }
    )
    ev = claims.keyed_evidence(rows, claims.S2, lambda r: ("", f"> {r['value']:,.0f}"), measure="deliveries")
    assert ev is not None and ev.value is None and ev.own is None
    assert [e.value for e in ev.seeds] == [387_000]
    assert "a seed article" in ev.seeds[0].label
    a = assess(_claim(387_000, "over", measure="deliveries"), ev)
    assert a.verdict == "not verifiable"
    assert "another seed article's (> 387,000, S&P Global Mobility" in a.basis
    # the same row is the article's own figure when the claim comes from seed 001
    mine = claims.keyed_evidence(rows, claims.S1, lambda r: ("", f"> {r['value']:,.0f}"), measure="deliveries")
    assert mine is not None and mine.own is not None and not mine.seeds
    assert "this article's own" in assess(_claim(387_000, "over"), mine).basis


def test_a_claim_worded_for_two_figures_is_confirmed_only_when_both_agree():
    loss = _claim(-3_830, unit="CNY_mn")
    attributable = Evidence(-3_832, "exact", "attributable -3,832", reading="net profit attributable")
    total = Evidence(-5_221, "exact", "total -5,221", reading="net profit (incl. minority interests)")
    split = assess(loss, replace(attributable, readings=(total,)))
    assert split.verdict == "consistent"
    assert "compared with net profit attributable: attributable -3,832, which matches the claim" in split.basis
    assert "compared with net profit (incl. minority interests): total -5,221, which does not match" in split.basis
    both = assess(loss, replace(attributable, readings=(replace(total, value=-3_829),)))
    assert both.verdict == "confirmed" and "every reading of the claim's wording gives the same verdict" in both.basis
    neither = assess(loss, replace(total, readings=(replace(total, value=-4_000),)))
    assert neither.verdict == "contradicted"


def test_a_figure_that_holds_only_under_an_unestablished_condition_never_confirms():
    over = _claim(23_000, "over", unit="CNY_mn")
    enough = Evidence(24_000, "over", "sum of losses on record", shown="> 24,000", assumes="H2 2022 was a loss too")
    a = assess(over, enough)
    assert a.verdict == "consistent" and "the data does not establish it" in a.basis
    short = assess(over, replace(enough, value=20_720, shown="> 20,720"))
    assert short.verdict == "not verifiable" and "even granted that, > 20,720 does not settle the claim" in short.basis
    assert assess(over, replace(enough, assumes="")).verdict == "confirmed"


def test_loss_periods_cover_each_month_once_longest_periods_first():
    periods = claims.loss_periods("BAIC_BLUEPARK", dt.date(2021, 1, 1), dt.date(2025, 12, 31), claims.S4)
    assert periods.height > 0
    spans = list(zip(periods["period_start"].to_list(), periods["period_end"].to_list(), strict=True))
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end < start  # no month is counted twice
    every = claims.independent("financials", claims.S4, entity="BAIC_BLUEPARK").filter(
        (pl.col("metric") == "net_profit_attributable") & pl.col("preferred") & (pl.col("period_type") == "FY")
    )
    years = {d.year for d in every["period_start"].to_list() if 2021 <= d.year <= 2025}
    chosen_years = {s.year for s, e in spans if (e - s).days > 360}
    assert years and years <= chosen_years  # a published year is used before any of its halves or quarters


def test_evidence_for_one_key_keeps_the_articles_row_apart_from_the_independent_ones():
    # seed-003 is the source row of the Caixin seed article; the other row is any other page
    rows = pl.DataFrame(
        {
            "value": [52_747.0, 52_700.0],
            "qualifier": ["exact", "rounded"],
            "source_id": ["seed-003-caixin-sales-control", "hima5-36kr-2025-07-02-hima-june-52000"],
            "preferred": [True, False],
        }
    )
    ev = claims.keyed_evidence(
        rows, claims.S3, lambda r: (f"ours {r['value']:,.0f}", f"{r['value']:,.0f}"), measure=None
    )
    assert ev is not None and ev.value == 52_700 and ev.own is not None and ev.own.value == 52_747
    assert ev.own.label == "this article" and ev.preferred  # 52,747 lies inside the rounded 52,700
    assert ev.sources == ("hima5-36kr-2025-07-02-hima-june-52000",)
    only_own = claims.keyed_evidence(rows.head(1), claims.S3, lambda r: ("", ""), measure=None)
    assert only_own is not None and only_own.value is None and only_own.own is not None
    assert assess(_claim(52_747), only_own).verdict == "not verifiable"


def test_a_figure_ranked_below_a_different_value_can_agree_but_not_confirm():
    best_bound = {"value": 387_000.0, "qualifier": "over"}
    row = {"value": 389_100.0, "qualifier": "rounded", "preferred": False}
    assert not claims.agrees_with_preferred(row, best_bound)
    c = _claim(387_000, "over")
    weak = Evidence(389_100, "rounded", "≈ 389,100", preferred=False, shown="≈ 389,100", label="a broker")
    a = assess(c, Evidence(**{**weak.__dict__, "own": _own(387_000, "over")}))
    assert a.verdict == "consistent"
    assert "can agree with the claim but not confirm it" in a.basis
    assert assess(c, Evidence(389_100, "rounded", "")).verdict == "confirmed"  # the same figure, preferred


# -- disagreeing sources ----------------------------------------------------------------------------


def test_sources_disagree_when_the_report_uses_the_articles_figure():
    c = _claim(4_215)
    other = Evidence(4_154, "exact", "Stelato S9 Jun 2025: 4,154", label="36Kr Japan, 1 Jul 2025", shown="4,154")
    a = assess(c, Evidence(**{**other.__dict__, "own": _own(4_215)}))
    assert a.verdict == "disputed"
    assert a.basis == (
        "sources disagree: 4,215 (this article, the figure the report uses) and 4,154 (36Kr Japan, 1 Jul 2025)"
    )
    # when the catalog prefers another value, the independent figure does contradict the claim
    assert assess(c, Evidence(**{**other.__dict__, "own": _own(4_215, preferred=False)})).verdict == "contradicted"
    assert assess(c, other).verdict == "contradicted"


def test_independent_figures_on_both_sides_make_a_claim_disputed():
    agrees = Evidence(4_215, "exact", "", label="one page", shown="4,215")
    differs = Evidence(4_154, "exact", "", label="another page", shown="4,154")
    assert assess(_claim(4_215), Evidence(**{**agrees.__dict__, "others": (differs,)})).verdict == "disputed"


# -- figures as printed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claimed", "ours", "expected"),
    [
        (3.0504, 3.050443613637632, ("305.04%", "305.04%")),
        (0.8103, 0.8102686265819667, ("81.03%", "81.03%")),
        (0.289, 0.2893, ("28.9%", "28.9%")),
        (0.63, 0.6312542753835629, ("63%", "63.1%")),
    ],
)
def test_percentages_print_at_the_claims_precision(claimed, ours, expected):
    assert claims.shown_figures(claimed, "exact", ours, "exact", "fraction") == expected


# -- the shipped claims -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results() -> pl.DataFrame:
    return claims.check()


def test_the_shipped_claims_follow_the_rules(results):
    by = {r["claim"]: r for r in results.iter_rows(named=True)}
    assert set(results["verdict"]) <= set(claims.VERDICTS)
    june = by["hima-june-2025"]  # 36Kr Japan states 52,747 independently of seed 003
    assert june["verdict"] == "confirmed" and june["ours"] == 52_747 and "36Kr Japan" in june["basis"]
    s9 = by["stelato-june-2025"]  # the dated major outlet (4,154) is preferred over the undated seed's 4,215
    assert s9["verdict"] == "contradicted" and s9["ours"] == 4_154 and "4,154 (36Kr Japan" in s9["basis"]
    assert by["aito-2024"]["verdict"] != "confirmed"
    fees = by["huawei-fees-per-vehicle"]
    # ≈ 20 bn yuan over ≈ 152,300 cars: 6.2% below "about 140,000", but the numerator is itself rounded
    assert fees["verdict"] == "consistent" and "6.2% below" in fees["basis"] and "itself approximate" in fees["basis"]
    assert by["aito-nps"]["verdict"] == "not verifiable"


def test_no_claim_rests_on_any_seed_article(results):
    seeds = claims.seed_sources()
    assert claims.own_sources(claims.S1) <= seeds and "seed-001-spglobal-hima" in seeds
    for r in results.iter_rows(named=True):
        assert not seeds & set((r["source_id"] or "").split(";")), r["claim"]


def test_the_shipped_claims_say_what_their_figures_rest_on(results):
    by = {r["claim"]: r for r in results.iter_rows(named=True)}
    share = by["aito-share-2024"]  # seed 002's "> 85%": the only AITO FY2024 deliveries figure is the S&P seed's
    assert share["verdict"] == "not verifiable" and "another seed article's (> 387,000" in share["basis"]
    for year, total in (("2022", "-5,221"), ("2023", "-4,157")):  # "net loss": attributable or total
        loss = by[f"seres-loss-{year}"]
        assert loss["verdict"] == "consistent", year
        assert "net profit attributable to shareholders" in loss["basis"] and total in loss["basis"], year
    baic = by["baic-losses"]  # H2 2022 is not on record: the sum of the rest bounds nothing for certain
    assert baic["verdict"] == "not verifiable" and "H2 2022 is not on record" in baic["basis"]
    assert "no FY2020 net profit attributable is on record" in baic["basis"]
    s9 = by["stelato-june-2025"]
    assert "this article's own 4,215" in s9["basis"] and "the two sources conflict" in s9["basis"]
    assert "date inferred" in s9["basis"]
    million = by["hima-1m"]  # the preferred page came later: the re-report published by the date is used
    assert "the catalog prefers > 1,000,000 (Gasgoo" in million["basis"] and "the same figure" in million["basis"]
    assert "the article is undated" in million["basis"]


def test_the_page_table_names_articles_in_words_and_prints_sensible_decimals(results):
    shown = claims.for_display(results)
    assert "seed" not in shown.columns and "source_id" not in shown.columns
    cells = [str(v) for col in shown.columns for v in shown[col].to_list()]
    assert not [c for c in cells if re.search(r"\.txt\b|\bseed-\d{3}|\b00\d_", c)]
    assert not [c for c in cells if re.search(r"\d\.\d{3,}%", c)]  # no "305.044%"
    assert "S&P Global Mobility, 2 Oct 2025" in shown["article"].to_list()
    assert claims.article_label(claims.S3) == "Caixin Global, undated"
    arts = claims.articles(results)
    assert arts["claims"].sum() == results.height and arts.height == 5
    assert not [s for s in claims.web_sources(results)["source_id"].to_list() if s in claims.own_sources(claims.S1)]


def test_a_to_date_claim_rests_only_on_sources_published_by_its_date(results):
    import hima_analytics as ha

    million = {r["claim"]: r for r in results.iter_rows(named=True)}["hima-1m"]
    published = dict(ha.load("sources").select("source_id", "published").iter_rows())
    used = [s for s in (million["source_id"] or "").split(";") if s]
    assert used and all(published[s] is not None and published[s] <= dt.date(2025, 12, 9) for s in used)
    assert "published by 9 Dec 2025" in million["basis"]
