"""Per-vehicle economics of a partner: which money is divided by which vehicles.

Money and vehicles are paired by what each covers, declared here once:

- revenue and gross profit cover every vehicle the company sells, so they are divided by its
  total vehicle sales (perimeter ``all``), never by its NEV sales alone;
- vehicle (NEV) revenue is divided by NEV sales (perimeter ``nev``);
- payments to Huawei are paid on the HIMA cars the company builds, so Seres's are divided by
  AITO's deliveries of the same period.

:func:`per_vehicle_table` builds every pair the data allows and keeps the rows it cannot
compute, with the reason; :func:`not_computed_sentence` says in one sentence which figures
could not be paired and why. :func:`margin_gaps` lists the periods whose reported gross margin
and gross profit over revenue disagree by more than rounding, and :func:`margin_gap_sentence`
says so on the page.
"""

from __future__ import annotations

import polars as pl

from . import vocabulary
from .display import formatting as fmt
from .display.text import Text, cite, escape_markdown, text
from .metrics import per_vehicle_economics

__all__ = [
    "HUAWEI_FEE_BASE",
    "MARGIN_TOLERANCE",
    "MONEY_PERIMETER",
    "margin_gap_sentence",
    "margin_gaps",
    "not_computed",
    "not_computed_sentence",
    "per_vehicle_table",
]

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
    ``vehicles_basis`` (the vehicles divided by, in words), ``per_vehicle_yuan`` and ``flag``
    (why a figure is not computed), and, for a figure not computed, ``reason`` (``perimeter``:
    the only vehicle counts of the period, ``counts_cover``, cover other cars than the money,
    ``money_covers``; ``period``: no vehicle count covers exactly the period)."""
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
    basis = pl.col("vehicles_perimeter").replace_strict(words, default=None, return_dtype=pl.String)
    flag = pl.col("flag")
    out = out.with_columns(note.alias("flag"), basis.alias("vehicles_basis")).with_columns(
        pl.when(flag.str.starts_with("not computed: the money covers"))
        .then(pl.lit("perimeter"))
        .when(flag.str.starts_with("not computed: no vehicle count"))
        .then(pl.lit("period"))
        .alias("reason"),
        flag.str.extract(r"the money covers (.*?);", 1).alias("money_covers"),
        flag.str.extract(r"the only vehicle count for the period is (.*)$", 1).alias("counts_cover"),
    )
    return out.sort("metric", "period_start", "period_end")


def not_computed(table: pl.DataFrame) -> pl.DataFrame:
    """The rows of :func:`per_vehicle_table` whose money has vehicles on record for the period
    but not of the same perimeter or the exact same period, so no per-vehicle figure is given
    (rows with no vehicle count at all are left out).

    >>> import datetime as dt
    >>> t = pl.DataFrame({"per_vehicle_yuan": [1.0, None, None],
    ...     "flag": [None, "not computed: no vehicle count covers exactly this period", "no volume for this period"]})
    >>> not_computed(t).height
    1
    """
    return table.filter(pl.col("per_vehicle_yuan").is_null() & pl.col("flag").str.starts_with("not computed"))


def _amounts(rows: pl.DataFrame) -> Text:
    """ "revenue FY2022 and 9M 2025; gross profit FY2022": each money and its periods."""
    items = []
    for metric in dict.fromkeys(rows["metric"].cast(pl.String).to_list()):
        periods = [
            fmt.fmt_period(s, e, str(t))
            for s, e, t in rows.filter(pl.col("metric").cast(pl.String) == metric)
            .sort("period_end", "period_start")
            .select("period_start", "period_end", "period_type")
            .iter_rows()
        ]
        items.append(text("{m} {p}", m=vocabulary.label("metric", metric).lower(), p=periods))
    return Text("; ".join(i.markdown for i in items))


def not_computed_sentence(table: pl.DataFrame) -> Text | None:
    """One sentence for the per-vehicle figures :func:`not_computed` leaves out, grouped by
    reason: "No per-vehicle figure is given for 3 more amounts: revenue FY2022 and 9M 2025,
    whose only vehicle count for the period (NEV sales) covers other cars than the money (all
    vehicle sales); and revenue Q1 2023, for which no vehicle count covers exactly the
    period." ``table`` is :func:`per_vehicle_table` (or its rows)."""
    rows = not_computed(table).sort("metric", "period_end")
    if rows.is_empty():
        return None
    groups = []
    perimeter = rows.filter(pl.col("reason") == "perimeter")
    for money in dict.fromkeys(perimeter["money_covers"].to_list()):
        part = perimeter.filter(pl.col("money_covers") == money)
        counts = sorted({c for v in part["counts_cover"].to_list() for c in str(v).split(" or ")})
        groups.append(
            text(
                "{amounts}, whose only vehicle count for the period ({counts}) covers other cars than the money "
                "({money})",
                amounts=_amounts(part),
                counts=Text(" or ".join(escape_markdown(c) for c in counts)),
                money=str(money),
            )
        )
    period = rows.filter(pl.col("reason") == "period")
    if not period.is_empty():
        groups.append(text("{amounts}, for which no vehicle count covers exactly the period", amounts=_amounts(period)))
    return text(
        "No per-vehicle figure is given for {n} more amounts: {groups}.",
        n=str(rows.height),
        groups=Text("; and ".join(g.markdown for g in groups)),
    )


#: Reported and computed gross margins that differ by more than this (a fraction of revenue)
#: print differently at one decimal of a percent, so the difference is more than rounding.
MARGIN_TOLERANCE = 0.0005


def margin_gaps(margins: pl.DataFrame, *, tolerance: float = MARGIN_TOLERANCE) -> pl.DataFrame:
    """The periods of :func:`~hima_analytics.metrics.margins` output whose reported gross margin
    and ``gross_profit / revenue`` differ by more than ``tolerance``.

    >>> import datetime as dt
    >>> m = pl.DataFrame({"period_start": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)],
    ...     "gross_margin_gap": [0.1039 - 3232 / 35842, 0.0003]})
    >>> margin_gaps(m)["period_start"].to_list()
    [datetime.date(2023, 1, 1)]
    """
    return margins.filter(pl.col("gross_margin_gap").abs() > tolerance)


def margin_gap_sentence(margins: pl.DataFrame, *, download: str, financials: pl.DataFrame | None = None) -> Text | None:
    """ "The reported gross margin is not gross profit over revenue in FY2023 (10.4% reported,
    9.0% computed) ...", cited from ``margins`` (the download ``download``); None when every
    reported margin agrees with its own figures. With ``financials`` (the rows the margins come
    from, with ``source_id``), a period whose gross profit comes from another source than its
    reported margin names both sources: the two need not share an accounting basis, so the gap
    says nothing about the company's own accounts."""
    from .display.chartkit import source_labels

    gaps = margin_gaps(margins).sort("period_type", "period_start")
    if gaps.is_empty():
        return None

    def source_of(metric: str, r: dict) -> str | None:
        if financials is None:
            return None
        ids = (
            financials.filter(
                (pl.col("metric").cast(pl.String) == metric)
                & (pl.col("period_type").cast(pl.String) == str(r["period_type"]))
                & (pl.col("period_start") == r["period_start"])
                & (pl.col("period_end") == r["period_end"])
            )["source_id"]
            .cast(pl.String)
            .to_list()
        )
        return ids[0] if ids else None

    parts, apart = [], 0
    for r in gaps.iter_rows(named=True):
        at = {"period_type": r["period_type"], "period_start": r["period_start"], "period_end": r["period_end"]}
        fields = {
            "p": fmt.fmt_period(r["period_start"], r["period_end"], str(r["period_type"])),
            "rep": cite(margins, "gross_margin_reported", download=download, kind="pct", **at),
            "comp": cite(margins, "gross_margin_computed", download=download, kind="pct", **at),
        }
        margin_src, profit_src = source_of("gross_margin", r), source_of("gross_profit", r)
        if margin_src and profit_src and margin_src != profit_src:
            apart += 1
            names = source_labels([margin_src, profit_src])
            parts.append(
                text(
                    "{p} ({rep} reported, per {ms}; {comp} from the gross profit per {ps})",
                    ms=names.get(margin_src, margin_src),
                    ps=names.get(profit_src, profit_src),
                    **fields,
                )
            )
        else:
            parts.append(text("{p} ({rep} reported, {comp} computed)", **fields))
    if apart:
        return text(
            "The reported gross margin differs from gross profit over revenue by more than rounding in {parts}. "
            "Where the two come from different sources they need not share an accounting basis (a data provider's "
            "standardised statement or a restatement moves gross profit), so the gap need not be a discrepancy in the "
            "company's accounts; the table shows both.",
            parts=parts,
        )
    return text(
        "The reported gross margin differs from gross profit over revenue of the same source by more than rounding "
        "in {parts}; the table shows both.",
        parts=parts,
    )
