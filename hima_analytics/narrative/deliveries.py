"""Sentences about one maker's or brand's deliveries: the latest month, the year to date, what
the record holds and what it lacks, its share of the alliance, its events."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..display import formatting as fmt
from ..display.names import name_of
from ..display.text import Text, cite, count, text
from ..vocabulary import counted
from .common import count_or_no, latest_row, shift_month

__all__ = [
    "coverage",
    "events_in_window",
    "latest_month",
    "missing_in_window",
    "mix_coverage",
    "months_published",
    "nearest_rivals",
    "record_summary",
    "share_trend",
    "ytd_status",
]


def latest_month(trend: pl.DataFrame, *, download: str, entity: str) -> Text:
    """ "<maker> delivered N in <month>, ±x% on the month before and ±y% on a year earlier."
    ``trend`` has ``month``, ``value`` (with qualifier) and ``mom`` / ``yoy`` (with qualifiers).
    When the latest figure is only approximate ("about 18,000"), the sentence leads with the
    latest firm figure and adds the estimate after it."""
    row = latest_row(trend)
    who = name_of(entity)
    if row is None:
        return text("{who} has no published monthly figure in this window.", who=who)
    later = None
    if str(row.get("qualifier")) == "about":  # lead with the latest firm figure; the estimate follows it
        firm = latest_row(trend.filter(pl.col("qualifier").cast(pl.String).is_in(["exact", "rounded"])))
        if firm is not None:
            later, row = row, firm
    at = {"month": row["month"]}
    figure = cite(trend, "value", download=download, **at)
    month = cite(trend, "month", download=download, kind="month", **at)
    parts = []
    missing: list[str] = []
    for column, months in (("mom", -1), ("yoy", -12)):
        then = shift_month(row["month"], months)
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
            missing.append(when)
    if len(missing) == 2:
        parts.append(text("neither {a} nor {b} has a figure to compare with", a=missing[0], b=missing[1]))
    elif missing:
        parts.append(text("no figure for {when} to compare with", when=missing[0]))
    sentence = text(
        "**{who} delivered {figure} vehicles in {month}**: {parts}.", who=who, figure=figure, month=month, parts=parts
    )
    if later is None:
        return sentence
    return text(
        "{sentence} An approximate figure for {m} puts it at {v}.",
        sentence=sentence,
        m=cite(trend, "month", download=download, kind="month", month=later["month"]),
        v=cite(trend, "value", download=download, month=later["month"]),
    )


def ytd_status(trend: pl.DataFrame, *, download: str, entity: str) -> Text | None:
    """Year to date at the latest month, against the same months a year earlier (when both
    years are complete); None in January (the year to date is the month itself, which the
    latest-month sentence already gives). Missing months are listed as runs."""
    row = latest_row(trend)
    if row is not None and row["month"].month == 1:
        return None
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
        months = fmt.fmt_month_runs(missing)
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


def coverage(full: pl.DataFrame, *, download: str, start: dt.date, end: dt.date, entity: str | None = None) -> Text:
    """How many months of the window have a published figure for ``entity`` (``full`` is its
    series on a complete calendar: one row per month, value null where nothing was published).
    The sentence names whose figures it counts: ``entity``, or the frame's one ``entity``, so a
    count of one maker's months is never read as everyone's.

    >>> import re
    >>> f = pl.DataFrame({"entity": "HIMA", "month": [dt.date(2025, m, 1) for m in (1, 2, 3)], "value": [1, None, 3]})
    >>> sentence = coverage(f, download="d", start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1))
    >>> print(re.sub(r"<[^>]+>", "", sentence.markdown))  # doctest: +NORMALIZE_WHITESPACE
    鸿蒙智行 HIMA published monthly figures for 2 of the 3 months from Jan 2025 to Mar 2025; the others are gaps,
    left blank in every chart and table, never filled or read as zero.
    """
    if entity is None and "entity" in full.columns:
        names = full["entity"].drop_nulls().cast(pl.String).unique().to_list()
        entity = names[0] if len(names) == 1 else None
    if entity is None:
        raise ValueError(
            "coverage(): expected the series of one maker or brand (an 'entity' column with one value, or "
            f"entity=...); got {full.height} rows with no single entity. Hint: filter the frame to one entity."
        )
    return text(
        "{who} published monthly figures for {n} of the {m} months from {a} to {b}; the others are gaps, "
        "left blank in every chart and table, never filled or read as zero.",
        who=name_of(entity),
        n=count(full, "value", download=download),
        m=count(full, "month", download=download),
        a=fmt.fmt_month(start),
        b=fmt.fmt_month(end),
    )


def months_published(record: pl.DataFrame, *, entity: str, download: str, start: dt.date, end: dt.date) -> Text:
    """How many months of the window have a published figure for ``entity``, from a table of
    every maker's count (``record``: one row per ``entity`` with ``published``, the months with
    a figure of any kind, and ``months``, the months in the window), so the sentence names whose
    months it counts and the table beside it gives everyone else's.

    >>> import re
    >>> r = pl.DataFrame({"entity": ["HIMA", "LI_AUTO"], "published": [19, 26], "months": [26, 26]})
    >>> print(re.sub(r"<[^>]+>", "", months_published(r, entity="HIMA", download="d", start=dt.date(2024, 1, 1),
    ...     end=dt.date(2026, 2, 1)).markdown))  # doctest: +NORMALIZE_WHITESPACE
    鸿蒙智行 HIMA published monthly figures for 19 of the 26 months from Jan 2024 to Feb 2026; the others are
    gaps, left blank in every chart and table, never filled or read as zero. Every maker's count is in the table
    of months published below.
    """
    at = {"entity": entity}
    return text(
        "{who} published monthly figures for {n} of the {m} months from {a} to {b}; the others are gaps, "
        "left blank in every chart and table, never filled or read as zero. Every maker's count is in the table "
        "of months published below.",
        who=name_of(entity),
        n=cite(record, "published", download=download, **at),
        m=cite(record, "months", download=download, **at),
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
        if runs and shift_month(runs[-1][-1], 1) == m:
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

    def figures(frame: pl.DataFrame, kind: str) -> str:
        return f"{kind} figure" if frame["value"].drop_nulls().len() == 1 else f"{kind} figures"

    if months["value"].drop_nulls().len() == 0:
        return text(
            "{who} has published no monthly brand figure that could be found on a dated page. What exists "
            "is shown below: {m} {mw}, and {f} {fw} such as cumulative totals and milestones.",
            who=who,
            m=count_or_no(models, "value", models_download),
            mw=figures(models, "model"),
            f=count_or_no(facts, "value", facts_download),
            fw=figures(facts, "single"),
        )
    return text(
        "The record for {who} holds {n} {nw}, {m} {mw} and {f} {fw} (cumulative totals, milestones, targets).",
        who=who,
        n=count(months, "value", download=months_download),
        nw=figures(months, "monthly brand"),
        m=count_or_no(models, "value", models_download),
        mw=figures(models, "model"),
        f=count_or_no(facts, "value", facts_download),
        fw=figures(facts, "single"),
    )


def _bound_words(r: dict) -> str:
    """How a peer's figures in the compared months are bounds: "all lower bounds", "all bounds",
    "2 point figures, the rest bounds"."""
    if r["point_months"]:
        return f"only {counted(r['point_months'], 'point figure')}, the rest bounds"
    side = {"over": "lower bounds", "under": "upper bounds"}.get(str(r["median_qualifier"]), "bounds")
    return f"all {side}"


def _no_comparison(subject: pl.DataFrame | None, *, entity: str, months: int, min_common: int) -> Text | None:
    """Why the entity itself cannot be compared: too few point figures in its own window. Its
    bounds are counted where they are: inside that window, or later (listed by month)."""
    if subject is None:
        return None
    known = subject.filter(pl.col("value").is_not_null())
    bound = pl.col("qualifier").cast(pl.String).is_in(["over", "under"])
    points = known.filter(~bound)
    if points.is_empty():
        return None
    latest = points["month"].max()
    start = shift_month(latest, -months)  # type: ignore[arg-type]
    window = points.filter(pl.col("month") > start)
    if window.height >= min_common:
        return None
    bounds = known.filter(bound)
    inside = bounds.filter((pl.col("month") > start) & (pl.col("month") <= latest)).height
    later = sorted(bounds.filter(pl.col("month") > latest)["month"].to_list())
    return text(
        "No rival is compared: in the {n} months to {last}, its latest month with a point figure, {who} "
        "published {k}{inside}, fewer than the {need} like months a comparison needs{later}.",
        who=name_of(entity),
        n=str(months),
        last=fmt.fmt_month(latest),
        k=counted(window.height, "point figure"),
        inside=f" and {counted(inside, 'bound')}, which {'is' if inside == 1 else 'are'} not compared"
        if inside
        else "",
        later=(
            f"; its {counted(len(later), 'later figure')} ({fmt.fmt_month_runs(later)}) "
            f"{'is a bound' if len(later) == 1 else 'are bounds'}, which are not compared"
        )
        if later
        else "",
        need=str(min_common),
    )


def nearest_rivals(
    nearest: pl.DataFrame,
    *,
    entity: str,
    months: int = 12,
    subject: pl.DataFrame | None = None,
    min_common: int = 3,
) -> Text:
    """Which rivals are nearest in size, from :func:`~hima_analytics.metrics.nearest_in_size`:
    each compared on the months both published within the entity's last ``months`` months.
    A rival that published in those months but mostly bounds (``ranked`` False) is named, with
    the median its bounds allow, as not ranked: its place is not known, so it is never dropped
    without a word. When no rival is compared at all, ``subject`` (the entity's own monthly
    figures) tells whether the entity itself has too few point figures in its window, and where
    its bounds lie (inside the window or after it)."""
    ranked = nearest.filter(pl.col("ranked")) if "ranked" in nearest.columns else nearest
    unranked = nearest.filter(~pl.col("ranked")) if "ranked" in nearest.columns else nearest.clear()
    if nearest.is_empty():
        own = _no_comparison(subject, entity=entity, months=months, min_common=min_common)
        if own is not None:
            return own
        return text(
            "No rival published a figure in at least {need} of the same months as {who} in its last {n} months "
            "on record, so none is compared.",
            who=name_of(entity),
            n=str(months),
            need=str(min_common),
        )
    last = nearest["last"].max()
    items = [
        text(
            "{name} (median {theirs} against {mine}, in {n})",
            name=name_of(r["entity"]),
            theirs=fmt.fmt_int(r["median"]),
            mine=fmt.fmt_int(r["subject_median"]),
            n=counted(r["common_months"], "common month"),
        )
        for r in ranked.iter_rows(named=True)
    ]
    unplaced = [
        text(
            "{name} ({median}against {mine}, in {n}: {what})",
            name=name_of(r["entity"]),
            median=f"median {fmt.fmt_q(r['median'], r['median_qualifier'])} " if r["median"] is not None else "",
            mine=fmt.fmt_int(r["subject_median"]),
            n=counted(r["common_months"], "common month"),
            what=_bound_words(r),
        )
        for r in unranked.iter_rows(named=True)
    ]
    one = len(unplaced) == 1
    if not items:
        return text(
            "No rival can be ranked by size against {who} on the months both published in the {n} months to "
            "{last}: {unplaced} published bounds rather than point figures in those months, so how {their} size "
            "compares with {who}'s is not known.",
            who=name_of(entity),
            n=str(months),
            last=fmt.fmt_month(last),
            unplaced=unplaced,
            their="its" if one else "their",
        )
    ranked_text = text(
        "Nearest rivals in size, each compared on the months it and {who} both published in the {n} months "
        "to {last}: {items}.",
        who=name_of(entity),
        n=str(months),
        last=fmt.fmt_month(last),
        items=items,
    )
    if not unplaced:
        return ranked_text
    return text(
        "{ranked} {unplaced} {verb} not ranked: {pronoun} published bounds rather than point figures in those "
        "months, so {where} among them is not known.",
        ranked=ranked_text,
        unplaced=unplaced,
        verb="is" if one else "are",
        pronoun="it" if one else "they",
        where="its place" if one else "their places",
    )


def events_in_window(events: pl.DataFrame, *, start: dt.date, end: dt.date, limit: int = 3) -> Text | None:
    """The launches, first deliveries, partner joins, milestones and price moves dated within
    the window (up to ``limit``, newest first, and the sentence says so)."""
    shown = (
        events.filter(
            pl.col("date").is_between(start, end)
            & pl.col("event_type")
            .cast(pl.String)
            .is_in(["launch", "first_delivery", "partner_join", "milestone", "price_change", "price_cut"])
        )
        .sort("date", descending=True)
        .head(limit)
    )
    if shown.is_empty():
        return None
    items = [
        text(
            "{what} ({when})",
            what=fmt.readable_numbers(str(r["description"])),
            when=fmt.fmt_date(r["date"]) if r["date_precision"] == "day" else fmt.fmt_month(r["date"]),
        )
        for r in shown.iter_rows(named=True)
    ]
    return text("Latest launches, milestones and price moves on record, newest first: {items}.", items=items)


_POWERTRAIN_PHRASE = {
    "BEV": "battery-electric drive",
    "EREV": "range extenders",
    "PHEV": "plug-in hybrid drive",
    "mixed": "more than one powertrain",
}


def _coverage_floors(mix: pl.DataFrame, totals: pl.DataFrame | None) -> dict[dt.date, float]:
    """For each month whose model figures mix lower and upper bounds (so ``covered`` is null), the
    floor on the coverage: the lower bounds and point figures add up to a floor on the models'
    total (an upper bound is at least zero), over HIMA's point total of that month. None where an
    approximate figure stands beside a bound (no floor from it is certain) or there is no total."""
    if totals is None:
        return {}
    firm = totals.filter(
        pl.col("value").is_not_null() & pl.col("qualifier").cast(pl.String).is_in(["exact", "implied"])
    )
    total_of = dict(firm.select("month", "value").iter_rows())
    out: dict[dt.date, float] = {}
    open_months = mix.filter(pl.col("covered").is_null())["month"].unique().to_list()
    for month in open_months:
        rows = mix.filter(pl.col("month") == month)
        quals = [str(q) for q in rows["value_qualifier"].to_list()]
        if month not in total_of or "under" not in quals or "over" not in quals:
            continue
        if any(q not in ("exact", "rounded", "implied", "over", "under") for q in quals):
            continue  # an approximate figure beside a bound: no floor is certain
        floor = rows.filter(pl.col("value_qualifier").cast(pl.String) != "under")["value"].sum()
        out[month] = floor / total_of[month]
    return out


def mix_coverage(
    mix: pl.DataFrame,
    rival_models: pl.DataFrame,
    *,
    download: str,
    peers: list[str],
    totals: pl.DataFrame | None = None,
    totals_download: str | None = None,
) -> Text:
    """What HIMA's powertrain mix rests on: the latest month whose model figures can be set
    against HIMA's own total (the largest powertrain's share and the coverage, or that every
    model figure is of one powertrain), and whether any rival has model figures to compute one
    from.

    ``totals`` (HIMA's own monthly figures, offered as ``totals_download``) lets a month whose
    model figures mix lower and upper bounds be set against the total too: ``covered`` is null
    there, but the lower bounds and point figures alone are a floor on the models' total, so the
    coverage is at least that floor's share of HIMA's figure (">7,500" and "<1,000" against
    81,864: more than 9.1%). A later month that still cannot be set against a total says why:
    HIMA published no total for it, or an approximate figure stands beside a bound."""
    rivals = sorted({str(e) for e in rival_models["brand"].to_list()}) if rival_models.height else []
    missing = [name_of(e) for e in peers if e not in rivals]
    floors = _coverage_floors(mix, totals)
    settled = mix.filter(
        pl.col("share").is_not_null() & (pl.col("covered").is_not_null() | pl.col("month").is_in(list(floors)))
    )
    if settled.is_empty():
        lead = text("No month has model figures that can be set against HIMA's own published total.")
    else:
        last = settled["month"].max()
        rows = settled.filter(pl.col("month") == last).sort("share", descending=True)
        row = rows.row(0, named=True)
        at = {"month": last, "powertrain": row["powertrain"]}
        alone = mix.filter(pl.col("month") == last).height == 1
        if last in floors:
            c = text(
                "{c} of HIMA's {t} published deliveries (a floor: the upper bounds among the model figures add an "
                "unknown amount)",
                c=fmt.fmt_q(floors[last], "over", kind="pct"),
                t=cite(
                    totals,  # type: ignore[arg-type]
                    "value",
                    download=totals_download or download,
                    month=last,
                    **({"entity": "HIMA"} if "entity" in totals.columns else {}),  # type: ignore[union-attr]
                ),
            )
        else:
            c = text("{c} of HIMA's published deliveries", c=cite(mix, "covered", download=download, kind="pct", **at))
        pt = _POWERTRAIN_PHRASE.get(str(row["powertrain"]), "an unrecorded powertrain")
        month = cite(mix, "month", download=download, kind="month", **at)
        if alone:
            body = text(
                "In {m}, the latest month whose model figures can be set against HIMA's total, {which} with {pt}, "
                "covering {c}",
                m=month,
                which="the only model figure is of a model"
                if row["models"] == 1
                else "every model figure is of models",
                pt=pt,
                c=c,
            )
        else:
            body = text(
                "In {m}, the latest month whose model figures can be set against HIMA's total, models with {pt} made "
                "{s} of the model figures, which cover {c}",
                m=month,
                pt=pt,
                s=cite(mix, "share", download=download, kind="pct", **at),
                c=c,
            )
        later = sorted({m for m in mix.filter(pl.col("month") > last)["month"].to_list()})
        known = set(totals.filter(pl.col("value").is_not_null())["month"].to_list()) if totals is not None else set()
        no_total = [m for m in later if totals is not None and m not in known]
        unsure = [m for m in later if m not in no_total]
        reasons = []
        if no_total:
            reasons.append(text("HIMA published no total for {ms}", ms=fmt.fmt_month_runs(no_total)))
        if unsure:
            reasons.append(
                text(
                    "the model figures for {ms} set approximate figures beside bounds, or have no total to set them "
                    "against, so no share of HIMA's total is certain",
                    ms=fmt.fmt_month_runs(unsure),
                )
            )
        lead = text(
            "{body}; the rest of the month is not split by powertrain.{later}",
            body=body,
            later=text(" Later model figures are not set against a total: {r}.", r=reasons) if reasons else text(""),
        )
    if not missing:
        return lead
    return text(
        "{lead} {who} publish no model-level figures or powertrain split on record here, so their mix is not shown.",
        lead=lead,
        who=missing,
    )


def other_measures(other: pl.DataFrame, *, entity: str, download: str) -> Text | None:
    """The entity's figures of measures other than deliveries (wholesale from a maker's sales
    bulletin, say), which the delivery series leaves out: how many, and the latest, so a reader
    of the delivery figures is not left without the newest month on record.

    >>> import datetime as dt
    >>> o = pl.DataFrame({"entity": "LUXEED", "month": [dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
    ...     "measure": "wholesale", "value": [4506, 945], "qualifier": "exact", "source_id": "s"})
    >>> import re
    >>> print(re.sub(r"<[^>]+>|" + chr(92) * 2, "", other_measures(o, entity="LUXEED", download="d").markdown))
    ... # doctest: +NORMALIZE_WHITESPACE
    智界 Luxeed also has 2 wholesale (company sales) figures, kept out of the delivery series as
    another measure: the latest is 945 in Feb 2026.
    """
    from .. import vocabulary

    rows = other.filter(pl.col("value").is_not_null())
    if rows.is_empty():
        return None
    parts = []
    measures = sorted(set(rows["measure"].cast(pl.String).to_list()))
    for measure in measures:
        mine = rows.filter(pl.col("measure").cast(pl.String) == measure).sort("month")
        last = mine.row(-1, named=True)
        parts.append(
            text(
                "{n} {what} figures, kept out of the delivery series as another measure: the latest is {v} in {m}",
                n=count(rows, "value", download=download) if len(measures) == 1 else str(mine.height),
                what=vocabulary.label("measure", measure).lower(),
                v=cite(other, "value", download=download, month=last["month"], measure=measure),
                m=fmt.fmt_month(last["month"]),
            )
        )
    return text("{who} also has {parts}.", who=name_of(entity), parts=parts)
