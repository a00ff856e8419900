"""Curves: cumulative ramp-ups since launch, and forecasts with their intervals against the
published record. Same house rules as :mod:`~.charts`: gaps stay gaps and bounds look like bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from ..vocabulary import counted
from . import formatting as fmt
from .chartkit import (
    HEIGHT,
    PALETTE,
    SHAPES,
    WIDTH,
    chart_title,
    colour_scale,
    figure_scale,
    line_data,
    marker_layers,
    month_axis,
    prepare,
    tooltips,
)


def ramp_curves(
    df: pl.DataFrame,
    *,
    value: str = "cumulative",
    months: str = "months_since_launch",
    entity: str = "entity",
    qualifier: str = "cumulative_qualifier",
    title: str,
    subtitle: str | Sequence[str] | None = None,
    y_title: str = "Cumulative deliveries",
) -> alt.LayerChart | alt.FacetChart:
    """Cumulative volume against months since launch, one line per model; a curve stops at its
    first gap (the cumulative total is null from there) and bounds are hollow markers."""
    import altair as alt

    data = prepare(
        df.rename({months: "_m"}),
        value=value,
        period="_m",
        entity=entity,
        qualifier=qualifier,
        unit=None,
        calendar=False,
    )
    colour = colour_scale(data["_id"].to_list(), data["series"].to_list())
    shapes, legend = figure_scale(data["qualifier"].drop_nulls().unique().to_list(), SHAPES.get)
    x = alt.X("x:Q", title="Months since the first published month", axis=alt.Axis(tickMinStep=1, format="d"))
    line = (
        alt.Chart(line_data(data))
        .mark_line(invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("line_y:Q", title=y_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", title=None, scale=colour),
        )
    )
    points = marker_layers(
        data.drop("_id", "line_y"),
        x=x,
        y="y:Q",
        colour=alt.Color("series:N", title=None, scale=colour),
        shapes=shapes,
        legend=legend,
        size=50,
        tooltip=[
            alt.Tooltip("series:N", title="Model"),
            alt.Tooltip("x:Q", title="Months since start"),
            alt.Tooltip("shown:N", title=y_title),
            alt.Tooltip("figure:N", title="Figure"),
        ],
    )
    return alt.layer(line, *points).properties(title=chart_title(title, subtitle), width=WIDTH, height=HEIGHT)


def band_forecast(
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    *,
    title: str,
    subtitle: str | Sequence[str] | None = None,
    value: str = "value",
    period: str = "month",
    actuals: pl.DataFrame | None = None,
    qualifier: str = "qualifier",
) -> alt.LayerChart | alt.FacetChart:
    """History as a line (gaps kept), the forecast mean dashed with its prediction interval as a
    band, and any published figures for the forecast months (``actuals``, e.g. brand figures
    that bound the total) as markers. Volumes cannot be negative, so a band whose lower end is
    below zero is drawn from zero, and the subtitle says so."""
    import altair as alt

    hist = _history_points(history, value=value, period=period, qualifier=qualifier)
    truncated = forecast.filter(pl.col("lower") < 0).height
    f = _band_data(forecast)
    subs = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    if truncated:
        subs.append(
            f"The interval's lower end is below zero in {counted(truncated, 'month')}; it is drawn from zero "
            "(the model's own lower end is in the tooltip and the download)."
        )
    h_line = (
        alt.Chart(line_data(hist))
        .mark_line(color=PALETTE["HIMA"], invalid="break-paths-show-domains")
        .encode(
            x=alt.X("x:T", title=None, axis=month_axis()),
            y=alt.Y("line_y:Q", title="Vehicles per month", axis=alt.Axis(format=",.0f")),
        )
    )
    shapes, legend = figure_scale(_figure_kinds(hist, actuals, qualifier), SHAPES.get)
    h_pts = marker_layers(
        hist.drop("_id", "line_y"),
        x="x:T",
        y="y:Q",
        colour=alt.value(PALETTE["HIMA"]),
        shapes=shapes,
        legend=legend,
        size=45,
        tooltip=tooltips("Month", "%b %Y", "Published"),
    )
    band, mean = _band_layers(f)
    layers = [band, h_line, *h_pts, mean]
    if actuals is not None and actuals.height:
        layers.append(_actuals_layer(actuals, value=value, period=period, qualifier=qualifier, shapes=shapes))
    return alt.layer(*layers).properties(title=chart_title(title, subs), width=WIDTH, height=HEIGHT)


def _history_points(history: pl.DataFrame, *, value: str, period: str, qualifier: str) -> pl.DataFrame:
    """The history prepared for plotting, as one HIMA series when it has no ``entity`` column."""
    return prepare(
        history.with_columns(pl.lit("HIMA" if "entity" not in history.columns else None).alias("_e"))
        if "entity" not in history.columns
        else history,
        value=value,
        period=period,
        entity="entity" if "entity" in history.columns else "_e",
        qualifier=qualifier,
        unit=None,
    )


def _band_data(forecast: pl.DataFrame) -> pl.DataFrame:
    """The forecast months with the band's lower end clipped at zero and the tooltip texts."""
    f = forecast.select(
        pl.col("month").alias("x"),
        "mean",
        pl.col("lower").clip(lower_bound=0).alias("lower"),
        "upper",
        pl.col("lower").alias("lower_model"),
    )
    return f.with_columns(
        pl.Series("mean_shown", [fmt.fmt_int(v) for v in f["mean"].to_list()], dtype=pl.String),
        pl.Series(
            "interval",
            [
                f"{fmt.fmt_int(lo)} to {fmt.fmt_int(hi)}"
                for lo, hi in zip(f["lower_model"].to_list(), f["upper"].to_list())
            ],
            dtype=pl.String,
        ),
    )


def _figure_kinds(hist: pl.DataFrame, actuals: pl.DataFrame | None, qualifier: str) -> list[str]:
    """The kinds of figure the markers show: the history's qualifiers, then the actuals' (as published)."""
    kinds = hist["qualifier"].drop_nulls().unique().to_list()
    if actuals is not None:
        kinds += (
            actuals[qualifier]
            .cast(pl.String)
            .replace({"exact": "published", "rounded": "published", "about": "published"})
            .to_list()
            if qualifier in actuals.columns
            else ["published"]
        )
    return kinds


def _band_layers(f: pl.DataFrame) -> tuple[alt.Chart, alt.Chart]:
    """The shaded prediction interval and the dashed forecast mean with its tooltip."""
    import altair as alt

    band = alt.Chart(f).mark_area(opacity=0.2, color="#555").encode(x="x:T", y="lower:Q", y2="upper:Q")
    mean = (
        alt.Chart(f)
        .mark_line(strokeDash=[5, 4], color="#333", point=alt.OverlayMarkDef(color="#333", size=30))
        .encode(
            x="x:T",
            y="mean:Q",
            tooltip=[
                alt.Tooltip("x:T", format="%b %Y", title="Month"),
                alt.Tooltip("mean_shown:N", title="Forecast"),
                alt.Tooltip("interval:N", title="Interval"),
            ],
        )
    )
    return band, mean


def _actuals_layer(actuals: pl.DataFrame, *, value: str, period: str, qualifier: str, shapes: alt.Scale) -> alt.Chart:
    """Published figures for the forecast months as black markers, shaped by qualifier."""
    import altair as alt

    act = prepare(actuals, value=value, period=period, entity="entity", qualifier=qualifier, unit=None, calendar=False)
    return (
        alt.Chart(act.drop("_id", "line_y"))
        .mark_point(size=70, strokeWidth=2, color="#000")
        .encode(
            x="x:T",
            y="y:Q",
            shape=alt.Shape("qualifier:N", scale=shapes, legend=None),
            tooltip=tooltips("Month", "%b %Y", "Published since"),
        )
    )
