"""Sentences about forecasts, event effects and breaks, from the statistics results."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from ..display.names import name_of
from ..display.text import Text, cite, text
from ..vocabulary import counted

__all__ = ["event_effects_status", "forecast_checks", "forecast_status", "share_breaks_status"]


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
            "with {k} no model can be preferred to the baselines, so the {b} baseline is shown",
            k=counted(origins, "backtest origin"),
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
