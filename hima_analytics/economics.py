"""Per-vehicle economics of a partner: which money is divided by which vehicles.

Money and vehicles are paired by what each covers, declared here once:

- revenue and gross profit cover every vehicle the company sells, so they are divided by its
  total vehicle sales (perimeter ``all``), never by its NEV sales alone;
- vehicle (NEV) revenue is divided by NEV sales (perimeter ``nev``);
- payments to Huawei are paid on the HIMA cars the company builds, so Seres's are divided by
  AITO's deliveries of the same period.

:func:`per_vehicle_table` builds every pair the data allows and keeps the rows it cannot
compute, with the reason, so a reader sees why a figure is missing.
"""

from __future__ import annotations

import polars as pl

from .metrics import per_vehicle_economics

__all__ = ["HUAWEI_FEE_BASE", "MONEY_PERIMETER", "per_vehicle_table"]

#: The perimeter of vehicles each money metric is divided by.
MONEY_PERIMETER = {"revenue": "all", "gross_profit": "all", "vehicle_revenue": "nev", "payments_to_huawei": "hima"}
#: Whose deliveries a partner's payments to Huawei are paid on.
HUAWEI_FEE_BASE = {"SERES": "AITO"}


def _vehicle_sales(financials: pl.DataFrame, facts: pl.DataFrame, company: str) -> pl.DataFrame:
    fin = financials.filter((pl.col("company") == company) & (pl.col("metric") == "vehicle_sales")).select(
        "period_start",
        "period_end",
        "value",
        pl.col("perimeter").cast(pl.String),
        pl.col("qualifier").cast(pl.String),
        "source_id",
    )
    total = facts.filter(
        (pl.col("subject").cast(pl.String) == company) & (pl.col("metric") == "total_vehicle_sales")
    ).select(
        "period_start",
        "period_end",
        "value",
        pl.lit("all").alias("perimeter"),
        pl.col("qualifier").cast(pl.String),
        "source_id",
    )
    both = pl.concat(
        [
            fin,
            total.join(
                fin.filter(pl.col("perimeter") == "all").select("period_start", "period_end"),
                on=["period_start", "period_end"],
                how="anti",
            ),
        ]
    )
    return both.with_columns(pl.lit(company).alias("company"))


def _fee_base(facts: pl.DataFrame, volumes: pl.DataFrame, brand: str, company: str) -> pl.DataFrame:
    """The brand's deliveries per period: published period totals, plus sums of published
    quarters for half-years and years without a total."""
    f = facts.filter((pl.col("subject").cast(pl.String) == brand) & (pl.col("metric") == "deliveries")).select(
        "period_start", "period_end", "value", pl.col("qualifier").cast(pl.String), "source_id"
    )
    quarters = f.filter(
        ((pl.col("period_end").dt.month() - pl.col("period_start").dt.month()) == 2)
        & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
    )
    halves = (
        quarters.with_columns(pl.col("period_start").dt.truncate("6mo").alias("_h"))
        .group_by("_h")
        .agg(
            pl.col("value").sum(),
            pl.len().alias("_n"),
            pl.col("period_end").max(),
            pl.col("qualifier").sort_by(pl.col("qualifier") == "exact").first(),
            pl.col("source_id").str.join(";"),
        )
    )
    halves = halves.filter(pl.col("_n") == 2).select(
        pl.col("_h").alias("period_start"), "period_end", "value", "qualifier", "source_id"
    )
    # A sum of point figures is a point (rounded if a part is): preferred to a published bound.
    points = f.filter(~pl.col("qualifier").is_in(["over", "under"]))
    summed = halves.join(points.select("period_start", "period_end"), on=["period_start", "period_end"], how="anti")
    base = pl.concat(
        [
            points,
            summed,
            f.join(
                pl.concat([points, summed]).select("period_start", "period_end"),
                on=["period_start", "period_end"],
                how="anti",
            ),
        ]
    )
    return base.with_columns(pl.lit(company).alias("company"), pl.lit("hima").alias("perimeter"))


def per_vehicle_table(
    financials: pl.DataFrame, facts: pl.DataFrame, volumes: pl.DataFrame, *, company: str
) -> pl.DataFrame:
    """Money per vehicle for ``company``: one row per money figure (revenue, gross profit,
    vehicle revenue, payments to Huawei) and period, with ``vehicles``, ``vehicles_perimeter``,
    ``per_vehicle_yuan`` and ``flag`` (why a figure is not computed)."""
    money = financials.filter(
        (pl.col("company") == company) & pl.col("metric").cast(pl.String).is_in(list(MONEY_PERIMETER))
    ).select(
        "company",
        "period_type",
        "period_start",
        "period_end",
        pl.col("metric").cast(pl.String),
        "value",
        "unit",
        pl.col("qualifier").cast(pl.String),
        "source_id",
    )
    money = money.with_columns(pl.col("metric").replace_strict(MONEY_PERIMETER).alias("perimeter"))
    sales = _vehicle_sales(financials, facts, company)
    fees = _fee_base(facts, volumes, HUAWEI_FEE_BASE[company], company) if company in HUAWEI_FEE_BASE else None
    vol = pl.concat([sales, fees] if fees is not None else [sales], how="diagonal_relaxed").select(
        "company", "period_start", "period_end", "value", "perimeter", "qualifier"
    )
    out = per_vehicle_economics(
        money.with_columns(pl.col("company").cast(pl.String)), vol.with_columns(pl.col("company").cast(pl.String))
    )
    words = {
        "hima": f"{HUAWEI_FEE_BASE.get(company, 'HIMA')} deliveries",
        "nev": "NEV sales",
        "all": "all vehicle sales",
    }
    note = pl.col("flag")
    for key, word in words.items():
        note = note.str.replace_all(rf"\b{key}\b(?: only)?", word)
    note = note.str.replace(
        r"^perimeter mismatch: money covers (.*) of (\w+), vehicles cover (.*)$",
        "not computed: the money covers $1; the only vehicle count for the period is $3",
    ).str.replace(
        r"^period mismatch: money ends (\S+), volume ends (.*)$",
        "not computed: no vehicle count covers exactly this period",
    )
    return out.with_columns(note.alias("flag")).sort("metric", "period_start", "period_end")
