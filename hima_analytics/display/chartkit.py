"""What every chart shares: the house theme and palette, how a frame becomes chart data (a
complete calendar, display names, kinds of figure, formatted values and sources), and the
encodings for bounds, legends and tooltips. The builders are in :mod:`~.charts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import polars as pl

from ..errors import MixedSeriesError
from . import formatting as fmt
from .names import names_of

#: One colour per HIMA brand, then the rivals; stable across every report.
PALETTE = {
    "HIMA": "#C7000B",
    "AITO": "#1F4E79",
    "LUXEED": "#2E86AB",
    "STELATO": "#8E6C8A",
    "MAEXTRO": "#B8860B",
    "SHANGJIE": "#3B8B5A",
    "LI_AUTO": "#E377C2",  # not grey: grey keys the kinds of figure in every legend
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


FALLBACK_COLOURS = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D", "#BAB0AC"]


FONT = "Helvetica Neue, Helvetica, Arial, 'HIMA CJK', 'PingFang SC', 'Noto Sans CJK SC', sans-serif"


#: Chart width in pixels: the report's content width.
WIDTH = 980


HEIGHT = 320


#: What a figure is (the chart's ``qualifier`` field: the published qualifier reduced to these
#: five), and how the legend and tooltip name it.
FIGURE_KINDS = {
    "published": "Published figure",
    "about": "Approximate or rounded figure (≈)",
    "implied": "Implied by published totals",
    "over": "Lower bound (more than)",
    "under": "Upper bound (less than)",
}


SHAPES = {
    "published": "circle",
    "about": "square",
    "implied": "diamond",
    "over": "triangle-up",
    "under": "triangle-down",
}


LEGEND_LABELS = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in FIGURE_KINDS.items()) + " : datum.label"


BOUND_TEST = "datum.qualifier == 'over' || datum.qualifier == 'under'"


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


def unit_of(df: pl.DataFrame, unit: str | None) -> str | None:
    if unit is not None or "unit" not in df.columns:
        return unit
    units = df["unit"].drop_nulls().cast(pl.String).unique().to_list()
    if len(units) > 1:
        raise MixedSeriesError(
            f"chart: the frame mixes units {sorted(units)}; one chart shows one unit. "
            "Hint: filter to one unit, or draw one chart per unit."
        )
    return units[0] if units else None


def figure_kind(qualifier: pl.Expr) -> pl.Expr:
    q = qualifier.cast(pl.String)
    # A rounded figure prints with "≈" in tables, so it is drawn as the approximate kind too.
    return (
        pl.when(q.is_in(["over", "under", "implied", "about"]))
        .then(q)
        .when(q == "rounded")
        .then(pl.lit("about"))
        .otherwise(pl.lit("published"))
    )


def source_labels(ids: Sequence[str]) -> dict[str, str]:
    from ..catalog import load

    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = load("sources").filter(pl.col("source_id").is_in(wanted)).select("source_id", "publisher", "published")
    return {sid: f"{pub}, {fmt.fmt_date(d) if d else 'undated'}" for sid, pub, d in rows.iter_rows()}


def shown_texts(values: pl.Series, quals: pl.Series, kind: fmt.Kind, unit: str | None, signed: bool) -> list[str]:
    return [fmt.fmt_q(v, q, kind=kind, unit=unit, signed=signed) for v, q in zip(values.to_list(), quals.to_list())]


def value_kind(unit: str | None) -> fmt.Kind:
    return "pct" if unit == "fraction" else "money" if unit in ("CNY_mn", "CNY", "USD_mn") else "int"


def prepare(
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
    sources = source_labels(data["source_id"].drop_nulls().to_list()) if "source_id" in data.columns else {}
    out = data.with_columns(
        q.alias("_q"),
        (
            pl.col(entity).replace_strict(names_of(data[entity]), default=None, return_dtype=pl.String)
            if entity
            else pl.lit("")
        ).alias("series"),
        (pl.col(entity) if entity else pl.lit("")).alias("_id"),
        pl.col(value).cast(pl.Float64).alias("y"),
        (
            pl.col("source_id").replace_strict(sources, default="", return_dtype=pl.String)
            if "source_id" in data.columns
            else pl.lit("")
        ).alias("source"),
    )
    out = out.with_columns(
        pl.when(pl.col("y").is_not_null()).then(figure_kind(pl.col("_q"))).alias("qualifier"),
        pl.when(pl.col("_q").is_null() | ~pl.col("_q").is_in(["over", "under"])).then(pl.col("y")).alias("line_y"),
    )
    shown = shown_texts(out["y"], out["_q"], value_kind(unit), unit, signed)
    out = out.with_columns(
        pl.Series("shown", shown, dtype=pl.String),
        pl.col("qualifier").replace_strict(FIGURE_KINDS, default=None, return_dtype=pl.String).alias("figure"),
    )
    if period:
        out = out.rename({period: "x"}) if period != "x" else out
    return out.drop("_q")


def colour_scale(ids: Sequence[str], labels: Sequence[str]) -> alt.Scale:
    import altair as alt

    pairs = list(dict.fromkeys(zip(ids, labels)))
    rng = [PALETTE.get(i, FALLBACK_COLOURS[n % len(FALLBACK_COLOURS)]) for n, (i, _) in enumerate(pairs)]
    return alt.Scale(domain=[lab for _, lab in pairs], range=rng)


def axis_format(unit: str | None) -> str:
    return ".0%" if unit == "fraction" else ",.0f"


def chart_title(title: str, subtitle: str | Sequence[str] | None) -> alt.TitleParams:
    import altair as alt

    subs = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    return alt.TitleParams(title, subtitle=subs)


def time_x(field: str = "x:T", months: Sequence[dt.date] = ()) -> alt.X:
    """A month axis with a little room at both ends, so the first and last markers are whole.
    With ``months`` (the months drawn), a chart of three months or fewer labels each of them:
    a quarterly tick count would leave a one-month chart with no label at all."""
    import altair as alt

    return alt.X(field, title=None, axis=month_axis(months), scale=alt.Scale(padding=14))


def month_axis(months: Sequence[dt.date] = ()) -> alt.Axis:
    """Month labels every three months, or on each month drawn when there are three or fewer.

    >>> month_axis([dt.date(2025, 11, 1)]).to_dict()["values"]
    [{'date': 1, 'month': 11, 'year': 2025}]
    """
    import altair as alt

    drawn = sorted(set(months))
    if 0 < len(drawn) <= 3:
        values = [alt.DateTime(year=d.year, month=d.month, date=1) for d in drawn]
        return alt.Axis(format="%b %Y", values=values, labelAngle=0)
    return alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 3}, labelOverlap=True, labelAngle=0)


def figure_scale(present: Sequence[str], range_of, *, fill: str | None = None) -> tuple[alt.Scale, alt.Legend | None]:
    """A scale over the kinds of figure present, and a legend that names them. With ``fill``
    (bars), the legend names only the bounds and implied figures, filled with ``fill``: a solid
    bar needs no key, a bound bar is the hollow one and an implied bar the half-tone one."""
    import altair as alt

    order = [k for k in FIGURE_KINDS if k in present]
    extra: dict[str, Any] = {"symbolFillColor": fill, "symbolType": "square"} if fill else {}
    shown = [k for k in order if k in ("over", "under", "implied", "about")] if fill else order
    if not shown:
        # Only solid bars: no key. A legend with no entries has no extent, and Vega then sizes
        # the whole view as infinite, which drops the value axis off the page.
        return alt.Scale(domain=order, range=[range_of(k) for k in order]), None
    return (
        alt.Scale(domain=order, range=[range_of(k) for k in order]),
        alt.Legend(
            title=None,
            values=shown,
            labelExpr=LEGEND_LABELS,
            orient="bottom",
            symbolStrokeColor="#444",
            symbolStrokeWidth=1.5,
            **extra,
        ),
    )


def marker_layers(
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


def dash_for(data: pl.DataFrame, legend: Any) -> Any:
    """Dashed outlines for bounds, by the same field as the opacity (one merged legend)."""
    import altair as alt

    order = [k for k in FIGURE_KINDS if k in data["qualifier"].drop_nulls().unique().to_list()]
    return alt.StrokeDash(
        "qualifier:N",
        scale=alt.Scale(domain=order, range=[BOUND_DASH.get(k, [1.0, 0.0]) for k in order]),
        legend=legend,
    )


#: Outline of a bound's bar: a lower bound ("more than") long dashes, an upper bound ("less
#: than") dots, so the two read apart in the plot and in the legend.
BOUND_DASH: dict[str, list[float]] = {"over": [6, 3], "under": [1.5, 2.5]}


def series_title(ids: Sequence[object]) -> str:
    """What a chart's coloured series are, for its tooltip: "Model", "Brand" (of a group or the
    alliance), "Maker" (a maker, group or the alliance itself), or "Series" when they are mixed.

    >>> series_title(["AITO_M9", "STELATO_S9"]), series_title(["AITO", "LUXEED"]), series_title(["LI_AUTO", "HIMA"])
    ('Model', 'Brand', 'Maker')
    >>> series_title(["HIMA", "AITO"])
    'Series'
    """
    from ..catalog import load

    wanted = {str(i) for i in ids if i is not None}
    ents = load("entities").filter(pl.col("entity").cast(pl.String).is_in(sorted(wanted)))
    kinds = {
        "Model" if lvl == "model" else "Brand" if parent is not None else "Maker"
        for lvl, parent in ents.select(pl.col("level").cast(pl.String), "parent").iter_rows()
    }
    if len(ents) < len(wanted) and wanted - {str(e) for e in ents["entity"].to_list()}:
        kinds.add("Maker")  # a company id (a maker group) rather than an entity
    return kinds.pop() if len(kinds) == 1 else "Series"


def line_data(data: pl.DataFrame) -> pl.DataFrame:
    """What a line layer needs: no qualifier (lines join points only)."""
    return data.select("x", "series", "line_y")


def tooltips(x_title: str, x_format: str | None, y_title: str, series: str = "Series") -> list[Any]:
    """The tooltip of a figure: its period, series (titled ``series``: see :func:`series_title`),
    the figure as printed, its kind and its source."""
    import altair as alt

    x = alt.Tooltip("x:T", title=x_title, format=x_format) if x_format else alt.Tooltip("x:N", title=x_title)
    return [
        x,
        alt.Tooltip("series:N", title=series),
        alt.Tooltip("shown:N", title=y_title),
        alt.Tooltip("figure:N", title="Figure"),
        alt.Tooltip("source:N", title="Source"),
    ]


def period_slots(first: dt.date, last: dt.date, step: int, period_type: str | None) -> list[str]:
    out, d = [], first
    while d <= last:
        out.append(fmt.fmt_period(d, period_type=period_type) if period_type else fmt.fmt_month(d))
        total = d.year * 12 + d.month - 1 + step
        d = dt.date(total // 12, total % 12 + 1, 1)
    return out
