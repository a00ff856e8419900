"""Charts in the house style (altair) that show what the data is.

Each builder takes a tidy frame and returns an altair chart; nothing is displayed or written.
What every chart does, whatever the caller passes:

- **Gaps stay gaps.** Monthly series are put on a complete calendar per series before drawing,
  so a line breaks at a missing month and never bridges it; bars sit on a time axis, so a
  missing month or quarter is an empty slot, not a closed-up neighbour.
- **Bounds look like bounds.** A figure published as "over"/"under" is drawn as a hollow
  triangle pointing the way the true value lies (bars: a pale, dashed outline), never as a
  solid point or bar; lines join only figures that are points. The legend says which is which.
- **Tooltips** give the month, the maker, the figure as published ("> 20,000"), what kind of
  figure it is and its source.
- **Fractions** are formatted as percentages only when the caller says the unit is
  ``fraction`` (or the frame's ``unit`` column does), never by guess.
- Makers, brands and models show their display names.

:func:`theme` registers the house theme once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import polars as pl

from .. import vocabulary
from . import formatting as fmt
from .chartkit import (
    BOUND_TEST,
    FIGURE_KINDS,
    HEIGHT,
    PALETTE,
    SHAPES,
    WIDTH,
    axis_format,
    chart_title,
    colour_scale,
    dash_for,
    figure_scale,
    line_data,
    marker_layers,
    period_slots,
    prepare,
    series_title,
    theme,
    time_x,
    tooltips,
    unit_of,
)
from .names import ID_COLUMNS, name_of

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "FIGURE_KINDS",
    "PALETTE",
    "WIDTH",
    "bars",
    "monthly_bars",
    "monthly_lines",
    "monthly_panels",
    "theme",
]


# -- shared preparation ---------------------------------------------------------------------------


# -- builders ---------------------------------------------------------------------------------------


def monthly_lines(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    entity: str = "entity",
    qualifier: str = "qualifier",
    title: str,
    subtitle: str | Sequence[str] | None = None,
    y_title: str = "Vehicles per month",
    unit: str | None = None,
    signed: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
    colour: alt.Scale | None = None,
    only: Sequence[str] | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """One line per entity over months. Lines join published point figures only and break at
    every missing month; every figure is also a marker, hollow and pointing up or down for a
    bound. ``unit="fraction"`` shows percentages (the frame's ``unit`` column is used if present).
    """
    import altair as alt

    unit = unit_of(df, unit)
    data = prepare(df, value=value, period=period, entity=entity, qualifier=qualifier, unit=unit, signed=signed)
    colour = colour or colour_scale(data["_id"].to_list(), data["series"].to_list())
    shapes, legend = figure_scale(data["qualifier"].drop_nulls().unique().to_list(), SHAPES.get)
    x = time_x(months=data["x"].drop_nulls().to_list())
    line = (
        alt.Chart(line_data(data))
        .mark_line(invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("line_y:Q", title=y_title, axis=alt.Axis(format=axis_format(unit))),
            color=alt.Color("series:N", title=None, scale=colour),
        )
    )
    points = marker_layers(
        data.drop("_id", "line_y"),
        x=x,
        y=alt.Y("y:Q", title=y_title),
        colour=alt.Color("series:N", title=None, scale=colour),
        shapes=shapes,
        legend=legend,
        tooltip=tooltips("Month", "%b %Y", y_title, series_title(data["_id"].unique().to_list())),
    )
    layers = [line, *points]
    if only is not None:  # draw some series of the frame (small multiples share one dataset)
        shown = alt.FieldOneOfPredicate(field="series", oneOf=[name_of(e) for e in only])
        layers = [layer.transform_filter(shown) for layer in layers]
    return alt.layer(*layers).properties(title=chart_title(title, subtitle), width=width, height=height)


def monthly_panels(
    df: pl.DataFrame,
    *,
    reference: str,
    value: str = "value",
    entity: str = "entity",
    qualifier: str = "qualifier",
    unit: str | None = None,
    title: str,
    subtitle: str | Sequence[str] | None = None,
    y_title: str = "Vehicles per month",
    columns: int = 3,
) -> alt.VConcatChart:
    """Small multiples instead of one crowded chart: one panel per entity, each drawn as in
    :func:`monthly_lines` with the ``reference`` entity (e.g. HIMA) in the same panel, on one
    shared y scale, so every rival can be read against the reference without eight lines
    crossing. Every panel filters one shared dataset, so the page carries the data once."""
    import altair as alt

    ids = [e for e in dict.fromkeys(df[entity].cast(pl.String).to_list()) if e != reference]
    everyone = [reference, *ids]
    colour = colour_scale(everyone, [name_of(e) for e in everyone])  # one colour per maker in every panel
    width = (WIDTH - 40 * (columns - 1)) // columns
    panels = []
    for e in ids:
        chart = monthly_lines(
            df,
            only=[reference, e],
            value=value,
            entity=entity,
            qualifier=qualifier,
            unit=unit,
            title=name_of(e),
            y_title=y_title,
            width=width,
            height=200,
            colour=colour,
        )
        panels.append(chart)
    rows = [alt.hconcat(*panels[i : i + columns], spacing=40) for i in range(0, len(panels), columns)]
    return alt.vconcat(*rows, spacing=30, title=chart_title(title, subtitle)).resolve_scale(y="shared")


def _bar_fill(kind: str) -> float:
    """Fill opacity of a bar: solid for a published point, lighter for an approximate one,
    half-tone for a figure implied by published totals, nearly empty for a bound.

    >>> _bar_fill("published"), _bar_fill("about"), _bar_fill("implied"), _bar_fill("over")
    (0.95, 0.7, 0.45, 0.08)
    """
    return 0.08 if kind in ("over", "under") else 0.45 if kind == "implied" else 0.7 if kind == "about" else 0.95


def monthly_bars(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    entity: str = "entity",
    qualifier: str = "qualifier",
    title: str,
    subtitle: str | Sequence[str] | None = None,
    y_title: str = "Vehicles per month",
    order: Sequence[str] | None = None,
    unit: str | None = None,
) -> alt.Chart:
    """Monthly bars by entity, side by side in each month, never stacked: the parts on record
    are seldom all the parts (a brand split with brands missing, a bound among points), so a
    stack's top would read as a total it is not. Every month from the first to the last is a
    slot on the axis, so a month without figures is an empty slot. A bound is a hollow bar (a
    faint fill inside an outline in its series' colour: long dashes for "more than", dots for
    "less than"), named in the legend, so it never reads as another series' tint."""
    import altair as alt

    unit = unit_of(df, unit)
    data = prepare(df, value=value, period=period, entity=entity, qualifier=qualifier, unit=unit, calendar=False)
    pairs = sorted(
        dict.fromkeys(zip(data["_id"].to_list(), data["series"].to_list())),
        key=lambda p: list(order).index(p[0]) if order and p[0] in order else len(order or []),
    )
    colour = colour_scale([i for i, _ in pairs], [lab for _, lab in pairs])
    opacity, legend = figure_scale(data["qualifier"].drop_nulls().unique().to_list(), _bar_fill, fill="#fff")
    slots = period_slots(cast(dt.date, data["x"].min()), cast(dt.date, data["x"].max()), 1, None) if data.height else []
    data = data.with_columns(
        pl.Series("x_label", [fmt.fmt_month(d) for d in data["x"].to_list()], dtype=pl.String),
        pl.col("x").cast(pl.String),
    )
    return (
        alt.Chart(data.drop("_id", "line_y"))
        .mark_bar(strokeWidth=1.6)
        .encode(
            x=alt.X(
                "x_label:O",
                title=None,
                sort=slots,
                scale=alt.Scale(domain=slots, paddingInner=0.25),
                axis=alt.Axis(labelAngle=0, labelOverlap=True, values=slots[:: max(1, len(slots) // 9 + 1)]),
            ),
            xOffset=alt.XOffset("series:N", sort=[lab for _, lab in pairs]),
            y=alt.Y("y:Q", stack=None, title=y_title, axis=alt.Axis(format=axis_format(unit))),
            color=alt.Color("series:N", title=None, scale=colour),
            fillOpacity=alt.FillOpacity("qualifier:N", scale=opacity, legend=legend),
            stroke=alt.condition(BOUND_TEST, alt.Stroke("series:N", scale=colour, title=None), alt.value(None)),
            strokeDash=dash_for(data, legend),
            tooltip=[
                alt.Tooltip("x_label:N", title="Month"),
                *tooltips("Month", "%b %Y", y_title, series_title([i for i, _ in pairs]))[1:],
            ],
        )
        .properties(title=chart_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )


def bars(
    df: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    subtitle: str | Sequence[str] | None = None,
    y_title: str | None = None,
    unit: str | None = None,
    period_type: str | None = None,
    qualifier: str | None = "qualifier",
    colour: str | None = None,
) -> alt.Chart:
    """Vertical bars of ``y`` by ``x``. When ``x`` is a Date column, ``period_type`` (``Q``,
    ``H``, ``FY`` or ``M``) puts the bars on a time axis of that period, so a period that was not
    published is an empty slot; otherwise ``x`` is a category. Bounds as in
    :func:`monthly_bars`; negative values (losses) hang below zero."""
    import altair as alt

    unit = unit_of(df, unit)
    is_time = df.schema.get(x) == pl.Date
    data = prepare(df, value=y, period=x, entity=colour, qualifier=qualifier, unit=unit, calendar=False)
    opacity, legend = figure_scale(data["qualifier"].drop_nulls().unique().to_list(), _bar_fill, fill="#fff")
    if is_time:
        # Every period from the first to the last is a slot on the axis, in order; a period that
        # was not published is an empty slot.
        step = {"Q": 3, "H": 6, "FY": 12, "M": 1}.get(period_type or "M", 1)
        slots = (
            period_slots(cast(dt.date, data["x"].min()), cast(dt.date, data["x"].max()), step, period_type)
            if data.height
            else []
        )
        data = data.with_columns(
            pl.Series(
                "x_label",
                [
                    fmt.fmt_period(d, period_type=period_type or None) if period_type else fmt.fmt_month(d)
                    for d in data["x"].to_list()
                ],
                dtype=pl.String,
            )
        )
        x_enc = alt.X(
            "x_label:O",
            title=None,
            sort=slots,
            scale=alt.Scale(domain=slots),
            axis=alt.Axis(labelAngle=0, labelOverlap=True),
        )
        tip_x = alt.Tooltip("x_label:N", title="Period")
    else:
        if x in ID_COLUMNS:  # makers, brands, models: by their display names, never their ids
            data = data.with_columns(pl.col("x").cast(pl.String).map_elements(name_of, return_dtype=pl.String))
        x_enc = alt.X("x:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
        tip_x = alt.Tooltip("x:N", title=vocabulary.label("column", x))
    enc: dict[str, Any] = {
        "x": x_enc,
        "y": alt.Y("y:Q", title=y_title or y, axis=alt.Axis(format=axis_format(unit))),
        "fillOpacity": alt.FillOpacity("qualifier:N", scale=opacity, legend=legend),
        "strokeDash": dash_for(data, legend),
        "tooltip": [
            tip_x,
            alt.Tooltip("shown:N", title=y_title or y),
            alt.Tooltip("figure:N", title="Figure"),
            alt.Tooltip("source:N", title="Source"),
        ],
    }
    if colour:
        scale = colour_scale(data["_id"].to_list(), data["series"].to_list())
        enc["color"] = alt.Color("series:N", title=None, scale=scale)
        enc["stroke"] = alt.condition(BOUND_TEST, alt.Stroke("series:N", scale=scale, title=None), alt.value(None))
    else:  # one colour, as a one-value scale (a constant colour would also fill the legend's hollow key)
        data = data.with_columns(pl.lit("one").alias("_colour"))
        one = alt.Scale(domain=["one"], range=[PALETTE["HIMA"]])
        enc["color"] = alt.Color("_colour:N", scale=one, legend=None)
        enc["stroke"] = alt.condition(BOUND_TEST, alt.value(PALETTE["HIMA"]), alt.value(None))
    if is_time:
        data = data.with_columns(pl.col("x").cast(pl.String))
    return (
        alt.Chart(data.drop("_id", "line_y"))
        .mark_bar(strokeWidth=1.2)
        .encode(**enc)
        .properties(title=chart_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )
