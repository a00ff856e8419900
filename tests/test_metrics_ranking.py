"""Nearest rivals in size: a rival publishing only bounds is never dropped silently; its median is a
bound and its place is left open unless its bound rules it out."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hima_analytics import metrics as hm

D = dt.date
MONTHS = [D(2025, m, 1) for m in range(5, 13)]


def _me(value: int = 40_000) -> pl.DataFrame:
    return pl.DataFrame({"month": MONTHS, "entity": "AITO", "value": [value] * 8, "qualifier": "exact"})


def _peer(entity: str, values: list[int], qualifiers: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"month": MONTHS, "entity": entity, "value": values, "qualifier": qualifiers})


def test_xiaomis_case_lower_bounds_only_are_listed_as_not_ranked_with_a_lower_bound_median():
    # AITO's 8 months against Xiaomi's "> 28,000", "> 25,000", ... "> 20,000": median > 30,000.
    xiaomi = _peer("XIAOMI", [28_000, 25_000, 30_000, 30_000, 40_000, 40_000, 39_000, 20_000], ["over"] * 8)
    li = _peer("LI_AUTO", [31_956] * 8, ["exact"] * 8)
    out = hm.nearest_in_size(_me(), pl.concat([li, xiaomi]), k=1)
    assert out.select("entity", "ranked", "median", "median_qualifier", "point_months", "distance").rows() == [
        ("LI_AUTO", True, 31_956.0, "exact", 8, out["distance"][0]),
        ("XIAOMI", False, 30_000.0, "over", 0, 0.0),  # "> 30,000" may be as near as AITO itself
    ]


def test_bounds_pulling_both_ways_give_no_median_but_the_rival_is_still_named():
    mixed = _peer("X", [30_000, 50_000] * 4, ["over", "under"] * 4)
    out = hm.nearest_in_size(_me(), mixed)
    assert out.select("entity", "ranked", "median", "median_qualifier", "distance").rows() == [
        ("X", False, None, None, 0.0)
    ]


def test_a_rival_with_enough_point_figures_is_ranked_on_them_alone():
    some = _peer("Y", [39_000] * 5 + [90_000] * 3, ["exact"] * 5 + ["over"] * 3)
    out = hm.nearest_in_size(_me(), some)
    assert out.select("entity", "ranked", "common_months", "median").rows() == [("Y", True, 5, 39_000.0)]


def test_an_upper_bound_below_the_subject_bounds_the_distance_from_below():
    small = _peer("Z", [10_000] * 8, ["under"] * 8)
    [row] = hm.nearest_in_size(_me(), small).to_dicts()
    assert (row["ranked"], row["median_qualifier"]) == (False, "under")
    assert abs(row["distance"] - 1.3863) < 1e-3  # at least ln(40,000 / 10,000)
