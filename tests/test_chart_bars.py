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
    assert enc["stroke"]["condition"]["value"] == enc["color"]["scale"]["range"][0]
    assert enc["color"]["legend"] is None  # one colour needs no key; the key shows the hollow bound


def test_an_implied_bar_is_half_tone_and_keyed():
    implied = FRAME.with_columns(
        pl.when(pl.col("value") == 40).then(pl.lit("implied")).otherwise("qualifier").alias("qualifier")
    )
    enc = charts.monthly_bars(implied, title="t").to_dict()["encoding"]
    fill = _fill(enc)
    assert fill["over"] < fill["implied"] < fill["published"]
    assert enc["fillOpacity"]["legend"]["values"] == ["implied", "over"]


def test_small_multiples_put_the_reference_in_every_panel_with_one_colour_per_maker():
    months = [D(2025, m, 1) for m in (1, 2, 3)]
    df = pl.DataFrame(
        {
            "entity": ["HIMA"] * 3 + ["LI_AUTO"] * 3 + ["XPENG"] * 3,
            "month": months * 3,
            "value": [30, None, 35, 20, 22, 21, 10, 11, 12],
            "qualifier": ["exact", None, "exact"] + ["exact"] * 6,
            "source_id": ["a"] * 9,
        }
    )
    spec = charts.monthly_panels(df, reference="HIMA", title="t").to_dict()
    panels = [p for row in spec["vconcat"] for p in row["hconcat"]]
    assert [p["title"]["text"] for p in panels] == ["Li Auto", "XPeng"]
    scales, lines = [], []
    for p in panels:
        line = p["layer"][0]
        scales.append(line["encoding"]["color"]["scale"])
        lines.append(line["data"]["name"])
        shown = [t["filter"]["oneOf"] for layer in p["layer"] for t in layer["transform"]]
        assert all(s == shown[0] for s in shown) and "鸿蒙智行 HIMA" in shown[0] and len(shown[0]) == 2
        # the missing February breaks the line, never bridged
        assert line["mark"]["invalid"] == "break-paths-show-domains"
    assert scales[0] == scales[1] and len(scales[0]["domain"]) == 3
    assert len(set(lines)) == 1  # one dataset for every panel: the page carries the data once


def test_bars_with_only_published_figures_carry_no_empty_key():
    exact = FRAME.with_columns(qualifier=pl.lit("exact"))
    for chart in (charts.monthly_bars(exact, title="t"), charts.bars(exact.head(2), x="entity", y="value", title="t")):
        # An empty legend has no extent: Vega would size the view as infinite and lose the axis.
        assert chart.to_dict()["encoding"]["fillOpacity"].get("legend", "absent") is None


def test_monthly_bars_stand_side_by_side_on_every_month_with_bounds_told_apart():
    """Parts on record are seldom all the parts, so bars are never stacked (a stack's top would
    read as a total); a month with no figure keeps its slot; over and under outlines differ."""
    frame = pl.concat(
        [
            FRAME,
            pl.DataFrame(
                {
                    "entity": ["AITO"],
                    "month": [D(2025, 4, 1)],  # March is missing
                    "value": [90],
                    "qualifier": ["under"],
                    "source_id": ["a"],
                }
            ),
        ]
    )
    enc = charts.monthly_bars(frame, title="t").to_dict()["encoding"]
    assert enc["y"].get("stack", "absent") is None
    assert enc["xOffset"]["field"] == "series"
    assert enc["x"]["scale"]["domain"] == ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"]
    dash = dict(zip(enc["strokeDash"]["scale"]["domain"], enc["strokeDash"]["scale"]["range"]))
    assert dash["over"] != dash["under"] and [1, 0] not in (dash["over"], dash["under"])
    series = [t for t in enc["tooltip"] if t["field"] == "series"]
    assert series == [{"field": "series", "type": "nominal", "title": "Brand"}]  # AITO and Luxeed are HIMA brands
