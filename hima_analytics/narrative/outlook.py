"""Sentences about forecasts, event effects and breaks, from the statistics results."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from ..display.names import name_of
from ..display.text import Text, cite, text
from ..statistics.breaks import MIN_CONCLUSIVE_CUSUM, MIN_CONCLUSIVE_SIDE, SIGNIFICANCE
from ..statistics.candidates import MIN_ORIGINS
from ..statistics.errors import InsufficientData, ShortRun
from ..statistics.events import SE_HAC, SE_ORDINARY, TOGETHER_NOTE
from ..statistics.months import bound_months, bounds_sentence
from ..vocabulary import counted

__all__ = [
    "event_effects_method",
    "event_effects_status",
    "event_effects_unestimated",
    "forecast_caption",
    "forecast_checks",
    "forecast_status",
    "implied_check",
    "range_subtitle",
    "runs_coverage",
    "share_breaks_status",
    "share_trend_status",
]


def _why_no_forecast(reason: str | InsufficientData) -> str:
    """Why there is no forecast, in words, from the fields of the error that refused it.

    >>> import datetime as dt
    >>> from hima_analytics.statistics.months import MonthRun
    >>> run = MonthRun([dt.date(2026, 2, 1)], [1.0])
    >>> earlier = MonthRun([dt.date(2025, m, 1) for m in range(1, 9)], [1.0] * 8)
    >>> err = ShortRun(minimum=6, run=run, earlier=earlier, bounded=[])
    >>> print(_why_no_forecast(err))  # doctest: +NORMALIZE_WHITESPACE
    the models need at least 6 consecutive published months, and the record ends with only 1 consecutive month
    (Feb 2026 – Feb 2026); an earlier run of 8 consecutive months (Jan 2025 – Aug 2025) is not used, because
    forecasts start from the latest month.
    """
    if isinstance(reason, ShortRun):
        earlier = (
            f"; an earlier run of {reason.earlier.describe()} is not used, because forecasts start from the latest "
            "month"
            if reason.earlier is not None
            else ""
        )
        return (
            f"the models need at least {counted(reason.minimum, 'consecutive published month')}, and the record "
            f"ends with only {reason.run.describe()}{earlier}."
        )
    if isinstance(reason, InsufficientData):
        return f"{reason.where} needs at least {reason.minimum} {reason.unit}, and got {reason.got}."
    return reason


def forecast_status(
    result, reason: str | InsufficientData, *, download: str, entity: str, series: pl.DataFrame | None = None
) -> Text:
    """What the forecast for ``entity`` is and how much weight it bears: the model shown, the
    history it rests on, and whether any model beat the baselines on enough origins. ``result``
    is a :class:`~hima_analytics.statistics.ForecastResult` or None (then ``reason``, the error
    :func:`~hima_analytics.statistics.try_forecast` returned, says why from its fields); figures are
    cited from the download of ``result.forecast``, the one path the page shows. ``series`` (the
    frame forecast, with ``month`` and ``qualifier``) lets a missing forecast say which months were
    published only as bounds, which models treat as gaps."""
    who = name_of(entity)
    if result is None:
        bounds = bounds_sentence(bound_months(series)) if series is not None else ""
        return text("No forecast for {who}: {why} {bounds}", who=who, bounds=bounds, why=_why_no_forecast(reason))
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
    if result.indicative and not result.alternatives.is_empty():
        return _indicative_status(result, who=who, run=run, span=span, download=download)
    path = result.forecast.sort("month")
    first = path.row(0, named=True)
    mean = cite(path, "mean", download=download, month=first["month"])
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


def _indicative_status(result, *, who: str, run: str, span: str, download: str) -> Text:
    """The indicative range: no single value, every model's value with the lowest-error one named.
    Figures are cited from ``result.alternatives`` (the download ``download``)."""
    alts = result.alternatives
    lo, hi = alts.row(0, named=True), alts.row(-1, named=True)
    best = alts.filter(pl.col("lowest_error"))
    fields = {
        "who": who,
        "run": run,
        "span": span,
        "k": counted(result.origins, "backtest origin"),
        "need": str(MIN_ORIGINS),
        "m": fmt.fmt_month(lo["month"]),
        "lo": cite(alts, "mean", download=download, model=lo["model"]),
        "lo_model": lo["model"],
        "hi": cite(alts, "mean", download=download, model=hi["model"]),
        "hi_model": hi["model"],
        "n": counted(alts.height, "model and baseline", "models and baselines"),
    }
    head = text(
        "{who}: indicative only, not a tested forecast. {run} ({span}) allow {k}, and at least {need} are "
        "needed to choose a model, so no single value is the outlook: for {m} the {n} range from {lo} "
        "by {lo_model} to {hi} by {hi_model}.",
        **fields,
    )
    if best.is_empty():
        return head
    b = best.row(0, named=True)
    tail = text(
        "{best} has the lowest backtest error (MAPE {mape}), but {k} cannot choose between them.",
        best=b["model"],
        mape=cite(alts, "mape", download=download, kind="pct", model=b["model"]),
        k=counted(result.origins, "backtest origin"),
    )
    return Text(head.markdown + " " + tail.markdown)


def implied_check(check: pl.DataFrame, implied: pl.DataFrame, *, whole: str, download: str, implied_download: str):
    """What a published part says about the indicative values: the total the part implies given
    its historical share of ``whole`` (:func:`~hima_analytics.statistics.implied_totals`, the
    download ``implied_download``), and for each value outside that range whether the published
    parts point lower or higher and by how much (:func:`~hima_analytics.statistics.against_implied`,
    the download ``download``). Each gap is given in vehicles and as a share of the model's own
    value (``gap_share = gap / mean``), never of the range end. None when no part implies a range."""
    if check.is_empty() or implied.is_empty():
        return None
    r = implied.sort("month", "entity").row(0, named=True)
    key = {"month": r["month"], "entity": r["entity"]}
    rows = check.filter((pl.col("month") == r["month"]) & (pl.col("entity") == r["entity"]))
    head = text(
        "{part}'s {value} in {m}, with its share of {whole} between {smin} ({smin_m}) and {smax} ({smax_m}) "
        "over the {n} of {window} in which both were published, implies a {whole} total of {lo} to {hi}.",
        part=name_of(r["entity"]),
        value=cite(implied, "value", download=implied_download, **key),
        m=fmt.fmt_month(r["month"]),
        whole=name_of(whole),
        smin=cite(implied, "share_min", download=implied_download, kind="pct", **key),
        smin_m=fmt.fmt_month(r["share_min_month"]),
        smax=cite(implied, "share_max", download=implied_download, kind="pct", **key),
        smax_m=fmt.fmt_month(r["share_max_month"]),
        n=counted(int(r["share_months"]), "month"),
        window=fmt.fmt_month_span(r["window_start"], r["window_end"]),
        lo=cite(implied, "implied_low", download=implied_download, **key),
        hi=cite(implied, "implied_high", download=implied_download, **key),
    )
    parts = [head]
    for position, direction, end in (("above", "lower", "above the top"), ("below", "higher", "below the bottom")):
        out = rows.filter(pl.col("position") == position).sort("gap", descending=True)
        if out.is_empty():
            continue
        items = [  # the share is of the model's own value (gap_share = gap / mean), as the table's column says
            text(
                "{model} ({mean}; {gap} {end}, {share} of its value)",
                model=x["model"],
                mean=cite(check, "mean", download=download, model=x["model"], **key),
                gap=cite(check, "gap", download=download, model=x["model"], **key),
                share=cite(check, "gap_share", download=download, kind="pct", decimals=0, model=x["model"], **key),
                end=end,
            )
            for x in out.iter_rows(named=True)
        ]
        parts.append(text("The published parts point {direction} than {items}.", direction=direction, items=items))
    inside = rows.filter(pl.col("position") == "inside")["model"].to_list()
    if inside:
        parts.append(text("Inside that range: {models}.", models=inside))
    return Text(" ".join(t.markdown for t in parts))


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
                    "Not estimated, as the published record has no month before them ({k}): {names}.",
                    k=k,
                    names=names,
                )
            )
        elif str(note).startswith(TOGETHER_NOTE):
            lines.append(
                text(
                    "Estimated together with an earlier event, as no month between them is published "
                    "(the table names both): {names}.",
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


def share_breaks_status(tests: pl.DataFrame, *, part: str, whole: str, download: str | None = None) -> Text | None:
    """Whether any Chow or CUSUM test finds a break in the part's share of the whole, and, when
    none does, whether the tests had enough observations to say so (see
    :func:`~hima_analytics.statistics.breaks.conclusive`). ``tests`` may carry the columns of
    :func:`~hima_analytics.statistics.describe_breaks` (``event``, ``when``, ``nearby``): then each
    date is named by its event at the event's own precision, and a significant break close to
    other events is said to be one the test cannot attribute. A significant break that is not
    significant without one month (``rests_on_one_month``, the leave-one-out refit of
    :func:`~hima_analytics.statistics.share_breaks`) is said to rest on that month, named, with
    the refit's p-value (cited from the download ``download`` when given)."""
    if tests.is_empty():
        return None
    hits = tests.filter(pl.col("p_value") < SIGNIFICANCE)
    p, w = name_of(part), name_of(whole)
    if hits.height:
        chow = hits.filter(pl.col("test") == "Chow").sort("break_date")
        when = [_tested(r) for r in chow.iter_rows(named=True)] or ["the trend's stability"]
        thin = chow.filter(~pl.col("conclusive").fill_null(False))
        if thin.height:
            r = thin.row(0, named=True)
            lead = text(
                "A break in {p}'s share of {w} is significant at 5% at {when}, but on only {b} before "
                "{m} and {a} from it, so it is a signal to watch rather than an established break.",
                p=p,
                w=w,
                when=when,
                m=fmt.fmt_month(r["break_date"]),
                b=counted(int(r["n_before"]), "month"),
                a=counted(int(r["n_after"]), "month"),
            )
        else:
            lead = text("A break in {p}'s share of {w} is significant at 5% at {when}.", p=p, w=w, when=when)
        parts = [lead, *_resting_on_one_month(chow, download)]
        close = [(r, list(r.get("nearby") or [])) for r in chow.iter_rows(named=True) if list(r.get("nearby") or [])]
        if close:
            r, others = close[0]
            parts.append(
                text(
                    "It coincides with {others}, so the test cannot attribute it to one event.",
                    others=others,
                )
            )
        return Text(" ".join(t.markdown for t in parts))
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
        if r["test"] == "CUSUM":
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
                    m=_tested(r),
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


def _resting_on_one_month(chow: pl.DataFrame, download: str | None) -> list[Text]:
    """One sentence per significant Chow test that a single month makes: the month, and the
    p-value without it."""
    if "rests_on_one_month" not in chow.columns:
        return []
    out = []
    for r in chow.filter(pl.col("rests_on_one_month").fill_null(False)).iter_rows(named=True):
        key = {"test": r["test"], "break_date": r["break_date"]}
        month = (
            cite(chow, "without_month", download=download, kind="month", **key)
            if download
            else fmt.fmt_month(r["without_month"])
        )
        p_without = (
            cite(chow, "p_without", download=download, kind="decimal", decimals=3, **key)
            if download
            else fmt.fmt_q(r["p_without"], None, kind="decimal", decimals=3)
        )
        fields = {"m": month, "p": p_without, "level": f"{SIGNIFICANCE:.0%}"}
        if r["without_month"].month in (1, 2):
            out.append(
                text(
                    "It rests on one month: without {m} (January and February hold the Chinese New Year "
                    "trough) p = {p}, not significant at {level}.",
                    **fields,
                )
            )
        else:
            out.append(text("It rests on one month: without {m} p = {p}, not significant at {level}.", **fields))
    return out


def share_trend_status(trend: pl.DataFrame, *, part: str, whole: str, download: str) -> Text | None:
    """The linear trend in the part's share of the whole, in percentage points a month with its
    interval, from :attr:`~hima_analytics.statistics.ShareBreaksResult.trend` (the same fit the
    break tests use; the download ``download``), and whether the interval excludes zero."""
    rows = trend.filter(pl.col("term") == "trend")
    if rows.is_empty():
        return None
    r = rows.row(0, named=True)
    fields = {
        "p": name_of(part),
        "w": name_of(whole),
        "slope": cite(trend, "coef", download=download, kind="pp", decimals=2, term="trend"),
        "lo": cite(trend, "ci_low", download=download, kind="pp", decimals=2, term="trend"),
        "hi": cite(trend, "ci_high", download=download, kind="pp", decimals=2, term="trend"),
        "level": f"{r['level']:.0%}",
        "n": counted(int(r["n_obs"]), "month"),
        "span": fmt.fmt_month_span(r["first_month"], r["last_month"]),
    }
    if r["ci_low"] > 0 or r["ci_high"] < 0:
        return text(
            "On a linear trend over the {n} with both figures ({span}), {p}'s share of {w} changed by {slope} a "
            "month ({level} interval {lo} to {hi}, which excludes zero).",
            **fields,
        )
    return text(
        "On a linear trend over the {n} with both figures ({span}), {p}'s share of {w} changed by {slope} a "
        "month, but the {level} interval ({lo} to {hi}) includes zero: the slope is not distinguishable from zero.",
        **fields,
    )


def event_effects_method(result) -> Text | None:
    """How the event effects' intervals were computed, true to each row: Newey-West (HAC)
    standard errors, or the ordinary ones where those are larger, counting the events whose
    interval uses each (the ``se_kind`` column of
    :attr:`~hima_analytics.statistics.EventEffectsResult.effects`, which the table shows per
    event), and that the HAC lags run across the gaps in the record (``result.absent``)."""
    est = result.effects.filter(pl.col("effect").is_not_null())
    if est.is_empty():
        return None
    hac = est.filter(pl.col("se_kind") == SE_HAC).height
    ordinary = est.filter(pl.col("se_kind") == SE_ORDINARY).height
    lags = counted(int(result.hac_lags), "lag")
    if hac and ordinary:
        head = text(
            "Each 95% confidence interval uses the larger of two standard errors: the Newey–West (HAC, {lags}) "
            "one, which allows for errors correlated from month to month, or the ordinary OLS one. The HAC one "
            "is used for {hac}, the ordinary one, being larger, for {ordinary}; the table says which for each.",
            lags=lags,
            hac=counted(hac, "event indicator"),
            ordinary=counted(ordinary, "event indicator") if ordinary > 1 else "the other one",
        )
    elif hac:
        head = text(
            "The 95% confidence intervals use Newey–West (HAC, {lags}) standard errors, which allow for errors "
            "correlated from month to month; for every event they are at least as large as the ordinary OLS ones.",
            lags=lags,
        )
    else:
        head = text(
            "The 95% confidence intervals use the ordinary OLS standard errors: for every event they are larger "
            "than the Newey–West (HAC, {lags}) ones, and the larger of the two is used.",
            lags=lags,
        )
    absent = list(result.absent)
    if not absent or not result.hac_lags:
        return head
    spans: list[list] = []
    for m in sorted(absent):
        if spans and (spans[-1][-1].year * 12 + spans[-1][-1].month) + 1 == m.year * 12 + m.month:
            spans[-1].append(m)
        else:
            spans.append([m])
    gaps = text(
        "The record has no figure for {months}; the HAC lags run across these gaps, treating the months either "
        "side of a gap as neighbours.",
        months=[fmt.fmt_month_span(g[0], g[-1]) for g in spans],
    )
    return Text(head.markdown + " " + gaps.markdown)


def runs_coverage(runs: pl.DataFrame, expected: list[str]) -> Text:
    """Which series the gap-free-run table (:func:`~hima_analytics.statistics.count_runs`)
    covers: those with at least one monthly count among ``expected`` (entity ids), and the
    ones it leaves out because they publish none."""
    have = set(runs["entity"].cast(pl.String).to_list()) if runs.height else set()
    missing = [name_of(e) for e in expected if e not in have]
    if not missing:
        return text("Every series has monthly counts and a row in the table.")
    return text(
        "The table covers the series with monthly delivery counts; {missing} {verb} none, so {pron} no row.",
        missing=missing,
        verb="publishes" if len(missing) == 1 else "publish",
        pron="it has" if len(missing) == 1 else "they have",
    )


def _tested(r: dict) -> Text:
    """A tested date: its event and the date at the event's precision, else the month."""
    if r.get("event"):
        return text("the {event} ({when})", event=r["event"], when=r.get("when") or fmt.fmt_month(r["break_date"]))
    return text("{m}", m=fmt.fmt_month(r["break_date"]))


def forecast_caption(result, *, parts: bool = False, implied: str | None = None) -> list[str]:
    """The chart subtitle for a forecast, describing what :func:`~hima_analytics.display.band_forecast`
    draws: the dashed path (or, when the forecast is indicative, one marker per model and baseline
    for the month it covers), the shading, the implied range (``implied`` names the part it comes
    from) and the published part markers (plain text lines; chart titles are not Markdown)."""
    if result is None or result.forecast.is_empty():
        return ["Published months only: no forecast path (see the key points)"]
    lines = []
    if result.indicative and not result.alternatives.is_empty():
        m = fmt.fmt_month(result.alternatives["month"][0])
        lines.append(
            f"Indicative only, not a tested forecast: {counted(result.origins, 'backtest origin')}, "
            f"at least {MIN_ORIGINS} are needed to choose a model"
        )
        lines.append(f"Coloured markers: each model's and baseline's value for {m} (no interval)")
        for group in overlapping(result.alternatives):
            lines.append(
                f"Overlapping markers: {_and(group['model'].to_list())} lie within "
                f"{fmt.fmt_int(group['mean'].max() - group['mean'].min())} vehicles of each other "
                f"(about {fmt.fmt_int(group['mean'].mean())}; the table lists each)"
            )
        if implied:
            lines.append(f"Grey bar: the total implied by {implied}'s figure and its past share range")
    else:
        if result.indicative:
            lines.append(
                f"Indicative only, not a tested forecast: {counted(result.origins, 'backtest origin')}, "
                f"at least {MIN_ORIGINS} are needed to choose a model"
            )
        has_band = result.forecast["lower"].null_count() < result.forecast.height
        what = "marker" if result.forecast.height == 1 else "dashed path"
        lines.append(
            f"{what.capitalize()}: the {result.shown}"
            + (f"; shaded: {result.level:.0%} prediction interval" if has_band else " (no interval)")
        )
    if parts:
        lines.append(
            "Black outlined markers: brand figures already published for those months, shaped by the kind of "
            "figure (the total is at least their sum)"
        )
    return lines


OVERLAP_SHARE = 0.025
"""Values closer than this share of the largest one draw as one marker on the forecast chart."""


def overlapping(alternatives: pl.DataFrame, *, share: float = OVERLAP_SHARE) -> list[pl.DataFrame]:
    """Groups of two or more indicative values (``model``, ``mean``) so close that their markers
    overlap: sorted by value, a value within ``share`` of the largest value of the one before it
    joins its group.

    >>> f = pl.DataFrame({"model": ["a", "b", "c", "d"], "mean": [21_517.0, 57_915.0, 57_918.0, 57_954.0]})
    >>> [g["model"].to_list() for g in overlapping(f)]
    [['b', 'c', 'd']]
    """
    if alternatives.height < 2:
        return []
    top = alternatives["mean"].max()
    tol = share * float(top)  # type: ignore[arg-type]
    grouped = alternatives.sort("mean").with_columns(
        (pl.col("mean").diff().fill_null(tol + 1) > tol).cum_sum().alias("_group")
    )
    return [g.drop("_group") for _, g in grouped.group_by("_group", maintain_order=True) if g.height > 1]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def range_subtitle(result) -> str:
    """The subtitle of the table of indicative values: why no single value is the outlook, with
    the backtest's own count of origins, and that every candidate tested is listed (plain text)."""
    return (
        f"No single value is the outlook: {counted(result.origins, 'backtest origin')} (at least {MIN_ORIGINS} "
        "are needed) cannot choose between them, so every candidate model tested and every baseline is listed"
    )
