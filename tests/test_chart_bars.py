"""Bar charts draw a bound as a hollow bar outlined in its own series' colour, never as a tint
that could read as another series, and the legend keys only the bounds."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hima_analytics.display import charts

D = dt.date
FRAME = pl.DataFrame(
    {
        "entity": ["AITO", "LUXEED", "AITO", "LUXEED"],
        "month": [D(2025, 1, 1), D(2025, 1, 1), D(2025, 2, 1), D(2025, 2, 1)],
        "value": [100, 50, 120, 40],
        "qualifier": ["exact", "over", "over", "exact"],
        "source_id": ["a"] * 4,
    }
)


def _fill(enc: dict) -> dict[str, float]:
    scale = enc["fillOpacity"]["scale"]
    return dict(zip(scale["domain"], scale["range"]))


def test_monthly_bars_draw_bounds_hollow_in_their_series_colour():
    enc = charts.monthly_bars(FRAME, title="t").to_dict()["encoding"]
    fill = _fill(enc)
    assert fill["over"] < 0.2 < fill["published"]
    assert "opacity" not in enc  # the outline stays at full strength
    stroke = enc["stroke"]["condition"]
    assert stroke["field"] == "series" and stroke["scale"] == enc["color"]["scale"]
    assert enc["fillOpacity"]["legend"]["values"] == ["over"]
    dash = dict(zip(enc["strokeDash"]["scale"]["domain"], enc["strokeDash"]["scale"]["range"]))
    assert dash["over"] != [1, 0]


def test_category_bars_draw_bounds_the_same_way():
    one = FRAME.filter(pl.col("month") == D(2025, 1, 1))
    enc = charts.bars(one, x="entity", y="value", title="t").to_dict()["encoding"]
    assert _fill(enc)["over"] < 0.2
    assert enc["stroke"]["condition"]["value"] == enc["color"]["value"]


def test_an_implied_bar_is_half_tone_and_keyed():
    implied = FRAME.with_columns(
        pl.when(pl.col("value") == 40).then(pl.lit("implied")).otherwise("qualifier").alias("qualifier")
    )
    enc = charts.monthly_bars(implied, title="t").to_dict()["encoding"]
    fill = _fill(enc)
    assert fill["over"] < fill["implied"] < fill["published"]
    assert enc["fillOpacity"]["legend"]["values"] == ["implied", "over"]
