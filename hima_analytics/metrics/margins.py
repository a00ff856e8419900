"""Margins and per-vehicle economics.

Ratios are fractions of revenue (0.289 means 28.9 %). A zero, negative, missing, NaN or
infinite denominator gives null. Money columns keep the unit of the financials table
(``CNY_mn``); per-vehicle figures come out in yuan per vehicle. Every expression builder names
its output after the metric (``gross_margin``, ``net_margin``, ``rd_intensity``, ``ratio``,
``per_vehicle_yuan``), never after an input column, so ``df.with_columns(gross_margin())`` adds
a column instead of overwriting ``gross_profit``. Money and volume are divided only when they
cover the same perimeter and period (:func:`per_vehicle_economics`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ..errors import MixedSeriesError
from ..schemas import DEFAULT_PERIMETER, YUAN_PER_UNIT
from .qualifiers import bounded_value, qualifier_of_ratio
from .series import as_list, require_columns, require_unique, valid_base

_KEYS = ("company", "period_type", "period_start", "period_end")


def _col(c: str | pl.Expr) -> pl.Expr:
    return pl.col(c) if isinstance(c, str) else c


def ratio(numerator: str | pl.Expr, denominator: str | pl.Expr) -> pl.Expr:
    """``numerator / denominator``, named ``ratio``; null when the denominator is zero,
    negative, null, NaN or inf, or the numerator is not finite.

    >>> import polars as pl
    >>> pl.DataFrame({"n": [1.0, 1.0, float("inf")], "d": [4.0, 0.0, 2.0]}).select(ratio("n", "d"))["ratio"].to_list()
    [0.25, None, None]
    """
    d, n = _col(denominator), _col(numerator)
    return pl.when(valid_base(d) & n.cast(pl.Float64).is_finite()).then(n / d).alias("ratio")


def gross_margin(
    *,
    revenue: str | pl.Expr = "revenue",
    gross_profit: str | pl.Expr | None = "gross_profit",
    cost_of_sales: str | pl.Expr | None = None,
) -> pl.Expr:
    """Gross margin: ``gross_profit / revenue``, or ``(revenue - cost_of_sales) / revenue`` when
    ``cost_of_sales`` is given instead. Fraction of revenue.

    Named ``gross_margin``.

    >>> import polars as pl
    >>> df = pl.DataFrame({"revenue": [145_176.0], "cost_of_sales": [107_000.0], "gross_profit": [38_176.0]})
    >>> round(df.select(gross_margin(cost_of_sales="cost_of_sales", gross_profit=None))["gross_margin"][0], 4)
    0.263
    >>> df.with_columns(gross_margin()).columns  # the inputs are kept
    ['revenue', 'cost_of_sales', 'gross_profit', 'gross_margin']
    """
    if cost_of_sales is not None:
        return ratio(_col(revenue) - _col(cost_of_sales), revenue).alias("gross_margin")
    if gross_profit is None:
        raise ValueError("gross_margin needs gross_profit= or cost_of_sales=")
    return ratio(gross_profit, revenue).alias("gross_margin")


def net_margin(*, revenue: str | pl.Expr = "revenue", net_profit: str | pl.Expr = "net_profit_attributable") -> pl.Expr:
    """Net margin: ``net_profit / revenue`` (fraction; negative for a loss), named ``net_margin``.

    >>> import polars as pl
    >>> df = pl.DataFrame({"revenue": [145_176.0], "net_profit_attributable": [5_946.0]})
    >>> round(df.select(net_margin())["net_margin"][0], 4)
    0.041
    """
    return ratio(net_profit, revenue).alias("net_margin")


def rd_intensity(*, revenue: str | pl.Expr = "revenue", rd_expense: str | pl.Expr = "rd_expense") -> pl.Expr:
    """R&D intensity: ``rd_expense / revenue`` (fraction), named ``rd_intensity``.

    >>> import polars as pl
    >>> pl.DataFrame({"revenue": [800.0], "rd_expense": [179.7]}).select(rd_intensity())["rd_intensity"][0]
    0.224625
    """
    return ratio(rd_expense, revenue).alias("rd_intensity")


def per_vehicle(*, amount: str | pl.Expr, units: str | pl.Expr, yuan_per_unit: float = 1_000_000.0) -> pl.Expr:
    """Money per vehicle in yuan: ``amount * yuan_per_unit / units``, named
    ``per_vehicle_yuan``; null when units <= 0.

    ``yuan_per_unit`` converts the amount's unit to yuan (1e6 for ``CNY_mn``).
    Seres paid Huawei 20,000 CNY mn in H1 2025; over 142,857 vehicles that is 140,000 yuan each:

    >>> import polars as pl
    >>> df = pl.DataFrame({"fees": [20_000.0], "vehicles": [142_857]})
    >>> round(df.select(per_vehicle(amount="fees", units="vehicles"))["per_vehicle_yuan"][0])
    140000
    """
    return ratio(_col(amount) * yuan_per_unit, units).alias("per_vehicle_yuan")


def _series_name(metric: pl.Expr, perimeter: pl.Expr) -> pl.Expr:
    """``metric`` for the whole perimeter, ``metric_<perimeter>`` for a narrower one."""
    return pl.when(perimeter == DEFAULT_PERIMETER).then(metric).otherwise(pl.format("{}_{}", metric, perimeter))


def wide_financials(df: pl.DataFrame, *, metrics: Sequence[str] | None = None) -> pl.DataFrame:
    """Financials from long form (one metric per row) to one row per company and period, one
    column per metric, in the table's units. A metric reported for a narrower perimeter gets its
    own column, ``<metric>_<perimeter>`` (e.g. ``vehicle_sales_nev``), so two perimeters never
    share a column. When the frame has a qualifier column, each metric also gets
    ``<metric>_qualifier``. Every metric named in ``metrics`` gets a column, null where it was
    not reported. Raises if a metric mixes units or repeats a key.

    >>> import datetime as dt, polars as pl
    >>> long = pl.DataFrame({"company": ["S", "S"], "period_type": ["FY", "FY"],
    ...     "period_start": [dt.date(2024, 1, 1)] * 2, "period_end": [dt.date(2024, 12, 31)] * 2,
    ...     "metric": ["revenue", "gross_profit"], "value": [100.0, 25.0], "unit": ["CNY_mn"] * 2})
    >>> wide_financials(long).select("revenue", "gross_profit").row(0)
    (100.0, 25.0)
    """
    require_columns(df, [*_KEYS, "metric", "value", "unit"], "wide_financials")
    perimeter = pl.col("perimeter").cast(pl.String) if "perimeter" in df.columns else pl.lit(DEFAULT_PERIMETER)
    frame = df.with_columns(pl.col("metric").cast(pl.String), perimeter.alias("_perimeter"))
    if metrics is not None:
        frame = frame.filter(pl.col("metric").is_in(list(metrics)))
    frame = frame.with_columns(_series_name(pl.col("metric"), pl.col("_perimeter")).alias("_series"))
    require_unique(frame, [*_KEYS, "_series"], "wide_financials")
    mixed = frame.group_by("company", "_series").agg(pl.col("unit").n_unique().alias("n")).filter(pl.col("n") > 1)
    if not mixed.is_empty():
        raise MixedSeriesError(f"wide_financials: mixed units for {mixed.select('company', '_series').rows()}")
    wide = frame.pivot(on="_series", index=list(_KEYS), values="value", sort_columns=True)
    value_cols = [c for c in wide.columns if c not in _KEYS]
    if "qualifier" in frame.columns:
        quals = frame.with_columns(
            pl.format("{}_qualifier", "_series").alias("_qseries"), pl.col("qualifier").cast(pl.String)
        )
        wide = wide.join(
            quals.pivot(on="_qseries", index=list(_KEYS), values="qualifier"),
            on=list(_KEYS),
            how="left",
            nulls_equal=True,
        )
    absent = [m for m in (metrics or []) if m not in wide.columns]
    wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(m) for m in absent)
    if "qualifier" in frame.columns:
        wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(f"{m}_qualifier") for m in absent)
    ordered = sorted({*value_cols, *absent})
    quals_cols = [f"{c}_qualifier" for c in ordered if f"{c}_qualifier" in wide.columns]
    return wide.select(*_KEYS, *ordered, *quals_cols).sort(list(_KEYS))


def margins(wide: pl.DataFrame) -> pl.DataFrame:
    """Gross margin, net margin and R&D intensity per company and period from
    :func:`wide_financials` (which must hold ``revenue``, ``gross_profit``, ``gross_margin``,
    ``net_profit_attributable`` and ``rd_expense``; pass them in ``metrics=``).

    Both gross margins are kept: ``gross_margin_reported`` (as published) and
    ``gross_margin_computed`` (``gross_profit / revenue`` of the same period and perimeter).
    ``gross_margin`` is the reported one where there is one, else the computed one, and
    ``gross_margin_gap`` is ``reported - computed`` (a fraction of revenue; null unless both
    exist), so a reader can see when the two disagree by more than rounding. Net margin is on
    the profit attributable to shareholders. With qualifier columns each ratio gets
    ``<ratio>_qualifier`` by the ratio rule of :mod:`~.qualifiers`.

    >>> import datetime as dt, polars as pl
    >>> w = pl.DataFrame({"company": ["S", "S"], "period_type": ["FY", "FY"],
    ...     "period_start": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)],
    ...     "period_end": [dt.date(2023, 12, 31), dt.date(2024, 12, 31)], "revenue": [200.0, 100.0],
    ...     "gross_profit": [50.0, 20.0], "gross_margin": [None, 0.21],
    ...     "net_profit_attributable": [10.0, 1.0], "rd_expense": [20.0, 5.0]})
    >>> margins(w).select("gross_margin", "gross_margin_computed", "net_margin", "rd_intensity").row(0)
    (0.25, 0.25, 0.05, 0.1)
    >>> r = margins(w).row(1, named=True)  # reported 21%, but 20 / 100 is 20%
    >>> r["gross_margin"], r["gross_margin_computed"], round(r["gross_margin_gap"], 4)
    (0.21, 0.2, 0.01)
    """
    needed = ["revenue", "gross_profit", "gross_margin", "net_profit_attributable", "rd_expense"]
    require_columns(wide, [*_KEYS, *needed], "margins")
    qualified = all(f"{c}_qualifier" in wide.columns for c in needed)
    out = wide.with_columns(
        pl.col("gross_margin").cast(pl.Float64).alias("gross_margin_reported"),
        gross_margin().alias("gross_margin_computed"),
    )
    if qualified:
        out = out.with_columns(
            pl.when(pl.col("gross_margin_reported").is_not_null())
            .then(pl.col("gross_margin_qualifier").cast(pl.String))
            .alias("gross_margin_reported_qualifier"),
            pl.when(pl.col("gross_margin_computed").is_not_null())
            .then(qualifier_of_ratio("gross_profit_qualifier", "revenue_qualifier"))
            .alias("gross_margin_computed_qualifier"),
            pl.when(net_margin().is_not_null())
            .then(qualifier_of_ratio("net_profit_attributable_qualifier", "revenue_qualifier"))
            .alias("net_margin_qualifier"),
            pl.when(rd_intensity().is_not_null())
            .then(qualifier_of_ratio("rd_expense_qualifier", "revenue_qualifier"))
            .alias("rd_intensity_qualifier"),
        ).with_columns(
            bounded_value("gross_margin_computed", "gross_margin_computed_qualifier").alias("gross_margin_computed")
        )
    reported, computed = pl.col("gross_margin_reported"), pl.col("gross_margin_computed")
    out = out.with_columns(
        pl.coalesce(reported, computed).alias("gross_margin"),
        (reported - computed).alias("gross_margin_gap"),
        net_margin(),
        rd_intensity(),
    )
    if qualified:
        out = out.with_columns(
            pl.when(reported.is_not_null())
            .then(pl.col("gross_margin_reported_qualifier"))
            .otherwise(pl.col("gross_margin_computed_qualifier"))
            .alias("gross_margin_qualifier"),
        ).with_columns(bounded_value(c, f"{c}_qualifier").alias(c) for c in ("net_margin", "rd_intensity"))
    return out


def per_vehicle_economics(
    money: pl.DataFrame,
    volume: pl.DataFrame,
    *,
    on: str | Sequence[str] = "company",
    name: str = "per_vehicle_yuan",
) -> pl.DataFrame:
    """Money per vehicle, computed only where money and volume cover the same perimeter and
    the same period.

    ``money`` has ``on``, ``period_start``, ``period_end``, ``value`` and ``unit`` (CNY_mn or CNY);
    ``volume`` has ``on``, ``period_start``, ``period_end`` and ``value`` (vehicles). Either may
    carry a ``perimeter`` column (default ``all``) and a ``qualifier`` column. Rows are matched
    on ``on``, the exact period (start and end) and the perimeter.

    Formula: ``money * yuan_per_unit / vehicles`` in yuan per vehicle. Output adds ``vehicles``,
    ``vehicles_perimeter``, ``name``, and, when both sides have qualifiers, ``vehicles_qualifier``
    and ``<name>_qualifier`` (ratio rule; a quotient of a rounded input is ``about``), and
    ``flag``: null when perimeter and period match; otherwise the reason, and the result is
    null: a period mismatch (volume only for another end), a perimeter mismatch (volume only for
    another perimeter) or no volume at all.

    >>> import datetime as dt, polars as pl
    >>> fy = dict(period_start=[dt.date(2024, 1, 1)], period_end=[dt.date(2024, 12, 31)])
    >>> money = pl.DataFrame({"company": ["SERES"], **fy, "value": [145_176.0], "unit": ["CNY_mn"],
    ...                       "perimeter": ["all"]})
    >>> vol = pl.DataFrame({"company": ["SERES"], **fy, "value": [426_900], "perimeter": ["nev"]})
    >>> out = per_vehicle_economics(money, vol)
    >>> out["per_vehicle_yuan"][0], out["flag"][0]
    (None, 'perimeter mismatch: money covers all of SERES, vehicles cover nev only')
    >>> round(per_vehicle_economics(money.with_columns(pl.lit("nev").alias("perimeter")), vol)["per_vehicle_yuan"][0])
    340070
    """
    keys = as_list(on)
    require_columns(money, [*keys, "period_start", "period_end", "value", "unit"], "per_vehicle_economics")
    require_columns(volume, [*keys, "period_start", "period_end", "value"], "per_vehicle_economics")
    units = money["unit"].cast(pl.String).unique().to_list()
    unknown = [u for u in units if u not in YUAN_PER_UNIT]
    if unknown:
        raise ValueError(
            f"per_vehicle_economics: money unit(s) {unknown} are not money; expected {list(YUAN_PER_UNIT)}"
        )

    def perimeter_of(frame: pl.DataFrame) -> pl.Expr:
        return (
            pl.col("perimeter").cast(pl.String) if "perimeter" in frame.columns else pl.lit(DEFAULT_PERIMETER)
        ).alias("_perim")

    qualified = "qualifier" in money.columns and "qualifier" in volume.columns
    m = money.with_columns(
        perimeter_of(money),
        pl.col("unit").cast(pl.String).replace_strict(YUAN_PER_UNIT, return_dtype=pl.Float64).alias("_yuan"),
    )
    v = volume.select(
        *keys,
        "period_start",
        "period_end",
        perimeter_of(volume),
        pl.col("value").alias("vehicles"),
        *([pl.col("qualifier").cast(pl.String).alias("_v_q")] if qualified else []),
    )
    require_unique(v, [*keys, "period_start", "period_end", "_perim"], "per_vehicle_economics (volume)")
    other_ends = v.group_by(*keys, "period_start", "_perim").agg(
        pl.col("period_end").sort().cast(pl.String).str.join(" or ").alias("_v_end")
    )
    other_perims = v.group_by(*keys, "period_start", "period_end").agg(
        pl.col("_perim").sort().str.join(" or ").alias("_v_perims")
    )
    out = (
        m.join(v, on=[*keys, "period_start", "period_end", "_perim"], how="left")
        .join(other_ends, on=[*keys, "period_start", "_perim"], how="left")
        .join(other_perims, on=[*keys, "period_start", "period_end"], how="left")
    )
    who = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator="/")
    flag = (
        pl.when(pl.col("vehicles").is_null() & pl.col("_v_perims").is_not_null())
        .then(
            pl.format("perimeter mismatch: money covers {} of {}, vehicles cover {} only", "_perim", who, "_v_perims")
        )
        .when(pl.col("vehicles").is_null() & pl.col("_v_end").is_not_null())
        .then(pl.format("period mismatch: money ends {}, volume ends {}", "period_end", "_v_end"))
        .when(pl.col("vehicles").is_null())
        .then(pl.lit("no volume for this period"))
    )
    value = per_vehicle(amount="value", units="vehicles", yuan_per_unit=1.0) * pl.col("_yuan")
    out = out.with_columns(pl.col("_perim").alias("vehicles_perimeter"), value.alias(name), flag.alias("flag"))
    if qualified:
        # A quotient of a rounded figure is known only approximately ("about"), not to the
        # digits a division prints: 20 bn (rounded) over 152,300 vehicles is about 131,000.
        ratio_q = qualifier_of_ratio("qualifier", "_v_q")
        out = (
            out.with_columns(
                pl.when(pl.col(name).is_not_null())
                .then(pl.when(ratio_q == "rounded").then(pl.lit("about")).otherwise(ratio_q))
                .alias(f"{name}_qualifier"),
                pl.col("_v_q").alias("vehicles_qualifier"),
            )
            .with_columns(bounded_value(name, f"{name}_qualifier").alias(name))
            .drop("_v_q")
        )
    out = out.with_columns(
        pl.when(pl.col("vehicles").is_null())
        .then(None)
        .otherwise(pl.col("vehicles_perimeter"))
        .alias("vehicles_perimeter")
    )
    return out.drop("_perim", "_v_end", "_v_perims", "_yuan")
