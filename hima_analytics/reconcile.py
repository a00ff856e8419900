"""Reconciliation: do the parts add up to the published wholes?

Six checks, each reported, never fixed:

- ``brands_vs_alliance``: the sum of HIMA's brand figures against the alliance total;
- ``models_vs_brand``: the sum of a brand's model figures against the brand figure;
- ``months_vs_period``: monthly figures summed over a quarter or year against a published
  period total (facts with metric ``deliveries``);
- ``sources_disagree``: a non-preferred published value against the preferred one for the same
  key, when they differ by more than their wording allows (``reported`` is the preferred value,
  ``parts_sum`` the other; ``reason`` names the other source by publisher and date and gives its
  figure: "Yicai Global, 4 Mar 2025, gives > 22,000");
- ``implied_vs_published``: a figure implied by published totals against a published value of
  the same month that was not preferred, or against the brand's own model figures (``reported``
  is the implied value, with the mark it keeps from its inputs: ``implied``, or ``rounded`` /
  ``about`` when an input is approximate).
- ``growth_vs_levels``: a published growth rate (a fact ``<metric>_growth_yoy``) against the
  levels it relates: the prior year's figure grown at that rate must give the current one
  (``reported`` is the current level, ``parts_sum`` what the rate implies; a mismatch
  ``disagrees``).

Each row gets a ``status``:

- ``ok``: within tolerance (qualifier-aware: "over 387,000" is met by any sum >= 387,000);
- ``partial``: some parts are missing, so only "parts <= whole" can be checked, and it holds;
- ``flagged``: outside tolerance (or parts exceed the whole);
- ``exception``: flagged, but documented in the ``exceptions`` table with a reason;
- ``conflict``: two figures for one thing disagree beyond rounding: kept, listed, and left to the
  preferred value (these do not fail ``hima data reconcile``);
- ``disagrees``: a figure computed from published ones (an implied figure, or a published growth
  rate applied to the prior year) disagrees with another published figure. Nothing was set aside
  here: the figures it is computed from and the one it is checked against are all on record, so
  the record itself is inconsistent somewhere (listed; does not fail ``hima data reconcile``).

Every figure keeps its mark. ``qualifier`` is the whole's (``reported``), ``parts_qualifier`` the
parts' sum's (by the sum rule of :mod:`~.metrics.qualifiers`: published parts with a lower bound
among them add up to a lower bound), and ``rel_diff_qualifier`` that of the gap (``diff`` and
``rel_diff``), by the ratio rule: "> 22,000" against an exact 21,517 is a gap of "> 2.2%". A gap
whose inputs bound it on neither side is null, whatever the status says.
"""

from __future__ import annotations

import polars as pl

from .metrics.qualifiers import qualifier_of_ratio, qualifier_of_sum

DEFAULT_TOLERANCE = 0.02
#: Statuses that ``hima data reconcile`` and the data appendix list row by row (``ok`` rows are
#: only counted).
LISTED_STATUSES = ("flagged", "exception", "partial", "conflict", "disagrees")
#: How a reason names a source that is not in the sources table (or when none is given).
UNLISTED_SOURCE = "Another source"

_SCHEMA = {
    "check": pl.String,
    "entity": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "reported": pl.Int64,
    "qualifier": pl.String,
    "parts_sum": pl.Int64,
    "parts_qualifier": pl.String,
    "parts_reported": pl.UInt32,
    "parts_expected": pl.UInt32,
    "missing_parts": pl.String,
    "diff": pl.Int64,
    "rel_diff": pl.Float64,
    "rel_diff_qualifier": pl.String,
    "status": pl.String,
    "reason": pl.String,
}


def _status(
    rel_diff: pl.Expr, complete: pl.Expr, qualifier: pl.Expr, parts_exact: pl.Expr, tolerance: float
) -> pl.Expr:
    over_whole = rel_diff > tolerance
    within = rel_diff.abs() <= tolerance
    meets = (
        pl.when(qualifier == "over")
        .then(rel_diff >= -tolerance)
        .when(qualifier == "under")
        .then(rel_diff <= tolerance)
        .when(qualifier.is_in(["about", "rounded"]))
        .then(rel_diff.abs() <= max(tolerance, 0.05))
        .otherwise(within)
    )
    return (
        pl.when(complete & meets)
        .then(pl.lit("ok"))
        .when(complete & ~parts_exact)
        .then(pl.lit("ok"))  # bounds on parts: cannot be checked exactly
        .when(~complete & ~over_whole.fill_null(False))
        .then(pl.lit("partial"))  # with no part published there is nothing to compare: partial too
        .otherwise(pl.lit("flagged"))
    )


def _with_gap_marks(frame: pl.DataFrame) -> pl.DataFrame:
    """``rel_diff_qualifier``: the mark of the gap between the parts (``parts_qualifier``) and the
    whole (``qualifier``), by the ratio rule; ``diff`` and ``rel_diff`` are null where that rule
    bounds the gap on neither side (their status was decided before, on the figures as published).

    >>> df = pl.DataFrame({"parts_sum": [22000, 100, 100], "parts_qualifier": ["over", "exact", "over"],
    ...     "qualifier": ["exact", "rounded", "under"], "diff": [483, 1, 1], "rel_diff": [0.022, 0.01, 0.01]})
    >>> _with_gap_marks(df).select("rel_diff", "rel_diff_qualifier").rows()
    [(0.022, 'over'), (0.01, 'rounded'), (0.01, 'over')]
    >>> _with_gap_marks(df.with_columns(qualifier=pl.lit("over")))["rel_diff"].to_list()
    [None, 0.01, None]
    """
    gap = pl.when(pl.col("parts_sum").is_not_null()).then(qualifier_of_ratio("parts_qualifier", "qualifier"))
    out = frame.with_columns(gap.alias("rel_diff_qualifier"))
    known = pl.col("rel_diff_qualifier").is_not_null()
    return out.with_columns(pl.when(known).then(pl.col(c)).alias(c) for c in ("diff", "rel_diff"))


def active_since(volumes: pl.DataFrame, entities: pl.DataFrame, events: pl.DataFrame | None) -> pl.DataFrame:
    """For each entity, the first month it is known to have been on sale: the earliest of its
    first delivery date, its launch or first-delivery events, and its own or any descendant's
    first figure (a brand whose models deliver is on sale even if no brand figure exists)."""
    ents = entities.select(
        pl.col("entity").cast(pl.String),
        pl.col("parent").cast(pl.String),
        pl.col("first_delivery_date").dt.month_start().alias("_d"),
    )
    first_fig = volumes.group_by(pl.col("entity").cast(pl.String)).agg(pl.col("month").min().alias("_d"))
    dates = [ents.select("entity", "_d"), first_fig]
    if events is not None:
        dates.append(
            events.filter(pl.col("event_type").cast(pl.String).is_in(["launch", "first_delivery"]))
            .group_by(pl.col("entity").cast(pl.String))
            .agg(pl.col("date").min().dt.month_start().alias("_d"))
        )
    own = pl.concat(dates).group_by("entity").agg(pl.col("_d").min())
    # Roll descendants' dates up the tree (model -> brand -> group/alliance): three levels suffice.
    parent_of = dict(ents.select("entity", "parent").iter_rows())
    since = dict(own.iter_rows())
    for entity, date in list(since.items()):
        node = parent_of.get(entity)
        while node is not None and date is not None:
            if since.get(node) is None or date < since[node]:
                since[node] = date
            node = parent_of.get(node)
    return pl.DataFrame(
        {"entity": list(since), "_since": list(since.values())}, schema={"entity": pl.String, "_since": pl.Date}
    )


def children_vs_parent(
    volumes: pl.DataFrame,
    entities: pl.DataFrame,
    *,
    check: str,
    parent_level: str,
    child_level: str,
    measure: str = "deliveries",
    events: pl.DataFrame | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> pl.DataFrame:
    """Compare each parent's monthly figure with the sum of its children's figures.

    A child is expected in a month once it is known to be on sale (see :func:`_active_since`);
    a month where an expected child has no figure is ``partial``, not a discrepancy.
    """
    v = volumes.filter(pl.col("measure") == measure).select(
        pl.col("entity").cast(pl.String), "month", "value", "qualifier"
    )
    ents = entities.select(
        pl.col("entity").cast(pl.String), "level", pl.col("parent").cast(pl.String), "first_delivery_date"
    )
    parents = v.join(ents.filter(pl.col("level") == parent_level).select("entity"), on="entity")
    kids = ents.filter((pl.col("level") == child_level) & pl.col("parent").is_not_null())
    child_rows = v.join(kids.select("entity", "parent"), on="entity")
    expected_kids = kids.join(active_since(v, entities, events), on="entity", how="left")
    grid = parents.select("entity", "month", pl.col("value").alias("reported"), pl.col("qualifier").cast(pl.String))
    expected = grid.join(
        expected_kids.select(pl.col("parent").alias("entity"), pl.col("entity").alias("child"), "_since"), on="entity"
    ).filter(pl.col("_since") <= pl.col("month"))
    got = child_rows.select(
        pl.col("parent").alias("entity"),
        "month",
        pl.col("entity").alias("child"),
        pl.col("value").alias("_v"),
        (pl.col("qualifier") == "exact").alias("_exact"),
        pl.col("qualifier").cast(pl.String).alias("_q"),
    )
    merged = expected.join(got, on=["entity", "month", "child"], how="left")
    # Children reported in a month before their expected start still count.
    extra = got.join(expected.select("entity", "month", "child"), on=["entity", "month", "child"], how="anti")
    merged = pl.concat(
        [merged.drop("_since"), extra.join(grid, on=["entity", "month"]).select(merged.drop("_since").columns)]
    )
    summary = merged.group_by("entity", "month").agg(
        pl.col("reported").first(),
        pl.col("qualifier").first(),
        # No part published is no sum at all, never a sum of zero.
        pl.when(pl.col("_v").is_not_null().any()).then(pl.col("_v").sum()).alias("parts_sum"),
        qualifier_of_sum(pl.col("_q").filter(pl.col("_v").is_not_null())).alias("parts_qualifier"),
        pl.col("_v").is_not_null().sum().alias("parts_reported"),
        pl.len().cast(pl.UInt32).alias("parts_expected"),
        pl.col("child").filter(pl.col("_v").is_null()).sort().str.join(", ").alias("missing_parts"),
        pl.col("_exact").fill_null(True).all().alias("_parts_exact"),
    )
    rel = (pl.col("parts_sum") - pl.col("reported")) / pl.col("reported")
    return (
        summary.with_columns(
            pl.lit(check).alias("check"),
            pl.col("month").alias("period_start"),
            pl.col("month").dt.month_end().alias("period_end"),
            (pl.col("parts_sum") - pl.col("reported")).alias("diff"),
            rel.alias("rel_diff"),
        )
        .with_columns(
            _status(
                pl.col("rel_diff"),
                pl.col("parts_reported") == pl.col("parts_expected"),
                pl.col("qualifier"),
                pl.col("_parts_exact"),
                tolerance,
            ).alias("status"),
            pl.lit(None, dtype=pl.String).alias("reason"),
            pl.col("missing_parts").replace("", None),
        )
        .pipe(_with_gap_marks)
        .select(list(_SCHEMA))
        .cast(_SCHEMA)
    )


def months_vs_period(
    volumes: pl.DataFrame, facts: pl.DataFrame, *, measure: str = "deliveries", tolerance: float = DEFAULT_TOLERANCE
) -> pl.DataFrame:
    """Compare monthly figures summed over a published period (a fact) with that period's total."""
    periods = facts.filter(
        (pl.col("metric") == measure) & (pl.col("unit") == "units") & (pl.col("period_end") > pl.col("period_start"))
    ).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        "period_start",
        "period_end",
        pl.col("value").round().cast(pl.Int64).alias("reported"),
        pl.col("qualifier").cast(pl.String),
    )
    v = volumes.filter(pl.col("measure") == measure).select(
        pl.col("entity").cast(pl.String),
        "month",
        "value",
        (pl.col("qualifier") == "exact").alias("_exact"),
        pl.col("qualifier").cast(pl.String).alias("_q"),
    )
    months = periods.with_columns(
        pl.date_ranges(pl.col("period_start").dt.month_start(), pl.col("period_end"), interval="1mo").alias("month")
    ).explode("month")
    merged = months.join(v, on=["entity", "month"], how="left")
    summary = merged.group_by("entity", "period_start", "period_end").agg(
        pl.col("reported").first(),
        pl.col("qualifier").first(),
        pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum()).alias("parts_sum"),
        qualifier_of_sum(pl.col("_q").filter(pl.col("value").is_not_null())).alias("parts_qualifier"),
        pl.col("value").is_not_null().sum().alias("parts_reported"),
        pl.len().cast(pl.UInt32).alias("parts_expected"),
        pl.col("month")
        .filter(pl.col("value").is_null())
        .dt.strftime("%Y-%m")
        .sort()
        .str.join(", ")
        .alias("missing_parts"),
        pl.col("_exact").fill_null(True).all().alias("_parts_exact"),
    )
    rel = (pl.col("parts_sum") - pl.col("reported")) / pl.col("reported")
    complete = pl.col("parts_reported") == pl.col("parts_expected")
    return (
        summary.with_columns(
            pl.lit("months_vs_period").alias("check"),
            (pl.col("parts_sum") - pl.col("reported")).alias("diff"),
            rel.alias("rel_diff"),
        )
        .with_columns(
            # An incomplete run of months can only be checked from below: parts must not exceed the whole.
            _status(pl.col("rel_diff"), complete, pl.col("qualifier"), pl.col("_parts_exact"), tolerance).alias(
                "status"
            ),
            pl.lit(None, dtype=pl.String).alias("reason"),
            pl.col("missing_parts").replace("", None),
        )
        .pipe(_with_gap_marks)
        .select(list(_SCHEMA))
        .cast(_SCHEMA)
    )


def _rounding_slack(q: pl.Expr, tolerance: float) -> pl.Expr:
    """How far a figure may be from another and still agree: the tolerance, or 5 % for a figure
    worded "about" or rounded."""
    return pl.when(q.is_in(["about", "rounded"])).then(pl.lit(max(tolerance, 0.05))).otherwise(pl.lit(tolerance))


def _conflict_rows(frame: pl.DataFrame, check: str, tolerance: float) -> pl.DataFrame:
    """Rows ``entity, month, reported, qualifier, other, other_qualifier, reason`` → the report's
    schema, status ``conflict`` where the two disagree beyond what their wording allows."""
    rel = (pl.col("other") - pl.col("reported")) / pl.col("reported")
    slack = pl.max_horizontal(
        _rounding_slack(pl.col("qualifier"), tolerance), _rounding_slack(pl.col("other_qualifier"), tolerance)
    )
    same_bound = pl.col("qualifier").is_in(["over", "under"]) & (pl.col("qualifier") == pl.col("other_qualifier"))
    agrees = (
        pl.when(same_bound)
        .then(True)  # two lower (or two upper) bounds never contradict each other
        .when(pl.col("other_qualifier") == "over")
        .then(rel <= slack)  # "over N" agrees with any value at least N
        .when(pl.col("other_qualifier") == "under")
        .then(rel >= -slack)
        .when(pl.col("qualifier") == "over")
        .then(rel >= -slack)
        .when(pl.col("qualifier") == "under")
        .then(rel <= slack)
        .otherwise(rel.abs() <= slack)
    )
    end = pl.col("period_end") if "period_end" in frame.columns else pl.col("month").dt.month_end()
    out = frame.filter(pl.col("reported") > 0).with_columns(
        pl.lit(check).alias("check"),
        pl.col("month").alias("period_start"),
        end.alias("period_end"),
        pl.col("other").alias("parts_sum"),
        pl.col("other_qualifier").alias("parts_qualifier"),
        pl.lit(1, pl.UInt32).alias("parts_reported"),
        pl.lit(1, pl.UInt32).alias("parts_expected"),
        pl.lit(None, pl.String).alias("missing_parts"),
        (pl.col("other") - pl.col("reported")).alias("diff"),
        rel.alias("rel_diff"),
        pl.when(agrees).then(pl.lit("ok")).otherwise(pl.lit("conflict")).alias("status"),
    )
    return out.pipe(_with_gap_marks).select(list(_SCHEMA)).cast(_SCHEMA)


def source_names(sources: pl.DataFrame | None) -> dict[str, str]:
    """Each source id as a reader cites it: publisher and publication date.

    >>> import datetime as dt
    >>> src = pl.DataFrame({"source_id": ["a", "b"], "publisher": ["Yicai Global", "CnEVPost"],
    ...     "published": [dt.date(2025, 3, 4), None]})
    >>> source_names(src)
    {'a': 'Yicai Global, 4 Mar 2025', 'b': 'CnEVPost, undated'}
    """
    from .display.formatting import fmt_date

    if sources is None:
        return {}
    return {
        str(sid): f"{pub}, {fmt_date(d) if d else 'undated'}"
        for sid, pub, d in sources.select("source_id", "publisher", "published").iter_rows()
    }


def _gives(frame: pl.DataFrame, names: dict[str, str]) -> pl.Series:
    """``reason`` for a figure from another source: who published it, when, and the figure with
    its mark ("Yicai Global, 4 Mar 2025, gives > 22,000")."""
    from .display.formatting import fmt_q

    out = []
    for sid, value, q in frame.select("source_id", "value", pl.col("qualifier").cast(pl.String)).iter_rows():
        cited = "; ".join(names[part] for part in str(sid or "").split(";") if part in names)
        out.append(f"{cited}, gives {fmt_q(value, q)}" if cited else f"{UNLISTED_SOURCE} gives {fmt_q(value, q)}")
    return pl.Series("reason", out, dtype=pl.String)


def sources_disagree(
    all_values: pl.DataFrame, tolerance: float = DEFAULT_TOLERANCE, *, sources: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every non-preferred value of a volumes key against the preferred one (same entity, month,
    measure and perimeter). ``reason`` cites the other source by publisher and date from
    ``sources`` (the sources table)."""
    key = ["entity", "month", "measure", "perimeter"]
    v = all_values.with_columns(pl.col(c).cast(pl.String) for c in ("entity", "measure", "perimeter", "qualifier"))
    preferred = v.filter(pl.col("preferred")).select(*key, pl.col("value").alias("reported"), "qualifier")
    other_rows = v.filter(~pl.col("preferred"))
    others = other_rows.select(
        *key,
        pl.col("value").alias("other"),
        pl.col("qualifier").alias("other_qualifier"),
    ).with_columns(_gives(other_rows, source_names(sources)))
    return _conflict_rows(preferred.join(others, on=key, how="inner"), "sources_disagree", tolerance)


def implied_vs_published(
    implied_rows: pl.DataFrame,
    all_values: pl.DataFrame,
    entities: pl.DataFrame,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    sources: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Each implied figure against a published, not preferred value of the same month and, for an
    implied brand figure, against the sum of that brand's published model figures (which it must
    not be below). ``reason`` cites the published figure's source by publisher and date from
    ``sources``, or gives the models' total. A disagreement has status ``disagrees``: no figure
    was set aside, the published figures simply do not fit together.

    The implied figure keeps the mark of its inputs: ``implied_rows`` from
    :func:`~hima_analytics.implied.implied_figures` carry it in ``value_qualifier`` (``rounded``
    when the alliance total it is computed from is "≈ 30,500"); rows without that column are
    ``implied``."""
    key = ["entity", "month", "measure", "perimeter"]
    mark = (
        pl.col("value_qualifier").cast(pl.String).fill_null("implied")
        if "value_qualifier" in implied_rows.columns
        else pl.lit("implied")
    )
    imp = implied_rows.with_columns(pl.col(c).cast(pl.String) for c in ("entity", "measure", "perimeter")).select(
        *key, pl.col("value").alias("reported"), mark.alias("qualifier")
    )
    v = all_values.with_columns(pl.col(c).cast(pl.String) for c in ("entity", "measure", "perimeter", "qualifier"))
    published = v.select(
        *key,
        pl.col("value").alias("other"),
        pl.col("qualifier").alias("other_qualifier"),
    ).with_columns(_gives(v, source_names(sources)))
    against_sources = imp.join(published, on=key, how="inner")
    parents = entities.select(pl.col("entity").cast(pl.String), pl.col("parent").cast(pl.String).alias("_parent"))
    models = (
        v.filter(pl.col("preferred"))
        .join(parents, on="entity")
        .filter(pl.col("_parent").is_not_null())
        .group_by(pl.col("_parent").alias("entity"), "month", "measure", "perimeter")
        .agg(
            pl.col("value").sum().alias("models"),
            (pl.col("qualifier").is_in(["exact", "rounded", "about", "over"])).all().alias("_lower"),
        )
    )
    below_models = (
        imp.join(models, on=key, how="inner")
        .filter(pl.col("_lower") & (pl.col("models") > pl.col("reported") * (1 + tolerance)))
        .select(
            *key,
            "reported",
            "qualifier",
            pl.col("models").alias("other"),
            pl.lit("over").alias("other_qualifier"),
            pl.format("Its published models add up to {}", pl.col("models").map_elements(_thousands, pl.String)).alias(
                "reason"
            ),
        )
    )
    rows = pl.concat([against_sources, below_models], how="diagonal_relaxed")
    found = _conflict_rows(rows, "implied_vs_published", tolerance)
    # Against the models, any excess disagrees: the implied brand figure cannot be below its parts.
    below = pl.col("reason").str.starts_with("Its published models add up to")
    return found.with_columns(
        pl.when(below | (pl.col("status") == "conflict"))
        .then(pl.lit("disagrees"))
        .otherwise(pl.col("status"))
        .alias("status")
    )


def _thousands(x: float) -> str:
    return f"{x:,.0f}"


def growth_vs_levels(
    facts: pl.DataFrame,
    financials: pl.DataFrame,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    sources: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Each published growth rate (a fact ``<metric>_growth_yoy``) against the levels it relates:
    the prior year's level grown at the published rate must give the current level. ``reported``
    is the current level, ``parts_sum`` the prior-year level times (1 + the published rate);
    ``reason`` says which figures were used (the rate, its source by publisher and date from
    ``sources``, and the prior year's level in its unit). Levels come from the financials, then
    the facts (preferred values, the whole company's perimeter). A rate on a zero or negative base says
    nothing about levels and is not checked; a rate whose levels are not both on record is not
    checked either.

    >>> import datetime as dt
    >>> D = dt.date
    >>> facts = pl.DataFrame({"subject": ["X"], "metric": ["revenue_growth_yoy"], "period_start": [D(2025, 1, 1)],
    ...     "period_end": [D(2025, 12, 31)], "value": [0.2], "qualifier": ["exact"], "source_id": ["s"]})
    >>> fin = pl.DataFrame({"company": ["X", "X"], "metric": ["revenue", "revenue"],
    ...     "period_start": [D(2025, 1, 1), D(2024, 1, 1)], "period_end": [D(2025, 12, 31), D(2024, 12, 31)],
    ...     "value": [150.0, 100.0], "qualifier": ["exact", "exact"], "perimeter": [None, None]})
    >>> growth_vs_levels(facts, fin).select("reported", "parts_sum", "status").row(0)
    (150, 120, 'disagrees')
    >>> growth_vs_levels(facts, fin)["reason"].item()
    "Revenue growth of +20.0% (another source) on the prior year's 100"
    >>> src = pl.DataFrame({"source_id": ["s"], "publisher": ["Seres"], "published": [D(2026, 3, 30)]})
    >>> growth_vs_levels(facts, fin, sources=src)["reason"].item()
    "Revenue growth of +20.0% (Seres, 30 Mar 2026) on the prior year's 100"
    """
    key = ["entity", "metric", "period_start", "period_end"]
    whole = pl.col("perimeter").is_null() | pl.col("perimeter").cast(pl.String).is_in(["", "all"])
    fin = financials.filter(whole) if "perimeter" in financials.columns else financials
    is_growth = pl.col("metric").cast(pl.String).str.ends_with("_growth_yoy")
    level_cols = [
        pl.col("value").cast(pl.Float64),
        pl.col("qualifier").cast(pl.String),
        (pl.col("unit").cast(pl.String) if "unit" in financials.columns else pl.lit(None, pl.String)).alias("unit"),
    ]
    fact_cols = [
        *level_cols[:2],
        (pl.col("unit").cast(pl.String) if "unit" in facts.columns else pl.lit(None, pl.String)).alias("unit"),
    ]
    levels = pl.concat(
        [
            fin.select(
                pl.col("company").cast(pl.String).alias("entity"),
                pl.col("metric").cast(pl.String),
                "period_start",
                "period_end",
                *level_cols,
            ),
            facts.filter(~is_growth).select(
                pl.col("subject").cast(pl.String).alias("entity"),
                pl.col("metric").cast(pl.String),
                "period_start",
                "period_end",
                *fact_cols,
            ),
        ]
    ).unique(subset=key, keep="first", maintain_order=True)
    growth = facts.filter(is_growth).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        pl.col("metric").cast(pl.String).str.strip_suffix("_growth_yoy"),
        "period_start",
        "period_end",
        pl.col("value").cast(pl.Float64).alias("growth"),
        pl.col("qualifier").cast(pl.String).alias("other_qualifier"),
        pl.col("source_id").cast(pl.String).alias("_growth_source"),
    )
    prior = levels.select(
        "entity",
        "metric",
        pl.col("period_start").dt.offset_by("1y").alias("period_start"),
        pl.col("period_end").dt.offset_by("1y").alias("period_end"),
        pl.col("value").alias("_prior"),
        pl.col("unit").alias("_prior_unit"),
    )
    from .display.formatting import fmt_pct, fmt_value
    from .vocabulary import label

    names = {m: label("metric", m) for m in growth["metric"].unique().to_list()}
    growth = growth.with_columns(pl.col("metric").replace_strict(names, default=None).alias("_label"))
    rows = (
        growth.join(levels.rename({"value": "reported"}).drop("unit"), on=key)
        .join(prior, on=key)
        .filter((pl.col("_prior") > 0) & pl.col("_prior").is_finite() & pl.col("growth").is_finite())
        .with_columns(
            pl.col("period_start").alias("month"),
            (pl.col("_prior") * (1 + pl.col("growth"))).alias("other"),
        )
    )
    cited = source_names(sources)
    reasons = [
        f"{what} growth of {fmt_pct(g, signed=True)} ({cited.get(src, UNLISTED_SOURCE.lower())}) on the prior year's "
        + (fmt_value(prior_value, unit) if unit else _thousands(prior_value))
        for what, g, src, prior_value, unit in rows.select(
            "_label", "growth", "_growth_source", "_prior", "_prior_unit"
        ).iter_rows()
    ]
    rows = rows.with_columns(pl.Series("reason", reasons, dtype=pl.String))
    found = _conflict_rows(
        rows.with_columns(pl.col("reported").round(), pl.col("other").round()), "growth_vs_levels", tolerance
    )
    # The rate and both levels are on record, none set aside: a mismatch disagrees, it is no source conflict.
    return found.with_columns(pl.col("status").replace("conflict", "disagrees"))


def apply_exceptions(report: pl.DataFrame, exceptions: pl.DataFrame) -> pl.DataFrame:
    """Mark flagged rows covered by a documented exception (same check and entity, period
    inside the exception's range) as ``exception`` with its reason."""
    exc = exceptions.select(
        pl.col("check").cast(pl.String),
        pl.col("entity").cast(pl.String),
        pl.col("period_start").alias("_lo"),
        pl.col("period_end").alias("_hi"),
        pl.col("reason").alias("_reason"),
    )
    joined = (
        report.with_row_index("_i")
        .join(exc, on=["check", "entity"], how="left")
        .filter(
            pl.col("_lo").is_null()
            | ((pl.col("period_start") >= pl.col("_lo")) & (pl.col("period_end") <= pl.col("_hi")))
        )
        .group_by("_i")
        .agg(pl.col("_reason").drop_nulls().first())
    )
    out = report.with_row_index("_i").join(joined, on="_i", how="left")
    covered = (pl.col("status") == "flagged") & pl.col("_reason").is_not_null()
    return out.with_columns(
        pl.when(covered).then(pl.lit("exception")).otherwise(pl.col("status")).alias("status"),
        pl.when(covered).then(pl.col("_reason")).otherwise(pl.col("reason")).alias("reason"),
    ).drop("_i", "_reason")


def reconciliation_report(*, tolerance: float = DEFAULT_TOLERANCE, **load_kwargs) -> pl.DataFrame:
    """Every check over the catalog's preferred values (and, for the conflict checks, every
    reported and implied value), with documented exceptions applied."""
    from .catalog import load

    volumes = load("volumes", **load_kwargs)
    entities = load("entities", **load_kwargs)
    events = load("events", **load_kwargs)
    parts = [
        children_vs_parent(
            volumes,
            entities,
            check="brands_vs_alliance",
            parent_level="alliance",
            child_level="brand",
            events=events,
            tolerance=tolerance,
        ),
        children_vs_parent(
            volumes,
            entities,
            check="models_vs_brand",
            parent_level="brand",
            child_level="model",
            events=events,
            tolerance=tolerance,
        ),
        months_vs_period(volumes, load("facts", **load_kwargs), tolerance=tolerance),
    ]
    every = load("volumes", all_values=True, **load_kwargs)
    sources = load("sources", **load_kwargs)
    from .implied import implied_figures

    # The single months and brand months implied by point figures (the ones the catalog adds on
    # load), each with the mark it keeps from its inputs.
    implied_rows = implied_figures(volumes, load("facts", **load_kwargs), entities, events).filter(
        (pl.col("kind") != "remainder") & (pl.col("qualifier") == "implied")
    )
    parts += [
        sources_disagree(every, tolerance, sources=sources),
        implied_vs_published(implied_rows, every, entities, tolerance, sources=sources),
        growth_vs_levels(load("facts", **load_kwargs), load("financials", **load_kwargs), tolerance, sources=sources),
    ]
    report = pl.concat(parts).sort("check", "entity", "period_start", "period_end", "reported")
    return apply_exceptions(report, load("exceptions", **load_kwargs))
