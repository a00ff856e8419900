"""Sentences a report says about its own frames.

Every function takes the frame a report also offers as a download (and that download's
name), computes what the sentence states, and returns :class:`~hima_analytics.display.text.Text`
whose figures are cited (:func:`~hima_analytics.display.text.cite`), so a test can recompute
each one from the page. Nothing here is hand-typed: months, makers, figures and directions
all come from the frame. A sentence that the data cannot support is not said, or says what is
missing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .display import formatting as fmt
from .display.names import name_of
from .display.text import Text, cite, count, text

__all__ = [
    "biggest_mover",
    "coverage",
    "events_in_window",
    "latest_month",
    "leader",
    "missing_in_window",
    "share_trend",
    "target_status",
    "ytd_status",
]


def _latest(frame: pl.DataFrame, value: str = "value", period: str = "month") -> dict | None:
    known = frame.filter(pl.col(value).is_not_null()).sort(period)
    return known.row(-1, named=True) if known.height else None


def _direction(x: float | None, q: str | None) -> str:
    if x is None:
        return "unknown"
    if q == "over" and x >= 0:
        return "up"
    if q == "under" and x <= 0:
        return "down"
    if q in ("over", "under"):
        return "unclear"
    return "up" if x > 0 else "down" if x < 0 else "flat"


def latest_month(trend: pl.DataFrame, *, download: str, entity: str) -> Text:
    """ "<maker> delivered N in <month>, ±x% on the month before and ±y% on a year earlier."
    ``trend`` has ``month``, ``value`` (with qualifier) and ``mom`` / ``yoy`` (with qualifiers)."""
    row = _latest(trend)
    who = name_of(entity)
    if row is None:
        return text("{who} has no published monthly figure in this window.", who=who)
    at = {"month": row["month"]}
    figure = cite(trend, "value", download=download, **at)
    month = cite(trend, "month", download=download, kind="month", **at)
    parts = []
    for column, months in (("mom", -1), ("yoy", -12)):
        then = _shift(row["month"], months)
        when = fmt.fmt_month(then)
        if row.get(column) is not None:
            parts.append(
                text(
                    "{g} on {when}", g=cite(trend, column, download=download, kind="pct", signed=True, **at), when=when
                )
            )
        elif trend.filter((pl.col("month") == then) & pl.col("value").is_not_null()).height:
            parts.append(
                text(
                    "the change on {when} is not known (the two figures are bounds that do not fix its direction)",
                    when=when,
                )
            )
        else:
            parts.append(text("no figure for {when} to compare with", when=when))
    return text(
        "**{who} delivered {figure} vehicles in {month}**: {parts}.", who=who, figure=figure, month=month, parts=parts
    )


def _shift(month: dt.date, months: int) -> dt.date:
    total = month.year * 12 + month.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def ytd_status(trend: pl.DataFrame, *, download: str, entity: str) -> Text | None:
    """Year to date at the latest month, against the same months a year earlier (when both
    years are complete); None when the YTD is unknown."""
    row = _latest(trend)
    if row is None or row.get("ytd") is None:
        if row is None:
            return None
        year = row["month"].year
        have = set(trend.filter(pl.col("value").is_not_null())["month"].to_list())
        missing = [dt.date(year, m, 1) for m in range(1, row["month"].month + 1) if dt.date(year, m, 1) not in have]
        if not missing:  # every month is there, but a bound in each direction leaves the total unbounded
            return text(
                "The year-to-date total for {year} is not bounded: its months include both lower and upper bounds.",
                year=str(year),
            )
        months = ", ".join(fmt.fmt_month(m) for m in missing)
        return text(
            "The year-to-date total for {year} is unknown: {months} {verb} not published.",
            year=str(row["month"].year),
            months=months or "earlier months",
            verb="were" if len(missing) != 1 else "was",
        )
    at = {"month": row["month"]}
    ytd = cite(trend, "ytd", download=download, **at)
    if row.get("ytd_yoy") is not None:
        return text(
            "Year to date {who} has delivered {ytd}, {g} on the same months of {ly}.",
            who=name_of(entity),
            ytd=ytd,
            g=cite(trend, "ytd_yoy", download=download, kind="pct", signed=True, **at),
            ly=str(row["month"].year - 1),
        )
    return text(
        "Year to date {who} has delivered {ytd}; the same months of {ly} are not all published, so there "
        "is no year-on-year comparison.",
        who=name_of(entity),
        ytd=ytd,
        ly=str(row["month"].year - 1),
    )


def coverage(full: pl.DataFrame, *, download: str, start: dt.date, end: dt.date) -> Text:
    """How many months of the window have a published figure (``full`` is on a complete
    calendar: one row per month, value null where nothing was published)."""
    return text(
        "Published monthly figures exist for {n} of the {m} months from {a} to {b}; the others are gaps, "
        "left blank in every chart and table, never filled or read as zero.",
        n=count(full, "value", download=download),
        m=count(full, "month", download=download),
        a=fmt.fmt_month(start),
        b=fmt.fmt_month(end),
    )


def missing_in_window(full: pl.DataFrame, *, entity: str) -> Text | None:
    """Which months of the window have no figure, in ranges ("Mar–Apr 2025, Oct 2024")."""
    gaps = full.filter(pl.col("value").is_null())["month"].sort().to_list()
    if not gaps:
        return None
    runs: list[list[dt.date]] = []
    for m in gaps:
        if runs and _shift(runs[-1][-1], 1) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    spans = [fmt.fmt_month(r[0]) if len(r) == 1 else f"{fmt.fmt_month(r[0])} – {fmt.fmt_month(r[-1])}" for r in runs]
    return text("No figure for {who} was found for {spans}.", who=name_of(entity), spans=spans)


def share_trend(share: pl.DataFrame, *, download: str, part: str, whole: str) -> Text | None:
    """The part's share of the whole in the first and last months with both figures."""
    known = share.filter(pl.col("share").is_not_null()).sort("month")
    if known.is_empty():
        return None
    first, last = known.row(0, named=True), known.row(-1, named=True)
    n = count(share, "share", download=download)
    if first["month"] == last["month"]:
        return text(
            "{part} accounted for {s} of {whole} deliveries in {m}, the only month with both figures.",
            part=name_of(part),
            whole=name_of(whole),
            s=cite(share, "share", download=download, kind="pct", month=first["month"]),
            m=cite(share, "month", download=download, kind="month", month=first["month"]),
        )
    return text(
        "{part} accounted for {s0} of {whole} deliveries in {m0} and {s1} in {m1} ({n} months with both figures).",
        part=name_of(part),
        whole=name_of(whole),
        n=n,
        s0=cite(share, "share", download=download, kind="pct", month=first["month"]),
        m0=cite(share, "month", download=download, kind="month", month=first["month"]),
        s1=cite(share, "share", download=download, kind="pct", month=last["month"]),
        m1=cite(share, "month", download=download, kind="month", month=last["month"]),
    )


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


def leader(totals: pl.DataFrame, *, download: str, year: int, column: str = "value") -> Text | None:
    """Who delivered most in a full year, and by how much, from published annual totals (with
    their qualifiers; a lead that a bound could erase is said to be unsettled)."""
    rows = totals.filter((pl.col("year") == year) & pl.col(column).is_not_null()).sort(column, descending=True)
    if rows.height < 2:
        return None
    a, b = rows.row(0, named=True), rows.row(1, named=True)
    qa, qb = a.get(f"{column}_qualifier") or a.get("qualifier"), b.get(f"{column}_qualifier") or b.get("qualifier")
    settled = not (qb == "over" or qa == "under")
    tmpl_args = dict(
        a=name_of(a["entity"]),
        b=name_of(b["entity"]),
        y=f"FY{year}",
        va=cite(totals, column, download=download, entity=a["entity"], year=year),
        vb=cite(totals, column, download=download, entity=b["entity"], year=year),
    )
    if settled:
        return text("{y}: {a} led with {va} deliveries, ahead of {b} ({vb}).", **tmpl_args)
    return text(
        "{y}: {a} ({va}) and {b} ({vb}) head the table; {b}'s figure is a lower bound, so the order is not settled.",
        **tmpl_args,
    )


def target_status(progress: pl.DataFrame, *, download: str, entity: str) -> Text | None:
    """Progress against the announced annual target at the latest month with a YTD."""
    rows = progress.filter((pl.col("entity").cast(pl.String) == entity) & pl.col("progress").is_not_null())
    if rows.is_empty():
        return None
    row = rows.sort("month").row(-1, named=True)
    at = {"entity": entity, "month": row["month"]}
    base = dict(
        who=name_of(entity),
        p=cite(progress, "progress", download=download, kind="pct", **at),
        t=cite(progress, "target", download=download, **at),
        y=str(row["year"]),
        m=cite(progress, "month", download=download, kind="month", **at),
    )
    if row.get("needed_per_month") is not None:
        return text(
            "{who} has reached {p} of its {y} target of {t} by {m}; meeting it needs {n} a month from here.",
            n=cite(progress, "needed_per_month", download=download, **at),
            **base,
        )
    return text("{who} reached {p} of its {y} target of {t} by {m}.", **base)


def events_in_window(events: pl.DataFrame, *, start: dt.date, end: dt.date, limit: int = 3) -> Text | None:
    """The launches, first deliveries and partner joins dated within the window (up to
    ``limit``, latest first)."""
    shown = (
        events.filter(
            pl.col("date").is_between(start, end)
            & pl.col("event_type").cast(pl.String).is_in(["launch", "first_delivery", "partner_join"])
        )
        .sort("date", descending=True)
        .head(limit)
    )
    if shown.is_empty():
        return None
    items = [
        text(
            "{what} ({when})",
            what=r["description"],
            when=fmt.fmt_date(r["date"]) if r["date_precision"] == "day" else fmt.fmt_month(r["date"]),
        )
        for r in shown.iter_rows(named=True)
    ]
    return text("Recent events: {items}.", items=items)


def _count_or_no(frame: pl.DataFrame, column: str, download: str):
    """A cited count, or the word "no" when the frame is empty (its figure shows no download)."""
    return count(frame, column, download=download) if frame[column].drop_nulls().len() else "no"


def record_summary(
    *,
    entity: str,
    months: pl.DataFrame,
    months_download: str,
    models: pl.DataFrame,
    models_download: str,
    facts: pl.DataFrame,
    facts_download: str,
) -> Text:
    """What the public record holds for an entity: brand months, model figures and single
    facts, each counted from the frame shown below it."""
    who = name_of(entity)
    if months["value"].drop_nulls().len() == 0:
        return text(
            "{who} has published no monthly brand figure that could be found on a dated page. What exists "
            "is shown below: {m} model figures, and {f} single figures such as cumulative totals and "
            "milestones.",
            who=who,
            m=_count_or_no(models, "value", models_download),
            f=_count_or_no(facts, "value", facts_download),
        )
    return text(
        "The record for {who} holds {n} monthly brand figures, {m} model figures and {f} single figures "
        "(cumulative totals, milestones, targets).",
        who=who,
        n=count(months, "value", download=months_download),
        m=_count_or_no(models, "value", models_download),
        f=_count_or_no(facts, "value", facts_download),
    )


def nearest_rivals(rivals: list[str], *, months: int, entity: str) -> Text:
    """Which rivals are nearest in size on the months the entity published."""
    if not rivals:
        return text(
            "No rival published a figure in enough of the same months to compare with {who}.", who=name_of(entity)
        )
    return text(
        "Nearest rivals by median monthly deliveries in the {n} months {who} published: {names}.",
        n=str(months),
        who=name_of(entity),
        names=[name_of(r) for r in rivals],
    )


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
    caveat = text("; the order is not settled, since some figures are bounds") if not top["rank_certain"] else text("")
    hima = makers.filter(pl.col("entity") == "HIMA")
    if hima.is_empty() or top["entity"] == "HIMA":
        return text("{lead}{caveat}.", lead=lead, caveat=caveat)
    h = hima.row(0, named=True)
    move = (
        ""
        if h["rank_change"] is None
        else " (up {n} on the month before)".format(n=h["rank_change"])
        if h["rank_change"] > 0
        else " (down {n} on the month before)".format(n=-h["rank_change"])
        if h["rank_change"] < 0
        else " (unchanged on the month before)"
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
    return text(
        "Over the {n} months every maker in the comparison published ({first} to {last}{gaps}), {a} "
        "delivered {va}, ahead of {b} with {vb}.",
        n=str(len(months)),
        gaps=gaps,
        first=fmt.fmt_month(min(months)),
        last=fmt.fmt_month(max(months)),
        a=name_of(a["entity"]),
        b=name_of(b["entity"]),
        va=cite(totals, "total", download=download, entity=a["entity"]),
        vb=cite(totals, "total", download=download, entity=b["entity"]),
    )


def latest_period_growth(
    frame: pl.DataFrame, *, download: str, label: str, growth: str = "yoy", kind: str = "money", unit: str = "CNY_mn"
) -> Text | None:
    """ "<label> of X in <period>, ±y% on the year before" for the latest period with a value
    (``frame`` has ``period_start``, ``period_end``, ``period_type``, ``value`` and ``growth``)."""
    rows = frame.filter(pl.col("value").is_not_null()).sort("period_start")
    if rows.is_empty():
        return None
    r = rows.row(-1, named=True)
    at = {"period_start": r["period_start"], "period_end": r["period_end"]}
    period = fmt.fmt_period(
        r["period_start"], r["period_end"], str(r.get("period_type")) if r.get("period_type") else None
    )
    value = cite(frame, "value", download=download, kind=kind, unit=unit, **at)
    if r.get(growth) is None:
        return text(
            "{label} of {v} in {p}; the same period a year earlier is not on record.", label=label, v=value, p=period
        )
    return text(
        "{label} of {v} in {p}, {g} on a year earlier.",
        label=label,
        v=value,
        p=period,
        g=cite(frame, growth, download=download, kind="pct", signed=True, **at),
    )


def per_vehicle_fact(table: pl.DataFrame, *, download: str, metric: str, label: str) -> Text | None:
    """The latest computed per-vehicle figure for ``metric``, with the vehicles it rests on."""
    rows = table.filter((pl.col("metric") == metric) & pl.col("per_vehicle_yuan").is_not_null()).sort("period_start")
    if rows.is_empty():
        return None
    r = rows.row(-1, named=True)
    at = {"metric": metric, "period_start": r["period_start"], "period_end": r["period_end"]}
    return text(
        "{label}: {v} yuan per vehicle in {p}, over {n} vehicles ({what}).",
        label=label,
        v=cite(table, "per_vehicle_yuan", download=download, **at),
        p=fmt.fmt_period(r["period_start"], r["period_end"], str(r["period_type"])),
        n=cite(table, "vehicles", download=download, **at),
        what=str(r["vehicles_perimeter"])
        .replace("hima", "AITO deliveries")
        .replace("nev", "NEV sales")
        .replace("all", "all vehicles sold"),
    )


def forecast_status(result, reason: str, *, download: str, entity: str) -> Text:
    """What the forecast for ``entity`` is and how much weight it bears: the model shown, the
    history it rests on, and whether any model beat the baselines on enough origins. ``result``
    is a :class:`~hima_analytics.statistics.ForecastResult` or None (then ``reason`` says why);
    figures are cited from the forecast download (all models' forecasts)."""
    who = name_of(entity)
    if result is None:
        return text(
            "No forecast for {who}: {why}",
            who=who,
            why=reason.split(". Hint:")[0].replace("forecast: expected", "the models need").rstrip(".") + ".",
        )
    first = result.forecast.sort("month").row(0, named=True)
    h = result.history
    span = f"{fmt.fmt_month(h['from'])} – {fmt.fmt_month(h['to'])}"
    mean = cite(result.forecasts, "mean", download=download, month=first["month"], model=result.shown)
    origins = int(result.backtest["origins"].max()) if result.backtest.height else 0
    if result.beats_baselines:
        verdict = text(
            "{model} beat the naive and seasonal-naive baselines over {k} backtest origins",
            model=result.model,
            k=str(origins),
        )
    elif origins == 0:
        verdict = text("no month could be held out to test any model, so a baseline is shown")
    elif origins < 3:
        verdict = text(
            "with {k} backtest origin(s) no model can be preferred to the baselines, so the {b} baseline is shown",
            k=str(origins),
            b=result.shown,
        )
    else:
        verdict = text(
            "no model beat the baselines over {k} backtest origins, so the {b} baseline is shown",
            k=str(origins),
            b=result.shown,
        )
    return text(
        "{who}: {verdict}; it puts {m} at {mean}, from {n} consecutive published months ({span}).",
        who=who,
        verdict=verdict,
        m=fmt.fmt_month(first["month"]),
        mean=mean,
        n=str(h["months"]),
        span=span,
    )


def forecast_checks(check: pl.DataFrame, *, download: str) -> Text | None:
    """Where published figures for the forecast months already contradict the forecast."""
    if check.is_empty():
        return None
    low = check.filter(pl.col("check").str.contains("too low|outside"))
    if low.is_empty():
        return text("The figures already published for the forecast months are consistent with it.")
    r = low.sort("month").row(0, named=True)
    return text(
        "Published figures already contradict the forecast for {m}: {what}.",
        m=fmt.fmt_month(r["month"]),
        what=cite(check, "check", download=download, kind="text", month=r["month"]),
    )


def event_effects_status(effects: pl.DataFrame) -> Text | None:
    """How many events could be estimated and whether any effect is distinguishable from zero."""
    est = effects.filter(pl.col("effect").is_not_null())
    if est.is_empty():
        return text(
            "No launch or partner event falls inside the published record with months on both sides, so "
            "no event effect can be estimated."
        )
    sig = est.filter((pl.col("ci_low") > 0) | (pl.col("ci_high") < 0))
    if sig.is_empty():
        return text(
            "None of the {n} events that fall inside the record has an effect on HIMA's monthly deliveries "
            "distinguishable from zero at the 95% level.",
            n=str(est.height),
        )
    return text(
        "Of {n} events inside the record, {names} show an effect distinguishable from zero at the 95% level.",
        n=str(est.height),
        names=sig["event"].to_list(),
    )


def share_breaks_status(tests: pl.DataFrame, *, part: str, whole: str) -> Text | None:
    """Whether any Chow or CUSUM test finds a break in the part's share of the whole."""
    run = tests.filter(pl.col("p_value").is_not_null())
    if run.is_empty():
        return None
    hits = run.filter(pl.col("p_value") < 0.05)
    if hits.is_empty():
        return text(
            "No test finds a break in {p}'s share of {w} ({k} tests, none significant at 5%).",
            p=name_of(part),
            w=name_of(whole),
            k=str(run.height),
        )
    when = [fmt.fmt_month(d) for d in hits["break_date"].drop_nulls().to_list()] or ["the trend's stability"]
    return text(
        "A break in {p}'s share of {w} is significant at 5% at {when}.", p=name_of(part), w=name_of(whole), when=when
    )


def verdict_counts(counts: pl.DataFrame, *, download: str, total: int) -> Text:
    """ "Of N claims, a are confirmed, b consistent, ...", from a frame of ``verdict`` and ``n``."""
    parts = [
        text("{n} {v}", n=cite(counts, "n", download=download, verdict=r["verdict"]), v=r["verdict"])
        for r in counts.sort("n", descending=True).iter_rows(named=True)
    ]
    return text("Of the {total} quantitative claims in the five seed articles: {parts}.", total=str(total), parts=parts)


def contradicted_claims(results: pl.DataFrame) -> Text | None:
    """The claims our figures contradict, by their wording."""
    bad = results.filter(pl.col("verdict") == "contradicted")
    if bad.is_empty():
        return text("No claim is contradicted by an independent figure.")
    return text("Contradicted: {items}.", items=[text("\u201c{t}\u201d", t=t) for t in bad["text"].to_list()])


def tier_shares(tiers: pl.DataFrame, *, download: str) -> Text | None:
    """How much of the record rests on each source tier (``tiers`` has ``tier``, ``figures``
    and ``share``)."""
    if tiers.is_empty():
        return None
    parts = [
        text(
            "{s} on {t} sources",
            s=cite(tiers, "share", download=download, kind="pct", decimals=0, tier=r["tier"]),
            t=str(r["tier"]),
        )
        for r in tiers.sort("share", descending=True).iter_rows(named=True)
    ]
    return text("Of the figures in the catalog, {parts}.", parts=parts)


def validation_status(problems: list, *, sources: pl.DataFrame, download: str) -> Text:
    """Whether the catalog passed validation, and how many sources back it."""
    n = count(sources, "source_id", download=download)
    if problems:
        return text("Validation found {k} problem(s); the catalog did not load.", k=str(len(problems)))
    return text(
        "Every table passes validation: each of the figures is typed, resolves to one of {n} sources, and "
        "has exactly one preferred value per key.",
        n=n,
    )
