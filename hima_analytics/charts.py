"""Charts in the house style (altair).

Each builder takes a tidy frame and returns an ``alt.Chart``; nothing is displayed or written.
:func:`theme` registers the house theme once. Ratios arrive as fractions and are formatted as
percentages here, in the display layer. Missing months stay gaps: lines break rather than
bridge a hole, and bars are simply absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

#: One colour per HIMA brand, then the rivals; stable across every report.
PALETTE = {
    "HIMA": "#C7000B", "AITO": "#1F4E79", "LUXEED": "#2E86AB", "STELATO": "#8E6C8A", "MAEXTRO": "#B8860B",
    "SHANGJIE": "#3B8B5A", "LI_AUTO": "#5B5B5B", "NIO_INC": "#00A3AD", "XPENG": "#7A9A01", "LEAPMOTOR": "#8C564B",
    "XIAOMI": "#F2A900", "ZEEKR": "#4B4E6D", "AVATR": "#6D597A", "BYD": "#A23B72", "VOYAH": "#9C6644",
    "TESLA_CHINA": "#CC0000",
}
FONT = "Helvetica Neue, Helvetica, Arial, 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
WIDTH = 720


def theme() -> None:
    """Register and enable the house altair theme (idempotent)."""
    import altair as alt

    @alt.theme.register("hima", enable=True)
    def _hima() -> alt.theme.ThemeConfig:
        return {
            "config": {
                "font": FONT,
                "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
                "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
                         "gridColor": "#e6e6e6", "domainColor": "#999", "tickColor": "#999"},
                "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "columns": 6},
                "title": {"fontSize": 15, "anchor": "start", "fontWeight": 600, "subtitleColor": "#555",
                          "subtitleFontSize": 12},
                "line": {"strokeWidth": 2},
                "point": {"size": 30},
            }
        }


def _colour(entities: Sequence[str]) -> alt.Scale:
    import altair as alt

    domain = list(dict.fromkeys(entities))
    fallback = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D", "#BAB0AC"]
    rng = [PALETTE.get(e, fallback[i % len(fallback)]) for i, e in enumerate(domain)]
    return alt.Scale(domain=domain, range=rng)


def _month_axis() -> alt.Axis:
    """Month ticks only (every quarter), labelled YYYY-MM: no duplicate labels between months."""
    import altair as alt

    return alt.Axis(format="%Y-%m", tickCount={"interval": "month", "step": 3}, labelOverlap=True)


def _prepare(df: pl.DataFrame, entity: str) -> pl.DataFrame:
    return df.with_columns(pl.col(entity).cast(pl.String)) if entity in df.columns else df


def _title(title: str, subtitle: str | None) -> alt.TitleParams:
    import altair as alt

    return alt.TitleParams(title, subtitle=[subtitle] if subtitle else [])


def monthly_lines(df: pl.DataFrame, *, value: str = "value", month: str = "month", entity: str = "entity",
                  title: str, subtitle: str | None = None, y_title: str = "Vehicles per month",
                  percent: bool = False) -> alt.Chart:
    """One line per entity over months; gaps in the data break the line (nothing is bridged).

    ``percent`` formats a fraction axis as a percentage.
    """
    import altair as alt

    data = _prepare(df, entity).select(month, entity, value)
    fmt = ".0%" if percent else ",.0f"
    base = alt.Chart(data).encode(
        x=alt.X(f"{month}:T", title=None, axis=_month_axis()),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=fmt)),
        color=alt.Color(f"{entity}:N", title=None, scale=_colour(data[entity].unique(maintain_order=True).to_list())),
        tooltip=[alt.Tooltip(f"{month}:T", format="%Y-%m", title="month"), alt.Tooltip(f"{entity}:N", title="entity"),
                 alt.Tooltip(f"{value}:Q", format=",.1%" if percent else ",.0f", title=y_title)],
    )
    # Null values break the line: a missing month shows as a gap, never as a bridged segment.
    return (base.mark_line(point=True, invalid="break-paths-show-domains")
            .properties(title=_title(title, subtitle), width=WIDTH))


def stacked_bars(df: pl.DataFrame, *, value: str = "value", month: str = "month", entity: str = "entity",
                 title: str, subtitle: str | None = None, y_title: str = "Vehicles per month",
                 normalize: bool = False, order: Sequence[str] | None = None) -> alt.Chart:
    """Monthly stacked bars by entity (``normalize`` shows each month's mix as shares)."""
    import altair as alt

    data = _prepare(df, entity).select(month, entity, value).filter(pl.col(value).is_not_null())
    domain = list(order) if order else data[entity].unique(maintain_order=True).to_list()
    stack = "normalize" if normalize else "zero"
    return alt.Chart(data).mark_bar().encode(
        x=alt.X(f"yearmonth({month}):O", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=-45)),
        y=alt.Y(f"sum({value}):Q", stack=stack, title="Share of month" if normalize else y_title,
                axis=alt.Axis(format=".0%" if normalize else ",.0f")),
        color=alt.Color(f"{entity}:N", title=None, scale=_colour(domain), sort=domain),
        order=alt.Order(f"{entity}:N"),
        tooltip=[alt.Tooltip(f"yearmonth({month}):O", title="month"), alt.Tooltip(f"{entity}:N", title="entity"),
                 alt.Tooltip(f"sum({value}):Q", format=",.0f", title="vehicles")],
    ).properties(title=_title(title, subtitle), width=WIDTH)


def bars(df: pl.DataFrame, *, x: str, y: str, title: str, subtitle: str | None = None, y_title: str | None = None,
         percent: bool = False, colour: str | None = None, sort: Sequence[str] | None = None) -> alt.Chart:
    """Simple vertical bars of ``y`` by category or period ``x``."""
    import altair as alt

    data = df.select([c for c in dict.fromkeys([x, y, colour]) if c]).with_columns(
        pl.col(x).cast(pl.String) if df.schema[x] != pl.Date else pl.col(x))
    enc = {
        "x": alt.X(f"{x}:{'T' if df.schema[x] == pl.Date else 'N'}", title=None, sort=list(sort) if sort else None),
        "y": alt.Y(f"{y}:Q", title=y_title or y, axis=alt.Axis(format=".0%" if percent else ",.0f")),
        "tooltip": [alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:Q", format=",.1%" if percent else ",.0f")],
    }
    if colour:
        c = data.with_columns(pl.col(colour).cast(pl.String))[colour].unique(maintain_order=True).to_list()
        enc["color"] = alt.Color(f"{colour}:N", title=None, scale=_colour(c))
        data = data.with_columns(pl.col(colour).cast(pl.String))
    else:
        enc["color"] = alt.value(PALETTE["HIMA"])
    return alt.Chart(data).mark_bar().encode(**enc).properties(title=_title(title, subtitle), width=WIDTH)


def ramp_curves(df: pl.DataFrame, *, value: str = "cumulative", months: str = "months_since_launch",
                entity: str = "entity", title: str, subtitle: str | None = None,
                y_title: str = "Cumulative deliveries") -> alt.Chart:
    """Cumulative volume against months since launch, one line per model."""
    import altair as alt

    data = _prepare(df, entity).select(months, entity, value)
    return alt.Chart(data).mark_line(point=True, invalid="break-paths-show-domains").encode(
        x=alt.X(f"{months}:Q", title="Months since first deliveries"),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color(f"{entity}:N", title=None, scale=_colour(data[entity].unique(maintain_order=True).to_list())),
        tooltip=[alt.Tooltip(f"{entity}:N"), alt.Tooltip(f"{months}:Q"), alt.Tooltip(f"{value}:Q", format=",.0f")],
    ).properties(title=_title(title, subtitle), width=WIDTH)


def band_forecast(history: pl.DataFrame, forecast: pl.DataFrame, *, title: str, subtitle: str | None = None,
                  value: str = "value", month: str = "month") -> alt.Chart:
    """History as a line, forecast mean as a dashed line with its prediction interval as a band.

    ``forecast`` has ``month``, ``mean``, ``lower`` and ``upper``. Volumes cannot be negative,
    so the band is drawn from zero where the interval's lower bound is below it. Pass
    ``history`` on a complete calendar (nulls for missing months) so gaps stay gaps.
    """
    import altair as alt

    h = alt.Chart(history.select(month, value)).mark_line(point=True, color=PALETTE["HIMA"],
                                                          invalid="break-paths-show-domains").encode(
        x=alt.X(f"{month}:T", title=None, axis=_month_axis()),
        y=alt.Y(f"{value}:Q", title="Vehicles per month", axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip(f"{month}:T", format="%Y-%m"), alt.Tooltip(f"{value}:Q", format=",.0f")])
    f = forecast.select(month, "mean", pl.col("lower").clip(lower_bound=0), "upper")
    band = alt.Chart(f).mark_area(opacity=0.2, color="#555").encode(x=f"{month}:T", y="lower:Q", y2="upper:Q")
    mean = alt.Chart(f).mark_line(strokeDash=[5, 4], color="#333").encode(
        x=f"{month}:T", y="mean:Q",
        tooltip=[alt.Tooltip(f"{month}:T", format="%Y-%m"), alt.Tooltip("mean:Q", format=",.0f"),
                 alt.Tooltip("lower:Q", format=",.0f"), alt.Tooltip("upper:Q", format=",.0f")])
    return (band + h + mean).properties(title=_title(title, subtitle), width=WIDTH)
