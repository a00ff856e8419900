"""Sentences that compare makers: leaders, movers, ranks, like-for-like totals and targets."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..display import formatting as fmt
from ..display.names import name_of
from ..display.text import Text, cite, text
from ..vocabulary import counted

__all__ = [
    "biggest_mover",
    "brands_before_alliance",
    "leader",
    "like_for_like",
    "month_leader",
    "not_published",
    "target_status",
]


def biggest_mover(table: pl.DataFrame, *, download: str, column: str = "yoy") -> Text | None:
    """The entity with the largest certain rise and the largest certain fall in ``column``
    (bounds whose direction is unclear are left out)."""
    rows = table.filter(pl.col(column).is_not_null())
    qcol = f"{column}_qualifier"
    if qcol in rows.columns:
        rows = rows.filter(
            ~((pl.col(qcol) == "over") & (pl.col(column) < 0))
            & ~((pl.col(qcol) == "under") & (pl.col(column) > 0))
            & (pl.col(qcol) != "under")
        )
    if rows.height < 2:
        return None
    top = rows.sort(column, descending=True).row(0, named=True)
    low = rows.sort(column).row(0, named=True)
    return text(
        "Biggest year-on-year rise: {a} ({ga}); weakest: {b} ({gb}).",
        a=name_of(top["entity"]),
        b=name_of(low["entity"]),
        ga=cite(table, column, download=download, kind="pct", signed=True, entity=top["entity"]),
        gb=cite(table, column, download=download, kind="pct", signed=True, entity=low["entity"]),
    )


def _overtaking_bound(rows: pl.DataFrame, qcol: str, *, after: int) -> dict | None:
    """The first lower bound below position ``after`` of ``rows`` (sorted, largest first) when the
    leader's rank is not certain because of it; None when the lead stands."""
    if "rank_certain" not in rows.columns or qcol not in rows.columns or rows.row(0, named=True)["rank_certain"]:
        return None
    below = rows.slice(after).filter(pl.col(qcol) == "over")
    return below.row(0, named=True) if below.height else None


def leader(totals: pl.DataFrame, *, download: str, year: int, column: str = "value") -> Text | None:
    """Who delivered most in a full year, and by how much, from the full-year totals of
    :func:`~hima_analytics.league.annual_league` (published annual totals, or sums of published
    period totals that cover the year; with their qualifiers: a lead that a bound could erase is
    said to be unsettled). Members listed without a figure for the year are named: the lead is
    then only among the totals on record."""
    rows = totals.filter((pl.col("year") == year) & pl.col(column).is_not_null()).sort(column, descending=True)
    if rows.height < 2:
        return None
    missing = sorted(totals.filter((pl.col("year") == year) & pl.col(column).is_null())["entity"].cast(pl.String))
    if missing:
        said = _leader(rows, totals, download=download, year=year, column=column, settled=False)
        return text(
            "{said}; no full-year total is on record for {names}.",
            said=Text(said.markdown.removesuffix(".")),
            names=[name_of(e) for e in missing],
        )
    return _leader(rows, totals, download=download, year=year, column=column, settled=True)


def _leader(rows: pl.DataFrame, totals: pl.DataFrame, *, download: str, year: int, column: str, settled: bool) -> Text:
    a, b = rows.row(0, named=True), rows.row(1, named=True)
    qcol = f"{column}_qualifier" if f"{column}_qualifier" in rows.columns else "qualifier"
    qa, qb = a.get(qcol), b.get(qcol)
    tmpl_args = dict(
        a=name_of(a["entity"]),
        b=name_of(b["entity"]),
        y=f"FY{year}",
        va=cite(totals, column, download=download, entity=a["entity"], year=year),
        vb=cite(totals, column, download=download, entity=b["entity"], year=year),
    )
    if qb == "over" or qa == "under":  # the two at the top could swap
        return text(
            "{y}: {a} ({va}) and {b} ({vb}) head the table; {b}'s figure is a lower bound, so the order is "
            "not settled.",
            **tmpl_args,
        )
    first = _overtaking_bound(rows, qcol, after=2)
    if first is not None:  # a lower bound further down could in principle pass them: say what is known
        return text(
            "{y}: {a} had the highest full-year total on record, {va}, ahead of {b} ({vb}); {c}'s is on record "
            "only as a lower bound ({vc}).",
            c=name_of(first["entity"]),
            vc=cite(totals, column, download=download, entity=first["entity"], year=year),
            **tmpl_args,
        )
    if not settled:
        return text("{y}: {a} had the highest full-year total on record, {va}, ahead of {b} ({vb}).", **tmpl_args)
    return text("{y}: {a} led with {va} deliveries, ahead of {b} ({vb}).", **tmpl_args)


def brands_before_alliance(annual: pl.DataFrame, *, download: str, alliance: str = "HIMA") -> Text | None:
    """For the years in which an alliance's brands have full-year figures in
    :func:`~hima_analytics.league.annual_league` but the alliance itself has none: that its own
    totals start later, that the brand figures are listed among its brands and not ranked
    against the makers, and in which year a brand's figure alone tops every maker's full-year
    total on record (so the makers' leader that year is the leader of an incomplete table),
    naming the makers with no total that year. Nothing is said of a year in which a maker's
    total is a lower bound (it could be above the brand's) or the brand's an upper bound; the
    claim is only as good as the annual table, so pass one built with the makers' results
    (``financials``) where they are on record."""
    own = annual.filter((pl.col("group") == "Maker") & (pl.col("entity").cast(pl.String) == alliance))
    with_total = own.filter(pl.col("value").is_not_null())["year"].to_list()
    brands = annual.filter(
        (pl.col("group") == "HIMA brand") & pl.col("value").is_not_null() & ~pl.col("year").is_in(with_total)
    ).sort("year", "entity")
    if brands.is_empty():
        return None
    years = sorted(set(brands["year"].to_list()))
    later = [y for y in with_total if y > years[-1]]
    figures = [
        text(
            "{who} {v} in {y}{basis}",
            who=name_of(r["entity"]),
            v=cite(annual, "value", download=download, entity=r["entity"], year=r["year"], group="HIMA brand"),
            y=str(r["year"]),
            basis=text("") if r["basis"] == "published annual total" else text(" ({b})", b=r["basis"]),
        )
        for r in brands.iter_rows(named=True)
    ]
    said = text(
        "{a} has no full-year total of its own for {years}{since}; for those years only its brands' totals are "
        "on record: {figures}. These are brand figures: they are listed with the HIMA brands and not ranked "
        "against the makers.",
        a=name_of(alliance),
        years=[str(y) for y in years],
        since=text(" (its totals start in {y})", y=str(min(later))) if later else text(""),
        figures=figures,
    )
    tops = []
    for r in brands.iter_rows(named=True):
        year_makers = annual.filter((pl.col("group") == "Maker") & (pl.col("year") == r["year"]))
        makers = year_makers.filter(pl.col("value").is_not_null()).sort("value", descending=True)
        # a maker's lower bound could be above the brand's figure: then nothing is said
        if makers.is_empty() or r["qualifier"] == "under" or (makers["qualifier"] == "over").any():
            continue
        m = makers.row(0, named=True)
        if r["value"] > m["value"]:
            missing = sorted(
                e
                for e in year_makers.filter(pl.col("value").is_null())["entity"].cast(pl.String).to_list()
                if e != alliance
            )
            tops.append(
                text(
                    "In {y}, {who}'s figure alone is above every maker's full-year total on record (the highest: "
                    "{maker}, {vm}){rest}.",
                    y=str(r["year"]),
                    who=name_of(r["entity"]),
                    maker=name_of(m["entity"]),
                    vm=cite(annual, "value", download=download, entity=m["entity"], year=r["year"], group="Maker"),
                    rest=text("; no full-year total is on record for {names}", names=[name_of(e) for e in missing])
                    if missing
                    else text(""),
                )
            )
    if not tops:
        return said
    return text("{said} {tops}", said=said, tops=Text(" ".join(t.markdown for t in tops)))


def target_status(progress: pl.DataFrame, *, download: str, entity: str) -> Text | None:
    """Progress against the announced annual target at the latest month with a YTD, from
    :func:`~hima_analytics.metrics.target_progress` output: the share reached and, for a year
    still open, what meeting it needs a month; for a finished year, by how much it fell short.

    A range is named as a range (``target_high``), with the share reached and the monthly need
    against both ends. The measures are stated whenever they differ or the target is not a
    delivery target (``wording``, ``measure``): a target worded as sales is said to be set
    against the maker's published sales (wholesale) figure, or, where there is none, against
    deliveries, a different measure.

    >>> import datetime as dt
    >>> from hima_analytics.metrics import target_progress
    >>> ytd = pl.DataFrame({"entity": ["HIMA"], "month": [dt.date(2026, 1, 1)], "ytd": [57_915],
    ...                     "ytd_qualifier": ["exact"], "measure": ["deliveries"]})
    >>> targets = pl.DataFrame({"entity": ["HIMA"], "year": [2026], "target": [1_000_000.0],
    ...                         "target_high": [1_300_000.0], "wording": ["sales"]})
    >>> p = target_progress(ytd, targets, carry=["target_high", "wording"])
    >>> import re
    >>> said = target_status(p, download="t", entity="HIMA").markdown
    >>> print(re.sub("<[^>]+>", "", said).replace(chr(92), ""))  # doctest: +NORMALIZE_WHITESPACE
    鸿蒙智行 HIMA has reached 5.8% of the low end of its 2026 target range of 1,000,000 to 1,300,000 by Jan
    2026 (4.5% of the top); meeting the low end needs 85,644 a month from here (112,917 for the top). The
    target is worded as sales; no sales figure for the period is on record, so it is set against deliveries,
    a different measure.
    """
    rows = progress.filter((pl.col("entity").cast(pl.String) == entity) & pl.col("progress").is_not_null())
    if rows.is_empty():
        return None
    row = rows.sort("month").row(-1, named=True)
    at = {"entity": entity, "month": row["month"]}
    ranged = row.get("target_high") is not None and row.get("progress_high") is not None
    wording, measure = row.get("wording"), row.get("measure")
    p = cite(progress, "progress", download=download, kind="pct", **at)
    t = cite(progress, "target", download=download, **at)
    y, who = str(row["year"]), name_of(entity)
    kind = text("delivery ") if wording == "deliveries" else text("")
    if ranged:
        reached = text(
            "{p} of the low end of its {y} {kind}target range of {t} to {th}",
            p=p,
            y=y,
            kind=kind,
            t=t,
            th=cite(progress, "target_high", download=download, **at),
        )
        top = text(" ({ph} of the top)", ph=cite(progress, "progress_high", download=download, kind="pct", **at))
    else:
        reached = text("{p} of its {y} {kind}target of {t}", p=p, y=y, kind=kind, t=t)
        top = text("")
    if row.get("needed_per_month") is not None:
        need = cite(progress, "needed_per_month", download=download, **at)
        high_need = (
            text(" ({n} for the top)", n=cite(progress, "needed_per_month_high", download=download, **at))
            if ranged and row.get("needed_per_month_high") is not None
            else text("")
        )
        said = text(
            "{who} has reached {reached} by {m}{top}; meeting {it} needs {n} a month from here{high}.",
            who=who,
            reached=reached,
            m=cite(progress, "month", download=download, kind="month", **at),
            top=top,
            it=text("the low end") if ranged else text("it"),
            n=need,
            high=high_need,
        )
    elif row.get("shortfall") is not None:
        said = text(
            "{who} reached {reached}{top}, falling short by {s}.",
            who=who,
            reached=reached,
            top=top,
            s=cite(progress, "shortfall", download=download, **at),
        )
    else:
        said = text("{who} reached {reached}{top}.", who=who, reached=reached, top=top)
    if wording == "sales" and measure == "wholesale":
        measured = text(
            " The target is worded as sales and is set against {who}'s published {y} sales (wholesale) figure, {v}, "
            "not its deliveries."
            if row.get("months_left") == 0
            else " The target is worded as sales and is set against {who}'s published sales (wholesale) figure for "
            "the year to date, {v}, not its deliveries.",
            who=who,
            y=y,
            v=cite(progress, "ytd", download=download, **at),
        )
    elif wording == "sales" and measure is not None:
        measured = text(
            " The target is worded as sales; no sales figure for the period is on record, so it is set against "
            "deliveries, a different measure."
        )
    elif wording == "sales":
        measured = text(" The target is worded as sales and is set against deliveries, a different measure.")
    elif wording == "production and sales":
        measured = text(
            " The target is worded as production and sales (产销) and is set against deliveries, a different "
            "measure, only as a guide."
        )
    else:
        measured = text("")
    return text("{said}{measured}", said=said, measured=measured)


def month_leader(league: pl.DataFrame, *, download: str) -> Text | None:
    """Who led the makers' table this month, and where HIMA stood (with its rank change)."""
    makers = league.filter((pl.col("group") == "Maker") & pl.col("rank").is_not_null()).sort("rank")
    if makers.is_empty():
        return None
    top = makers.row(0, named=True)
    month = top["month"]
    lead = text(
        "{who} led the makers that published for {m} with {v}",
        who=name_of(top["entity"]),
        m=fmt.fmt_month(month),
        v=cite(league, "value", download=download, entity=top["entity"]),
    )
    waiting = league.filter((pl.col("group") == "Maker") & pl.col("value").is_null()).height
    caveat = (
        text("")
        if top["rank_certain"]
        else text(
            "; the order is not final while {n} {have} not published",
            n=counted(waiting, "maker"),
            have="has" if waiting == 1 else "have",
        )
        if waiting
        else text("; the order is not settled, since some figures are bounds")
    )
    hima = makers.filter(pl.col("entity") == "HIMA")
    if hima.is_empty() or top["entity"] == "HIMA":
        return text("{lead}{caveat}.", lead=lead, caveat=caveat)
    h = hima.row(0, named=True)
    # rank_change counts places among the makers that published both months (see
    # league.monthly_league), so the sentence says so.
    move = (
        ""
        if h["rank_change"] is None
        else " (up {n} on the month before, among the makers that published both months)".format(n=h["rank_change"])
        if h["rank_change"] > 0
        else " (down {n} on the month before, among the makers that published both months)".format(n=-h["rank_change"])
        if h["rank_change"] < 0
        else " (unchanged on the month before, among the makers that published both months)"
    )
    return text(
        "{lead}{caveat}; HIMA ranked {r}{move}.",
        lead=lead,
        caveat=caveat,
        r=cite(league, "rank", download=download, entity="HIMA"),
        move=move,
    )


def not_published(league: pl.DataFrame) -> Text | None:
    """The makers and brands with no figure for the month (they are listed, not dropped)."""
    missing = league.filter(pl.col("value").is_null())
    if missing.is_empty():
        return None
    month = league["month"].max()
    return text(
        "No {m} figure was found for {names}; they stay in the table with blanks.",
        m=fmt.fmt_month(month),
        names=[name_of(e) for e in missing["entity"].to_list()],
    )


def like_for_like(totals: pl.DataFrame, *, download: str, months: list[dt.date]) -> Text | None:
    """The leader over the months every maker published (from :func:`~.metrics.period_total`)."""
    rows = totals.filter(pl.col("total").is_not_null()).sort("total", descending=True)
    if rows.height < 2 or not months:
        return None
    a, b = rows.row(0, named=True), rows.row(1, named=True)
    lo, hi = min(months), max(months)
    span = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    gaps = text(", not all consecutive") if span != len(months) else text("")
    args = dict(
        n=str(len(months)),
        gaps=gaps,
        first=fmt.fmt_month(min(months)),
        last=fmt.fmt_month(max(months)),
        a=name_of(a["entity"]),
        b=name_of(b["entity"]),
        va=cite(totals, "total", download=download, entity=a["entity"]),
        vb=cite(totals, "total", download=download, entity=b["entity"]),
    )
    qcol = "total_qualifier"
    first = _overtaking_bound(rows, qcol, after=1)
    if first is not None:
        return text(
            "Over the {n} months every maker in the comparison published ({first} to {last}{gaps}), {a} "
            "has the highest published total, {va}, ahead of {b} with {vb}; {c}'s is published only as a "
            "lower bound ({vc}).",
            c=name_of(first["entity"]),
            vc=cite(totals, "total", download=download, entity=first["entity"]),
            **args,
        )
    return text(
        "Over the {n} months every maker in the comparison published ({first} to {last}{gaps}), {a} "
        "delivered {va}, ahead of {b} with {vb}.",
        **args,
    )
