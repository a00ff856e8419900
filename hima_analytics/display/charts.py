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

from ..errors import MixedSeriesError
from . import formatting as fmt
from .names import name_of

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "FIGURE_KINDS",
    "PALETTE",
    "WIDTH",
    "band_forecast",
    "bars",
    "monthly_bars",
    "monthly_lines",
    "ramp_curves",
    "theme",
]

#: One colour per HIMA brand, then the rivals; stable across every report.
PALETTE = {
    "HIMA": "#C7000B",
    "AITO": "#1F4E79",
    "LUXEED": "#2E86AB",
    "STELATO": "#8E6C8A",
    "MAEXTRO": "#B8860B",
    "SHANGJIE": "#3B8B5A",
    "LI_AUTO": "#5B5B5B",
    "NIO_INC": "#00A3AD",
    "XPENG": "#7A9A01",
    "LEAPMOTOR": "#8C564B",
    "XIAOMI": "#F2A900",
    "ZEEKR": "#4B4E6D",
    "AVATR": "#6D597A",
    "BYD": "#A23B72",
    "VOYAH": "#9C6644",
    "TESLA_CHINA": "#CC0000",
    "SERES_GROUP": "#1F4E79",
}
_FALLBACK = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D", "#BAB0AC"]
FONT = "Helvetica Neue, Helvetica, Arial, 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
#: Chart width in pixels: the report's content width.
WIDTH = 980
HEIGHT = 320
#: What a figure is (the chart's ``qualifier`` field: the published qualifier reduced to these
#: four), and how the legend and tooltip name it.
FIGURE_KINDS = {
    "published": "Published figure",
    "implied": "Implied by published totals",
    "over": "Lower bound (more than)",
    "under": "Upper bound (less than)",
}
_SHAPES = {"published": "circle", "implied": "diamond", "over": "triangle-up", "under": "triangle-down"}
_LEGEND_LABELS = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in FIGURE_KINDS.items()) + " : datum.label"
_BOUND_TEST = "datum.qualifier == 'over' || datum.qualifier == 'under'"


def theme() -> None:
    """Register and enable the house altair theme (idempotent)."""
    import altair as alt

    @alt.theme.register("hima", enable=True)
    def _hima() -> alt.theme.ThemeConfig:
        return {
            "config": {
                "font": FONT,
                "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
                "axis": {
                    "labelFontSize": 11,
                    "titleFontSize": 12,
                    "titleFontWeight": "normal",
                    "gridColor": "#e6e6e6",
                    "domainColor": "#999",
                    "tickColor": "#999",
                },
                "legend": {
                    "labelFontSize": 11,
                    "titleFontSize": 12,
                    "orient": "bottom",
                    "columns": 6,
                    "labelLimit": 260,
                },
                "title": {
                    "fontSize": 15,
                    "anchor": "start",
                    "fontWeight": 600,
                    "subtitleColor": "#555",
                    "subtitleFontSize": 12,
                },
                "line": {"strokeWidth": 2},
                "point": {"size": 40},
            }
        }


# -- shared preparation ---------------------------------------------------------------------------


def _unit_of(df: pl.DataFrame, unit: str | None) -> str | None:
    if unit is not None or "unit" not in df.columns:
        return unit
    units = df["unit"].drop_nulls().cast(pl.String).unique().to_list()
    if len(units) > 1:
        raise MixedSeriesError(
            f"chart: the frame mixes units {sorted(units)}; one chart shows one unit. "
            "Hint: filter to one unit, or draw one chart per unit."
        )
    return units[0] if units else None


def _kind(qualifier: pl.Expr) -> pl.Expr:
    q = qualifier.cast(pl.String)
    return pl.when(q.is_in(["over", "under", "implied"])).then(q).otherwise(pl.lit("published"))


def _source_labels(ids: Sequence[str]) -> dict[str, str]:
    from ..catalog import load

    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = load("sources").filter(pl.col("source_id").is_in(wanted)).select("source_id", "publisher", "published")
    return {sid: f"{pub}, {fmt.fmt_date(d) if d else 'undated'}" for sid, pub, d in rows.iter_rows()}


def _text(values: pl.Series, quals: pl.Series, kind: fmt.Kind, unit: str | None, signed: bool) -> list[str]:
    return [fmt.fmt_q(v, q, kind=kind, unit=unit, signed=signed) for v, q in zip(values.to_list(), quals.to_list())]


def _value_kind(unit: str | None) -> fmt.Kind:
    return "pct" if unit == "fraction" else "money" if unit in ("CNY_mn", "CNY", "USD_mn") else "int"


def _prepare(
    df: pl.DataFrame,
    *,
    value: str,
    period: str | None,
    entity: str | None,
    qualifier: str | None,
    unit: str | None,
    signed: bool = False,
    calendar: bool = True,
) -> pl.DataFrame:
    """Columns the chart encodes: ``x``, ``series`` (display name), ``_id``, ``y``, ``line_y``
    (only points, for lines), ``figure`` (kind), ``shown`` (formatted), ``source``."""
    from ..metrics.missing import complete_months

    qcol = qualifier if qualifier and qualifier in df.columns else None
    cols = [c for c in dict.fromkeys([period, entity, value, qcol, "source_id"]) if c and c in df.columns]
    data = df.select(cols)
    if entity:
        data = data.with_columns(pl.col(entity).cast(pl.String))
    data = data.filter(pl.col(value).is_not_null()) if not calendar else data
    if calendar and period and data.schema.get(period) == pl.Date and data.height:
        lo, hi = data[period].min(), data[period].max()
        known = data.filter(pl.col(value).is_not_null())
        # Every series on the window the caller passed (empty months at either end included).
        if known.height:
            data = complete_months(
                known, period=period, by=[entity] if entity else [], start=cast(dt.date, lo), end=cast(dt.date, hi)
            )
    q = pl.col(qcol).cast(pl.String) if qcol else pl.lit("exact")
    sources = _source_labels(data["source_id"].drop_nulls().to_list()) if "source_id" in data.columns else {}
    out = data.with_columns(
        q.alias("_q"),
        (pl.col(entity).map_elements(name_of, return_dtype=pl.String) if entity else pl.lit("")).alias("series"),
        (pl.col(entity) if entity else pl.lit("")).alias("_id"),
        pl.col(value).cast(pl.Float64).alias("y"),
        (
            pl.col("source_id").replace_strict(sources, default="", return_dtype=pl.String)
            if "source_id" in data.columns
            else pl.lit("")
        ).alias("source"),
    )
    out = out.with_columns(
        pl.when(pl.col("y").is_not_null()).then(_kind(pl.col("_q"))).alias("qualifier"),
        pl.when(pl.col("_q").is_null() | ~pl.col("_q").is_in(["over", "under"])).then(pl.col("y")).alias("line_y"),
    )
    shown = _text(out["y"], out["_q"], _value_kind(unit), unit, signed)
    out = out.with_columns(
        pl.Series("shown", shown, dtype=pl.String),
        pl.col("qualifier").replace_strict(FIGURE_KINDS, default=None, return_dtype=pl.String).alias("figure"),
    )
    if period:
        out = out.rename({period: "x"}) if period != "x" else out
    return out.drop("_q")


def _colour(ids: Sequence[str], labels: Sequence[str]) -> alt.Scale:
    import altair as alt

    pairs = list(dict.fromkeys(zip(ids, labels)))
    rng = [PALETTE.get(i, _FALLBACK[n % len(_FALLBACK)]) for n, (i, _) in enumerate(pairs)]
    return alt.Scale(domain=[lab for _, lab in pairs], range=rng)


def _axis_format(unit: str | None) -> str:
    return ".0%" if unit == "fraction" else ",.0f"


def _title(title: str, subtitle: str | Sequence[str] | None) -> alt.TitleParams:
    import altair as alt

    subs = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    return alt.TitleParams(title, subtitle=subs)


def _time_x(field: str = "x:T") -> alt.X:
    """A month axis with a little room at both ends, so the first and last markers are whole."""
    import altair as alt

    return alt.X(field, title=None, axis=_month_axis(), scale=alt.Scale(padding=14))


def _month_axis() -> alt.Axis:
    import altair as alt

    return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3}, labelOverlap=True, labelAngle=0)


def _figure_scale(present: Sequence[str], range_of) -> tuple[alt.Scale, alt.Legend]:
    """A scale over the kinds of figure present, and a legend that names them."""
    import altair as alt

    order = [k for k in FIGURE_KINDS if k in present]
    return (
        alt.Scale(domain=order, range=[range_of(k) for k in order]),
        alt.Legend(
            title=None,
            values=order,
            labelExpr=_LEGEND_LABELS,
            orient="bottom",
            symbolStrokeColor="#444",
            symbolStrokeWidth=1.5,
        ),
    )


def _marker_layers(
    data: pl.DataFrame, *, x: Any, y: Any, colour: Any, shapes: Any, legend: Any, tooltip: list[Any], size: int = 55
) -> list[Any]:
    """Markers for every figure: filled for points, hollow (white inside) for bounds; one shape
    legend across both."""
    import altair as alt

    known = data.filter(pl.col("y").is_not_null())
    bounds = pl.col("qualifier").is_in(["over", "under"])
    layers = []
    for subset, filled in ((known.filter(~bounds), True), (known.filter(bounds), False)):
        if subset.is_empty():
            continue
        mark = (
            alt.Chart(subset).mark_point(size=size, strokeWidth=1.6, filled=True)
            if filled
            else alt.Chart(subset).mark_point(size=size, strokeWidth=1.6, filled=False, fill="white")
        )
        enc: dict[str, Any] = {
            "x": x,
            "y": y,
            "shape": alt.Shape("qualifier:N", scale=shapes, legend=legend),
            "tooltip": tooltip,
        }
        if colour is not None:
            enc["color"] = colour
        layers.append(mark.encode(**enc))
    return layers


def _dash(data: pl.DataFrame, legend: Any) -> Any:
    """Dashed outlines for bounds, by the same field as the opacity (one merged legend)."""
    import altair as alt

    order = [k for k in FIGURE_KINDS if k in data["qualifier"].drop_nulls().unique().to_list()]
    return alt.StrokeDash(
        "qualifier:N",
        scale=alt.Scale(domain=order, range=[[3, 2] if k in ("over", "under") else [1, 0] for k in order]),
        legend=legend,
    )


def _line_data(data: pl.DataFrame) -> pl.DataFrame:
    """What a line layer needs: no qualifier (lines join points only)."""
    return data.select("x", "series", "line_y")


def _tooltips(x_title: str, x_format: str | None, y_title: str) -> list[Any]:
    import altair as alt

    x = alt.Tooltip("x:T", title=x_title, format=x_format) if x_format else alt.Tooltip("x:N", title=x_title)
    return [
        x,
        alt.Tooltip("series:N", title="Maker"),
        alt.Tooltip("shown:N", title=y_title),
        alt.Tooltip("figure:N", title="Figure"),
        alt.Tooltip("source:N", title="Source"),
    ]


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
) -> alt.LayerChart | alt.FacetChart:
    """One line per entity over months. Lines join published point figures only and break at
    every missing month; every figure is also a marker, hollow and pointing up or down for a
    bound. ``unit="fraction"`` shows percentages (the frame's ``unit`` column is used if present).
    """
    import altair as alt

    unit = _unit_of(df, unit)
    data = _prepare(df, value=value, period=period, entity=entity, qualifier=qualifier, unit=unit, signed=signed)
    colour = _colour(data["_id"].to_list(), data["series"].to_list())
    shapes, legend = _figure_scale(data["qualifier"].drop_nulls().unique().to_list(), _SHAPES.get)
    x = _time_x()
    line = (
        alt.Chart(_line_data(data))
        .mark_line(invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("line_y:Q", title=y_title, axis=alt.Axis(format=_axis_format(unit))),
            color=alt.Color("series:N", title=None, scale=colour),
        )
    )
    points = _marker_layers(
        data.drop("_id", "line_y"),
        x=x,
        y=alt.Y("y:Q", title=y_title),
        colour=alt.Color("series:N", title=None, scale=colour),
        shapes=shapes,
        legend=legend,
        tooltip=_tooltips("Month", "%b %Y", y_title),
    )
    return alt.layer(line, *points).properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)


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
    """Monthly stacked bars by entity on a time axis: a month without figures is an empty slot.
    A bound is a pale bar with a dashed outline, named in the legend."""
    import altair as alt

    unit = _unit_of(df, unit)
    data = _prepare(df, value=value, period=period, entity=entity, qualifier=qualifier, unit=unit, calendar=False)
    if order:
        rank = {e: i for i, e in enumerate(order)}
        data = data.with_columns(
            pl.col("_id").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("stack_order")
        )
    else:
        data = data.with_columns(pl.col("series").rank("dense").cast(pl.Int64).alias("stack_order"))
    pairs = sorted(
        dict.fromkeys(zip(data["_id"].to_list(), data["series"].to_list())),
        key=lambda p: list(order).index(p[0]) if order and p[0] in order else len(order or []),
    )
    colour = _colour([i for i, _ in pairs], [lab for _, lab in pairs])
    opacity, legend = _figure_scale(
        data["qualifier"].drop_nulls().unique().to_list(), lambda k: 0.3 if k in ("over", "under") else 0.95
    )
    return (
        alt.Chart(data.drop("_id", "line_y"))
        .mark_bar(strokeWidth=1.2)
        .encode(
            x=_time_x("yearmonth(x):T"),
            y=alt.Y("y:Q", stack="zero", title=y_title, axis=alt.Axis(format=_axis_format(unit))),
            color=alt.Color("series:N", title=None, scale=colour),
            opacity=alt.Opacity("qualifier:N", scale=opacity, legend=legend),
            stroke=alt.condition(_BOUND_TEST, alt.value("#333"), alt.value(None)),
            strokeDash=_dash(data, legend),
            order=alt.Order("stack_order:Q"),
            tooltip=_tooltips("Month", "%b %Y", y_title),
        )
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
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

    unit = _unit_of(df, unit)
    is_time = df.schema.get(x) == pl.Date
    data = _prepare(df, value=y, period=x, entity=colour, qualifier=qualifier, unit=unit, calendar=False)
    opacity, legend = _figure_scale(
        data["qualifier"].drop_nulls().unique().to_list(), lambda k: 0.3 if k in ("over", "under") else 0.95
    )
    if is_time:
        # Every period from the first to the last is a slot on the axis, in order; a period that
        # was not published is an empty slot.
        step = {"Q": 3, "H": 6, "FY": 12, "M": 1}.get(period_type or "M", 1)
        slots = (
            _period_slots(cast(dt.date, data["x"].min()), cast(dt.date, data["x"].max()), step, period_type)
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
        x_enc = alt.X("x:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
        tip_x = alt.Tooltip("x:N", title=x)
    enc: dict[str, Any] = {
        "x": x_enc,
        "y": alt.Y("y:Q", title=y_title or y, axis=alt.Axis(format=_axis_format(unit))),
        "opacity": alt.Opacity("qualifier:N", scale=opacity, legend=legend),
        "stroke": alt.condition(_BOUND_TEST, alt.value("#333"), alt.value(None)),
        "strokeDash": _dash(data, legend),
        "tooltip": [
            tip_x,
            alt.Tooltip("shown:N", title=y_title or y),
            alt.Tooltip("figure:N", title="Figure"),
            alt.Tooltip("source:N", title="Source"),
        ],
    }
    if colour:
        enc["color"] = alt.Color("series:N", title=None, scale=_colour(data["_id"].to_list(), data["series"].to_list()))
    else:
        enc["color"] = alt.value(PALETTE["HIMA"])
    if is_time:
        data = data.with_columns(pl.col("x").cast(pl.String))
    return (
        alt.Chart(data.drop("_id", "line_y"))
        .mark_bar(strokeWidth=1.2)
        .encode(**enc)
        .properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)
    )


def _period_slots(first: dt.date, last: dt.date, step: int, period_type: str | None) -> list[str]:
    out, d = [], first
    while d <= last:
        out.append(fmt.fmt_period(d, period_type=period_type) if period_type else fmt.fmt_month(d))
        total = d.year * 12 + d.month - 1 + step
        d = dt.date(total // 12, total % 12 + 1, 1)
    return out


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

    data = _prepare(
        df.rename({months: "_m"}),
        value=value,
        period="_m",
        entity=entity,
        qualifier=qualifier,
        unit=None,
        calendar=False,
    )
    colour = _colour(data["_id"].to_list(), data["series"].to_list())
    shapes, legend = _figure_scale(data["qualifier"].drop_nulls().unique().to_list(), _SHAPES.get)
    x = alt.X("x:Q", title="Months since the first published month", axis=alt.Axis(tickMinStep=1, format="d"))
    line = (
        alt.Chart(_line_data(data))
        .mark_line(invalid="break-paths-show-domains")
        .encode(
            x=x,
            y=alt.Y("line_y:Q", title=y_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color("series:N", title=None, scale=colour),
        )
    )
    points = _marker_layers(
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
    return alt.layer(line, *points).properties(title=_title(title, subtitle), width=WIDTH, height=HEIGHT)


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

    hist = _prepare(
        history.with_columns(pl.lit("HIMA" if "entity" not in history.columns else None).alias("_e"))
        if "entity" not in history.columns
        else history,
        value=value,
        period=period,
        entity="entity" if "entity" in history.columns else "_e",
        qualifier=qualifier,
        unit=None,
    )
    truncated = forecast.filter(pl.col("lower") < 0).height
    f = forecast.select(
        pl.col("month").alias("x"),
        "mean",
        pl.col("lower").clip(lower_bound=0).alias("lower"),
        "upper",
        pl.col("lower").alias("lower_model"),
    )
    f = f.with_columns(
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
    subs = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    if truncated:
        subs.append(
            f"The interval's lower end is below zero in {truncated} month(s); it is drawn from zero "
            "(the model's own lower end is in the tooltip and the download)."
        )
    colour = alt.value(PALETTE["HIMA"])
    h_line = (
        alt.Chart(_line_data(hist))
        .mark_line(color=PALETTE["HIMA"], invalid="break-paths-show-domains")
        .encode(
            x=alt.X("x:T", title=None, axis=_month_axis()),
            y=alt.Y("line_y:Q", title="Vehicles per month", axis=alt.Axis(format=",.0f")),
        )
    )
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
    shapes, legend = _figure_scale(kinds, _SHAPES.get)
    h_pts = _marker_layers(
        hist.drop("_id", "line_y"),
        x="x:T",
        y="y:Q",
        colour=colour,
        shapes=shapes,
        legend=legend,
        size=45,
        tooltip=_tooltips("Month", "%b %Y", "Published"),
    )
    band = alt.Chart(f).mark_area(opacity=0.2, color="#555").encode(x="x:T", y="lower:Q", y2="upper:Q")
    mean = (
        alt.Chart(f)
        .mark_line(strokeDash=[5, 4], color="#333")
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
    layers = [band, h_line, *h_pts, mean]
    if actuals is not None and actuals.height:
        act = _prepare(
            actuals, value=value, period=period, entity="entity", qualifier=qualifier, unit=None, calendar=False
        )
        layers.append(
            alt.Chart(act.drop("_id", "line_y"))
            .mark_point(size=70, strokeWidth=2, color="#000")
            .encode(
                x="x:T",
                y="y:Q",
                shape=alt.Shape("qualifier:N", scale=shapes, legend=None),
                tooltip=_tooltips("Month", "%b %Y", "Published since"),
            )
        )
    return alt.layer(*layers).properties(title=_title(title, subs), width=WIDTH, height=HEIGHT)
