"""Sentences about forecasts, event effects and breaks, from the statistics results."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from ..display.names import name_of
from ..display.text import Text, cite, text
from ..statistics.breaks import MIN_CONCLUSIVE_CUSUM, MIN_CONCLUSIVE_SIDE
from ..statistics.candidates import MIN_ORIGINS
from ..vocabulary import counted

__all__ = [
    "event_effects_status",
    "event_effects_unestimated",
    "forecast_caption",
    "forecast_checks",
    "forecast_status",
    "share_breaks_status",
]


def forecast_status(result, reason: str, *, download: str, entity: str) -> Text:
    """What the forecast for ``entity`` is and how much weight it bears: the model shown, the
    history it rests on, and whether any model beat the baselines on enough origins. ``result``
    is a :class:`~hima_analytics.statistics.ForecastResult` or None (then ``reason`` says why);
    figures are cited from the download of ``result.forecast``, the one path the page shows."""
    who = name_of(entity)
    if result is None:
        return text(
            "No forecast for {who}: {why}",
            who=who,
            why=reason.split(". Hint:")[0].replace("forecast: expected", "the models need").rstrip(".") + ".",
        )
    h = result.history
    span = f"{fmt.fmt_month(h['from'])} – {fmt.fmt_month(h['to'])}"
    run = counted(int(h["months"]), "consecutive published month")
    if result.forecast.is_empty():
        return text(
            "{who}: no outlook. {run} ({span}) allow {k}, and at least {need} are needed to choose a model; "
            "a flat path cannot cross the Chinese New Year trough, and the same months a year earlier are not "
            "all published.",
            who=who,
            run=run,
            span=span,
            k=counted(result.origins, "backtest origin"),
            need=str(MIN_ORIGINS),
        )
    path = result.forecast.sort("month")
    first = path.row(0, named=True)
    mean = cite(path, "mean", download=download, month=first["month"])
    if result.indicative:
        return text(
            "{who}: indicative only, not a tested forecast. {run} ({span}) allow {k}, and at least {need} are "
            "needed to choose a model. The {b} baseline puts {m} at {mean}{through}.",
            who=who,
            run=run,
            span=span,
            k=counted(result.origins, "backtest origin"),
            need=str(MIN_ORIGINS),
            b=result.shown,
            m=fmt.fmt_month(first["month"]),
            mean=mean,
            through="" if path.height == 1 else text(" (path to {last})", last=fmt.fmt_month(path["month"].max())),
        )
    if result.beats_baselines:
        verdict = text(
            "{model} beat the baselines over {k}",
            model=result.model,
            k=counted(result.origins, "backtest origin"),
        )
    else:
        verdict = text(
            "no model beat the baselines over {k}, so the {b} baseline is shown",
            k=counted(result.origins, "backtest origin"),
            b=result.shown,
        )
    return text(
        "{who}: {verdict}; it puts {m} at {mean}, from {run} ({span}).",
        who=who,
        verdict=verdict,
        m=fmt.fmt_month(first["month"]),
        mean=mean,
        run=run,
        span=span,
    )


def forecast_checks(check: pl.DataFrame, parts: pl.DataFrame, *, download: str) -> Text | None:
    """What the figures already published for the forecast months say about it: a published
    total inside or outside the interval, or how much of the forecast the published parts
    (brand figures, a floor under the total) already make up. ``check`` is
    :func:`~hima_analytics.statistics.against_record`'s output (the download ``download``);
    ``parts`` has ``entity`` and ``month``, to name the parts."""
    if check.is_empty():
        return None
    outside = check.filter(pl.col("check").str.contains("outside|too low"))
    if outside.height:
        r = outside.sort("month").row(0, named=True)
        return text(
            "Published figures already contradict the forecast for {m}: {what}.",
            m=fmt.fmt_month(r["month"]),
            what=cite(check, "check", download=download, kind="text", month=r["month"]),
        )
    with_parts = check.filter(pl.col("parts_floor").is_not_null() & pl.col("published").is_null())
    if with_parts.height:
        r = with_parts.sort("month").row(0, named=True)
        names = [name_of(e) for e in parts.filter(pl.col("month") == r["month"])["entity"].sort().to_list()]
        fields = {
            "m": fmt.fmt_month(r["month"]),
            "floor": cite(check, "parts_floor", download=download, month=r["month"]),
            "share": cite(check, "parts_share", download=download, kind="pct", decimals=0, month=r["month"]),
            "mean": cite(check, "mean", download=download, month=r["month"]),
        }
        if len(names) == 1:
            return text(
                "{who}'s {floor} in {m} alone is {share} of the forecast for the alliance ({mean}).",
                who=names[0],
                **fields,
            )
        return text(
            "The brands published for {m} ({who}) already sum to {floor}, {share} of the forecast ({mean}).",
            who=names,
            **fields,
        )
    inside = check.filter(pl.col("check").str.contains("inside"))
    if inside.height:
        return text(
            "The published figures for {k} fall inside the forecast's interval.",
            k=counted(inside.height, "forecast month"),
        )
    return None


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
            "None of the {n} that fall inside the record has an effect on HIMA's monthly deliveries "
            "distinguishable from zero at the 95% level.",
            n=counted(est.height, "event indicator"),
        )
    return text(
        "Of {n} inside the record, {names} show an effect distinguishable from zero at the 95% level.",
        n=counted(est.height, "event indicator"),
        names=sig["event"].to_list(),
    )


def event_effects_unestimated(effects: pl.DataFrame) -> Text | None:
    """The events that could not be estimated, in one sentence per reason (the table shows only
    the estimated ones)."""
    skipped = effects.filter(pl.col("effect").is_null())
    if skipped.is_empty():
        return None
    lines: list[Text] = []
    for (note,), group in skipped.sort("month").group_by("note", maintain_order=True):
        names = [name for joined in group["event"].to_list() for name in str(joined).split("; ")]
        k = counted(len(names), "event")
        if "before the event" in str(note):
            lines.append(
                text(
                    "Not estimated, as the published record starts after them ({k}): {names}.",
                    k=k,
                    names=names,
                )
            )
        elif "after the event" in str(note):
            lines.append(
                text("Not estimated, as they come after the latest published month ({k}): {names}.", k=k, names=names)
            )
        else:
            lines.append(
                text(
                    "Not estimated, as they cannot be told apart from the trend or an earlier event ({k}): {names}.",
                    k=k,
                    names=names,
                )
            )
    return Text(" ".join(t.markdown for t in lines))


def share_breaks_status(tests: pl.DataFrame, *, part: str, whole: str) -> Text | None:
    """Whether any Chow or CUSUM test finds a break in the part's share of the whole, and, when
    none does, whether the tests had enough observations to say so (see
    :func:`~hima_analytics.statistics.breaks.conclusive`)."""
    if tests.is_empty():
        return None
    hits = tests.filter(pl.col("p_value") < 0.05)
    p, w = name_of(part), name_of(whole)
    if hits.height:
        when = [fmt.fmt_month(d) for d in hits["break_date"].drop_nulls().to_list()] or ["the trend's stability"]
        thin = hits.filter((pl.col("test") == "chow") & ~pl.col("conclusive").fill_null(False))
        if thin.height:
            r = thin.sort("break_date").row(0, named=True)
            return text(
                "A break in {p}'s share of {w} is significant at 5% at {when}, but on only {b} before "
                "{m} and {a} after, so it is a signal to watch rather than an established break.",
                p=p,
                w=w,
                when=when,
                m=fmt.fmt_month(r["break_date"]),
                b=counted(int(r["n_before"]), "month"),
                a=counted(int(r["n_after"]), "month"),
            )
        return text("A break in {p}'s share of {w} is significant at 5% at {when}.", p=p, w=w, when=when)
    weak = tests.filter(~pl.col("conclusive").fill_null(False))
    if weak.is_empty():
        return text(
            "No test finds a break in {p}'s share of {w} ({k}, none significant at 5%).",
            p=p,
            w=w,
            k=counted(tests.height, "test"),
        )
    reasons = []
    for r in weak.iter_rows(named=True):
        if r["test"] == "cusum":
            reasons.append(
                text(
                    "the CUSUM test has {n} in all ({need} needed)",
                    n=counted(int(r["n_obs"]), "month"),
                    need=str(MIN_CONCLUSIVE_CUSUM),
                )
            )
        else:
            side, k = ("before", r["n_before"]) if r["n_before"] <= r["n_after"] else ("after", r["n_after"])
            reasons.append(
                text(
                    "the Chow test at {m} has {k} {side} it",
                    m=fmt.fmt_month(r["break_date"]),
                    k=counted(int(k), "month"),
                    side=side,
                )
            )
    return text(
        "The tests cannot say whether {p}'s share of {w} broke: none is significant at 5%, but {why}, and "
        "{need} months on each side of a date are needed to rule a break out.",
        p=p,
        w=w,
        why=reasons,
        need=str(MIN_CONCLUSIVE_SIDE),
    )


def forecast_caption(result, *, parts: bool = False) -> list[str]:
    """The chart subtitle for a forecast: what the dashed path is, whether it was tested, and
    what the shading and markers mean (plain text lines; chart titles are not Markdown)."""
    if result is None or result.forecast.is_empty():
        return ["Published months only: no forecast path (see the key points)"]
    lines = []
    if result.indicative:
        lines.append(
            f"Indicative only, not a tested forecast: {counted(result.origins, 'backtest origin')}, "
            f"at least {MIN_ORIGINS} are needed to choose a model"
        )
    has_band = result.forecast["lower"].null_count() < result.forecast.height
    lines.append(
        f"Dashed: the {result.shown} path"
        + (f"; shaded: {result.level:.0%} prediction interval" if has_band else " (no interval)")
    )
    if parts:
        lines.append(
            "Black markers: brand figures already published for those months (the total is at least their sum)"
        )
    return lines
