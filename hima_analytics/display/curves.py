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
    FALLBACK_COLOURS,
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
    alternatives: pl.DataFrame | None = None,
    implied: pl.DataFrame | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """History as a line (gaps kept), the forecast mean dashed with its prediction interval as a
    band, and any published figures for the forecast months (``actuals``, e.g. brand figures
    that bound the total) as markers. Volumes cannot be negative, so a band whose lower end is
    below zero is drawn from zero, and the subtitle says so.

    An indicative outlook passes ``alternatives`` (``model``, ``month``, ``mean``: one coloured
    marker per model, in the legend) and an empty ``forecast``; ``implied`` (``month``,
    ``implied_low``, ``implied_high``, ``label``) draws a range as a grey bar, also in the legend.
    The month axis runs one month past the last point drawn, so no marker sits on the edge."""
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
    months = [*hist["x"].to_list(), *forecast["month"].to_list()]
    for extra in (alternatives, implied, actuals):
        if extra is not None and extra.height:
            months += extra[period if period in extra.columns else "month"].to_list()
    x = _padded_x([m for m in months if m is not None])
    h_line = (
        alt.Chart(line_data(hist))
        .mark_line(color=PALETTE["HIMA"], invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("line_y:Q", title="Vehicles per month", axis=alt.Axis(format=",.0f")),
        )
    )
    shapes, legend = figure_scale(_figure_kinds(hist, actuals, qualifier), SHAPES.get)
    h_pts = marker_layers(
        hist.drop("_id", "line_y"),
        x=x,
        y="y:Q",
        colour=alt.value(PALETTE["HIMA"]),
        shapes=shapes,
        legend=legend,
        size=45,
        tooltip=tooltips("Month", "%b %Y", "Published"),
    )
    layers: list = [h_line, *h_pts]
    if f.height:
        band, mean = _band_layers(f)
        layers = [band, *layers, mean]
    if (alternatives is not None and alternatives.height) or (implied is not None and implied.height):
        layers += _indicative_layers(alternatives, implied, x)
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


def _padded_x(months: list) -> alt.X:
    """A month axis from the first month drawn to one month past the last, so the last markers
    are whole and not clipped at the right edge."""
    import datetime as dt

    import altair as alt

    if not months:
        return alt.X("x:T", title=None, axis=month_axis())
    first, last = min(months), max(months)
    start = dt.date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 15)
    end = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 15)
    return alt.X("x:T", title=None, axis=month_axis(), scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]))


IMPLIED_COLOUR = "#9a9a9a"


def _indicative_layers(alternatives: pl.DataFrame | None, implied: pl.DataFrame | None, x: alt.X) -> list:
    """The indicative values as coloured markers (one per model) and the implied range as a grey
    bar, sharing one legend."""
    import altair as alt

    alts = (
        alternatives.select(pl.col("month").alias("x"), pl.col("mean").alias("y"), pl.col("model").alias("series"))
        if alternatives is not None and alternatives.height
        else pl.DataFrame(schema={"x": pl.Date, "y": pl.Float64, "series": pl.String})
    )
    alts = alts.with_columns(pl.Series("shown", [fmt.fmt_int(v) for v in alts["y"].to_list()], dtype=pl.String))
    imp = (
        implied.select(
            pl.col("month").alias("x"),
            pl.col("implied_low").alias("lo"),
            pl.col("implied_high").alias("hi"),
            pl.col("label").alias("series"),
        ).filter(pl.col("lo").is_not_null() & pl.col("hi").is_not_null())
        if implied is not None and implied.height
        else pl.DataFrame(schema={"x": pl.Date, "lo": pl.Float64, "hi": pl.Float64, "series": pl.String})
    )
    models = alts["series"].to_list()
    labels = imp["series"].unique(maintain_order=True).to_list()
    palette = [c for c in FALLBACK_COLOURS if c not in ("#E45756", "#BAB0AC")]  # not the history's red, not grey
    colours = [palette[n % len(palette)] for n in range(len(models))]
    scale = alt.Scale(domain=[*models, *labels], range=[*colours, *[IMPLIED_COLOUR] * len(labels)])
    legend = alt.Legend(title=None, orient="bottom", columns=2, symbolType="circle", symbolOpacity=1)
    layers = []
    if imp.height:
        layers.append(
            alt.Chart(imp)
            .mark_rule(strokeWidth=14, opacity=0.45)
            .encode(
                x=x,
                y="lo:Q",
                y2="hi:Q",
                color=alt.Color("series:N", scale=scale, legend=legend),
                tooltip=[
                    alt.Tooltip("series:N", title="Range"),
                    alt.Tooltip("lo:Q", format=",.0f", title="Low"),
                    alt.Tooltip("hi:Q", format=",.0f", title="High"),
                ],
            )
        )
    if alts.height:
        layers.append(
            alt.Chart(alts)
            .mark_point(size=110, filled=True, opacity=0.95, stroke="#222", strokeWidth=0.8)
            .encode(
                x=x,
                y="y:Q",
                color=alt.Color("series:N", scale=scale, legend=legend),
                tooltip=[alt.Tooltip("series:N", title="Model"), alt.Tooltip("shown:N", title="Indicative value")],
            )
        )
    return layers
