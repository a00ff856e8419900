"""Benchmark-page sentences: whose months a coverage count is, and what the powertrain mix rests on
(a coverage floor where model figures mix lower and upper bounds; no spurious 100.0%)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from report_checks import plain

from hima_analytics import metrics as hm
from hima_analytics.narrative import coverage, mix_coverage
from hima_analytics.narrative.deliveries import months_published

D = dt.date
NOV, OCT, DEC = D(2025, 11, 1), D(2025, 10, 1), D(2025, 12, 1)
POWERTRAINS = pl.DataFrame({"entity": ["AITO_M9", "STELATO_S9", "AITO_M7"], "powertrain": ["mixed", None, "EREV"]})
NO_RIVALS = pl.DataFrame(schema={"brand": pl.String})


def _mix(models: list[tuple[dt.date, str, int, str]], totals: dict[dt.date, int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = pl.DataFrame(
        [{"entity": e, "parent": "HIMA", "month": m, "value": v, "qualifier": q} for m, e, v, q in models]
    )
    hima = pl.DataFrame([{"entity": "HIMA", "month": m, "value": v, "qualifier": "exact"} for m, v in totals.items()])
    return hm.powertrain_mix(frame, POWERTRAINS, totals=hima), hima


def test_the_coverage_count_names_whose_months_it_counts():
    full = pl.DataFrame({"entity": "HIMA", "month": [D(2024, m, 1) for m in (1, 2, 3)], "value": [1, None, 3]})
    sentence = plain(coverage(full, download="d", start=D(2024, 1, 1), end=D(2024, 3, 1)))
    assert sentence.startswith(
        "鸿蒙智行 HIMA published monthly figures for 2 of the 3 months from Jan 2024 to Mar 2024"
    )
    with pytest.raises(ValueError, match="one maker or brand"):
        coverage(full.drop("entity"), download="d", start=D(2024, 1, 1), end=D(2024, 3, 1))


def test_the_months_published_sentence_cites_the_makers_own_row():
    record = pl.DataFrame({"entity": ["LI_AUTO", "HIMA"], "published": [26, 19], "months": [26, 26]})
    sentence = plain(months_published(record, entity="HIMA", download="d", start=D(2024, 1, 1), end=D(2026, 2, 1)))
    assert sentence.startswith(
        "鸿蒙智行 HIMA published monthly figures for 19 of the 26 months from Jan 2024 to Feb 2026"
    )
    assert "Every maker's count is in the table" in sentence


def test_a_month_whose_models_mix_lower_and_upper_bounds_is_set_against_the_total_as_a_floor():
    # HIMA Nov 2025: M9 "> 7,500" and S9 "< 1,000" against HIMA's 81,864: the shares are bounds, and the
    # coverage is at least 7,500 / 81,864 = 9.16%, never "cannot be stated".
    mix, hima = _mix(
        [(OCT, "STELATO_S9", 1_000, "under"), (NOV, "AITO_M9", 7_500, "over"), (NOV, "STELATO_S9", 1_000, "under")],
        {OCT: 68_216, NOV: 81_864},
    )
    assert mix.filter(pl.col("month") == NOV)["covered"].is_null().all()  # the metric leaves it open
    sentence = plain(mix_coverage(mix, NO_RIVALS, download="m", peers=[], totals=hima, totals_download="h"))
    assert sentence == (
        "In Nov 2025, the latest month whose model figures can be set against HIMA's total, models with more than "
        "one powertrain made > 88.2% of the model figures, which cover > 9.1% of HIMA's 81,864 published deliveries "
        "(a floor: the upper bounds among the model figures add an unknown amount); the rest of the month is not "
        "split by powertrain."
    )
    assert "cannot be stated" not in sentence


def test_a_month_with_one_model_says_so_instead_of_a_share_of_100_percent():
    mix, hima = _mix([(OCT, "STELATO_S9", 1_000, "under")], {OCT: 68_216})
    sentence = plain(mix_coverage(mix, NO_RIVALS, download="m", peers=[], totals=hima, totals_download="h"))
    assert "100.0%" not in sentence
    assert sentence.startswith(
        "In Oct 2025, the latest month whose model figures can be set against HIMA's total, the only model figure "
        "is of a model with an unrecorded powertrain, covering < 1.5% of HIMA's published deliveries"
    )


def test_a_later_month_without_a_hima_total_says_that_and_not_something_else():
    mix, hima = _mix(
        [(OCT, "AITO_M7", 20_000, "exact"), (OCT, "AITO_M9", 10_000, "exact"), (DEC, "AITO_M9", 9_000, "exact")],
        {OCT: 68_216},
    )
    sentence = plain(mix_coverage(mix, NO_RIVALS, download="m", peers=[], totals=hima, totals_download="h"))
    assert sentence.startswith("In Oct 2025,")
    assert sentence.endswith(" Later model figures are not set against a total: HIMA published no total for Dec 2025.")


def test_an_approximate_figure_beside_a_bound_gives_no_floor():
    mix, hima = _mix(
        [(NOV, "AITO_M9", 7_500, "about"), (NOV, "STELATO_S9", 1_000, "under"), (OCT, "AITO_M7", 9_000, "exact")],
        {OCT: 68_216, NOV: 81_864},
    )
    sentence = plain(mix_coverage(mix, NO_RIVALS, download="m", peers=[], totals=hima, totals_download="h"))
    assert sentence.startswith("In Oct 2025,") and "9.1%" not in sentence
    assert "the model figures for Nov 2025 set approximate figures beside bounds" in sentence
