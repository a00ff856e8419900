"""Event (intervention) analysis: did a launch, a partner's arrival or a price cut move volumes?"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import polars as pl

from ..metrics.series import require_columns
from ..vocabulary import counted
from .months import add_months, clean_series, month_index, month_label

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

Shape = Literal["step", "pulse"]
TOGETHER_NOTE = "estimated together with"  # the note of an event whose step equals an earlier one's
_COND_LIMIT = 30.0  # Belsley's rule of thumb for the scaled condition number
_EFFECTS_SCHEMA = {  # the columns of EventEffectsResult.effects
    "event": pl.String,
    "event_type": pl.String,
    "month": pl.Date,
    "date": pl.Date,
    "effect": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "p_value": pl.Float64,
    "std_error": pl.Float64,
    "se_kind": pl.String,
    "se_hac": pl.Float64,
    "se_ordinary": pl.Float64,
    "hac_lags": pl.Int64,
    "n_obs": pl.Int64,
    "note": pl.String,
}
SE_HAC = "HAC"
"""``se_kind`` of an effect whose interval uses the Newey-West (HAC) standard error."""
SE_ORDINARY = "ordinary"
"""``se_kind`` of an effect whose interval uses the ordinary OLS standard error (larger than HAC)."""


def _fmt(x: float, *, sign: bool = False) -> str:
    """Volumes as whole vehicles with separators; shares (|x| < 1) as fractions to 4 places."""
    spec = ("+" if sign else "") + (",.0f" if abs(x) >= 1 else ".4f")
    return format(x, spec)


@dataclass(frozen=True)
class EventEffectsResult:
    """Output of :func:`event_effects`.

    - ``effects``: event, event_type, month (the indicator's first month), date, effect,
      ci_low, ci_high, p_value, std_error (the one the interval uses), se_kind
      (:data:`SE_HAC` or :data:`SE_ORDINARY`: which of the two is larger and so used),
      se_hac, se_ordinary, hac_lags, n_obs, note -- one row per distinct indicator (events in
      the same month share one);
    - ``design``: the regressors actually used (text); ``summary``: plain text with caveats;
    - ``hac_lags``: the Newey-West lags; ``absent``: the months inside the sample's span with no
      observation, across which those lags run (rows either side of a gap are treated as
      neighbours).
    """

    effects: pl.DataFrame
    design: str
    summary: str
    hac_lags: int = 0
    absent: tuple[dt.date, ...] = ()


def event_effects(
    series: pl.DataFrame,
    events: pl.DataFrame,
    *,
    value: str = "value",
    month: str = "month",
    kinds: Sequence[str] = ("launch", "partner_join", "price_cut"),
    window_months: int | None = None,
    shape: Shape = "step",
    pulse_months: int = 3,
    level: float = 0.95,
) -> EventEffectsResult:
    """Effect of events on a monthly series (volume, or share), by OLS with HAC errors.

    Model: ``y[t] = a + b * t + sum_m g_m * month_m + sum_e effect_e * x_e[t] + u[t]`` where
    ``t`` counts calendar months, ``month_m`` are month-of-year dummies (used only when the
    sample has at least 24 observations and 10 residual degrees of freedom remain) and
    ``x_e`` is the event's indicator: a step (1 from the event's month on, ``shape="step"``) or a
    pulse (1 for ``pulse_months`` months from the event's month, ``shape="pulse"``). The effect
    is in the units of ``value`` (vehicles per month, or a share fraction). Standard errors are
    the larger of the Newey-West one (HAC, Bartlett kernel, ``floor(4 * (n / 100) ** (2 / 9))``
    lags, small-sample correction) and the ordinary OLS one, per coefficient, with t-based
    intervals at ``level`` (residual degrees of freedom); ``se_kind`` says which was used for
    each effect. The floor matters: in samples of 3-4 years HAC alone under-covers (about 87 %
    actual coverage for a nominal 95 % in a simulation with white-noise errors, 79 % without
    the correction).

    ``events`` is the events table (``date``, ``event_type``, ``description``; an optional
    ``label`` names each event in the output, else ``entity`` and type; ``entity`` if
    present); filter it to the entities that matter before calling. Events of other types than
    ``kinds`` are ignored; events in the same month share one indicator. ``window_months``
    keeps only observations within that many months of the first and last event.

    Gaps: absent months are simply absent observations (nothing is filled); HAC weights treat
    neighbouring rows as adjacent, so the lags run across gaps (``absent`` lists the months).
    If the design is near-singular (scaled condition number above 30) the month effects are
    dropped first, then any event that is still collinear; the summary says so. An event with
    no observation on one side of its indicator cannot be estimated and gets a null effect with
    a note.

    >>> import datetime as dt, math, polars as pl
    >>> months = pl.date_range(dt.date(2022, 1, 1), dt.date(2024, 12, 1), "1mo", eager=True)
    >>> y = [1000 + 5 * i + (400 if i >= 18 else 0) + 30 * math.sin(i * 2.1) for i in range(36)]
    >>> ev = pl.DataFrame({"date": [dt.date(2023, 7, 10)], "event_type": ["launch"], "description": ["X"]})
    >>> res = event_effects(pl.DataFrame({"month": months, "value": y}), ev)
    >>> row = res.effects.row(0, named=True)
    >>> round(row["effect"], -1), row["ci_low"] < 400 < row["ci_high"], row["n_obs"]
    (400.0, True, 36)
    >>> row["std_error"] == max(row["se_hac"], row["se_ordinary"]), row["se_kind"] in (SE_HAC, SE_ORDINARY)
    (True, True)
    """
    if shape not in ("step", "pulse"):
        raise ValueError(f"event_effects: expected shape 'step' or 'pulse'; got {shape!r}.")
    if not 0 < level < 1:
        raise ValueError(f"event_effects: expected 0 < level < 1; got {level}.")
    require_columns(events, ["date", "event_type", "description"], "event_effects (events)")
    data = clean_series(series, value=value, month=month, where="event_effects")
    ev = _select_events(events, kinds)
    if window_months is not None:
        data = _within_window(data, ev, window_months)
    groups = _event_groups(ev)
    n = data.height
    cols, event_cols, notes, shared = _indicator_columns(data, groups, shape, pulse_months)
    chosen = _choose_design(cols, _month_columns(data), event_cols, notes, n)
    design = chosen.columns
    if n - len(design) < 2:
        raise ValueError(
            f"event_effects: expected at least {len(design) + 2} observations for "
            f"{len(design)} regressors; got {n}. Hint: use fewer kinds or a longer series."
        )
    fit = _fit_hac(data["y"].to_numpy(), design, level)
    rows = _effect_rows(groups, chosen.event_cols, chosen.notes, list(design), fit, n, shared)
    effects = pl.DataFrame(rows, schema=_EFFECTS_SCHEMA)
    design_text = (
        "constant + linear trend"
        + (" + 11 month-of-year dummies" if "month_02" in design else "")
        + f" + {counted(len(chosen.event_cols), f'event {shape} indicator')}"
        + (f" of {pulse_months} months" if shape == "pulse" else "")
    )
    absent = _absent_months(data)
    summary = _summary(
        data, rows, chosen.caveats, value=value, design_text=design_text, fit=fit, level=level, absent=absent
    )
    return EventEffectsResult(
        effects=effects, design=design_text, summary=summary, hac_lags=fit.maxlags, absent=tuple(absent)
    )


def _absent_months(data: pl.DataFrame) -> list[dt.date]:
    """The months between the sample's first and last observation that have none.

    >>> import datetime as dt, polars as pl
    >>> _absent_months(pl.DataFrame({"month": [dt.date(2024, 9, 1), dt.date(2024, 11, 1), dt.date(2025, 2, 1)]}))
    [datetime.date(2024, 10, 1), datetime.date(2024, 12, 1), datetime.date(2025, 1, 1)]
    """
    if data.is_empty():
        return []
    have = set(data["month"].to_list())
    first, last = month_index(data["month"].min()), month_index(data["month"].max())  # type: ignore[arg-type]
    every = [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]
    return [m for m in every if m not in have]


def _select_events(events: pl.DataFrame, kinds: Sequence[str]) -> pl.DataFrame:
    """The events of the requested kinds, with their month in ``_m``; raises when there are none."""
    ev = (
        events.filter(pl.col("event_type").cast(pl.String).is_in(list(kinds)))
        .with_columns(pl.col("date").dt.truncate("1mo").alias("_m"))
        .sort("date", "event_type", "description")
    )
    if ev.is_empty():
        raise ValueError(
            f"event_effects: no events of kinds {list(kinds)}; got event types "
            f"{sorted(events['event_type'].cast(pl.String).unique().to_list())}. Hint: widen kinds=."
        )
    return ev


def _within_window(data: pl.DataFrame, ev: pl.DataFrame, window_months: int) -> pl.DataFrame:
    """The observations within ``window_months`` of the first and last event."""
    lo, hi = ev["_m"].min(), ev["_m"].max()
    return data.filter(
        pl.col("month").dt.offset_by(f"{window_months}mo") >= lo,
        pl.col("month") <= pl.lit(hi).dt.offset_by(f"{window_months}mo"),
    )


def _event_groups(ev: pl.DataFrame) -> pl.DataFrame:
    """One row per event month: the events' labels and types joined, first date, count ``_k``.

    An event listed twice in one month under the same label (two sources for one launch) counts
    once; a label that recurs in other months (a model launched again) carries its month, e.g.
    "AITO M5 launch (Dec 2021)" and "AITO M5 launch (Sep 2022)".

    >>> import datetime as dt, polars as pl
    >>> ev = pl.DataFrame({"date": [dt.date(2021, 12, 1), dt.date(2022, 9, 6), dt.date(2022, 9, 6)],
    ...                    "event_type": ["launch"] * 3, "label": ["M5 launch"] * 3})
    >>> _event_groups(ev.with_columns(pl.col("date").dt.truncate("1mo").alias("_m")))["event"].to_list()
    ['M5 launch (Dec 2021)', 'M5 launch (Sep 2022)']
    """
    label = (
        pl.col("label").cast(pl.String)
        if "label" in ev.columns
        else pl.concat_str([pl.col("entity").cast(pl.String), pl.lit(" "), pl.col("event_type").cast(pl.String)])
        if "entity" in ev.columns
        else pl.col("event_type").cast(pl.String)
    )
    one = (
        ev.with_columns(label.alias("_label"))
        .sort("date")
        .unique(subset=["_m", "_label"], keep="first", maintain_order=True)
    )
    one = one.with_columns(
        pl.when(pl.col("_m").n_unique().over("_label") > 1)
        .then(pl.concat_str([pl.col("_label"), pl.lit(" ("), pl.col("_m").dt.strftime("%b %Y"), pl.lit(")")]))
        .otherwise(pl.col("_label"))
        .alias("_label")
    )
    return (
        one.group_by("_m", maintain_order=True)
        .agg(
            pl.col("_label").str.join("; ").alias("event"),
            pl.col("_label").alias("_labels"),
            pl.col("event_type").cast(pl.String).unique(maintain_order=True).str.join("; ").alias("event_type"),
            pl.col("date").min().alias("date"),
            pl.len().alias("_k"),
        )
        .sort("_m")
    )


def _indicator_columns(
    data: pl.DataFrame, groups: pl.DataFrame, shape: Shape, pulse_months: int
) -> tuple[dict[str, np.ndarray], dict[int, str], dict[int, str], dict[int, list[int]]]:
    """Constant, trend and one indicator per event month (column names by group, notes, and the
    later groups whose indicator equals an earlier one's on the sample, by that earlier group).

    Two events with no observed month between them have the same step: the record cannot tell
    them apart, so they get one indicator, named after both.
    """
    import numpy as np

    n = data.height
    t = np.array([month_index(m) for m in data["month"].to_list()], dtype=float)
    t0 = t.min() if n else 0.0
    cols: dict[str, np.ndarray] = {"const": np.ones(n), "trend": t - t0}
    notes: dict[int, str] = {}
    event_cols: dict[int, str] = {}
    shared: dict[int, list[int]] = {}
    for i, r in enumerate(groups.iter_rows(named=True)):
        em = month_index(r["_m"])
        x = (t >= em) if shape == "step" else ((t >= em) & (t < em + pulse_months))
        x = x.astype(float)
        if x.sum() == 0 or x.sum() == n:
            side = "after" if x.sum() == 0 else "before"
            notes[i] = f"not estimated: no observation {side} the event in the sample"
            continue
        twin = next((j for j, nm in event_cols.items() if np.array_equal(cols[nm], x)), None)
        if twin is not None:
            notes[i] = f"{TOGETHER_NOTE} {groups['event'][twin]}: no month between them is in the sample"
            shared.setdefault(twin, []).append(i)
            continue
        name = f"event_{i}"
        cols[name] = x
        event_cols[i] = name
        if r["_k"] > 1:
            names = r["_labels"]
            notes[i] = f"{counted(r['_k'], 'event')} in {month_label(r['_m'])} share one indicator: {_joined(names)}"
    for twin, others in shared.items():
        first = month_label(groups["_m"][twin])
        last = month_label(add_months(groups["_m"][others[-1]], -1))
        gap = f"{first} is" if first == last else f"no month from {first} to {last} is"
        notes[twin] = "; ".join(
            x
            for x in (
                notes.get(twin),
                f"one step with {_joined([groups['event'][j] for j in others])}, as {gap} not in the "
                "sample: the effect is theirs together",
            )
            if x
        )
    return cols, event_cols, notes, shared


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _month_columns(data: pl.DataFrame) -> dict[str, np.ndarray]:
    """Month-of-year dummies for February to December."""
    moy = data["month"].dt.month().to_numpy()
    return {f"month_{m:02d}": (moy == m).astype(float) for m in range(2, 13)}


def _condition(d: dict[str, np.ndarray]) -> tuple[float, int]:
    """Scaled condition number and rank of the design with these columns."""
    import numpy as np

    X = np.column_stack(list(d.values()))
    norms = np.linalg.norm(X, axis=0)
    norms[norms == 0] = 1.0
    Xs = X / norms
    return float(np.linalg.cond(Xs)), int(np.linalg.matrix_rank(X))


@dataclass(frozen=True)
class _Design:
    """The regressors used, the events still estimated, their notes and the caveats so far."""

    columns: dict[str, np.ndarray]
    event_cols: dict[int, str]
    notes: dict[int, str]
    caveats: list[str]


def _choose_design(
    cols: dict[str, np.ndarray],
    month_cols: dict[str, np.ndarray],
    event_cols: dict[int, str],
    notes: dict[int, str],
    n: int,
) -> _Design:
    """Add month effects if the sample allows, then drop them and collinear events until estimable."""
    event_cols, notes = dict(event_cols), dict(notes)
    caveats: list[str] = []
    use_months = n >= 24 and n - (len(cols) + len(month_cols)) >= 10
    if not use_months:
        caveats.append(
            "month-of-year effects were not included (they need 24+ observations and 10 spare degrees of freedom)"
        )
    design = {**cols, **(month_cols if use_months else {})}
    cond, rank = _condition(design)
    if (cond > _COND_LIMIT or rank < len(design)) and use_months:
        design = dict(cols)
        cond, rank = _condition(design)
        caveats.append("the design was near-singular, so month-of-year effects were dropped")
    if rank < len(design):
        kept: dict[str, np.ndarray] = {"const": design["const"], "trend": design["trend"]}
        for i, name in list(event_cols.items()):
            trial = {**kept, name: design[name]}
            if _condition(trial)[1] == len(trial):
                kept = trial
            else:
                notes[i] = "not estimated: collinear with the trend or an earlier event"
                del event_cols[i]
        design = kept
        cond, rank = _condition(design)
        caveats.append("some events were collinear and were not estimated")
    elif cond > _COND_LIMIT:
        caveats.append(
            f"the design is ill-conditioned (scaled condition number {cond:.0f}); effects of "
            "nearby events are hard to separate"
        )
    return _Design(columns=design, event_cols=event_cols, notes=notes, caveats=caveats)


@dataclass(frozen=True)
class _Fit:
    """Coefficients, their intervals (two columns), p-values and standard errors (the one used,
    the HAC and the ordinary one, and whether HAC was used), and the HAC lags."""

    params: np.ndarray
    ci: np.ndarray
    pvalues: np.ndarray
    maxlags: int
    se: np.ndarray
    se_hac: np.ndarray
    se_ordinary: np.ndarray
    used_hac: np.ndarray


def _fit_hac(y: np.ndarray, design: dict[str, np.ndarray], level: float) -> _Fit:
    """OLS with, per coefficient, the larger of the Newey-West and the ordinary standard error,
    and t-based intervals at ``level``."""
    import numpy as np
    import statsmodels.api as sm

    n = len(y)
    X = np.column_stack(list(design.values()))
    maxlags = int(math.floor(4 * (n / 100) ** (2 / 9)))
    from scipy import stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hac = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": True}, use_t=True)
        classical = sm.OLS(y, X).fit()
    se_hac, se_ordinary = np.asarray(hac.bse), np.asarray(classical.bse)
    used_hac = se_hac >= se_ordinary
    se = np.where(used_hac, se_hac, se_ordinary)
    df = float(classical.df_resid)
    tcrit = float(stats.t.ppf(0.5 + level / 2, df))
    params = np.asarray(hac.params)
    ci = np.column_stack([params - tcrit * se, params + tcrit * se])
    pvalues = 2 * stats.t.sf(np.abs(params / se), df)
    return _Fit(
        params=params,
        ci=ci,
        pvalues=pvalues,
        maxlags=maxlags,
        se=se,
        se_hac=se_hac,
        se_ordinary=se_ordinary,
        used_hac=used_hac,
    )


def _effect_rows(
    groups: pl.DataFrame,
    event_cols: dict[int, str],
    notes: dict[int, str],
    names: list[str],
    fit: _Fit,
    n: int,
    shared: dict[int, list[int]],
) -> list[dict]:
    """One output row per event month: its effect and interval if estimated, else its note; an
    indicator shared by events the sample cannot tell apart is named after all of them."""
    rows = []
    for i, r in enumerate(groups.iter_rows(named=True)):
        col = event_cols.get(i)
        j = names.index(col) if col is not None and col in names else None
        together = [groups["event"][k] for k in shared.get(i, [])] if j is not None else []
        rows.append(
            {
                "event": " + ".join([r["event"], *together]),
                "event_type": r["event_type"],
                "month": r["_m"],
                "date": r["date"],
                "effect": float(fit.params[j]) if j is not None else None,
                "ci_low": float(fit.ci[j, 0]) if j is not None else None,
                "ci_high": float(fit.ci[j, 1]) if j is not None else None,
                "p_value": float(fit.pvalues[j]) if j is not None else None,
                "std_error": float(fit.se[j]) if j is not None else None,
                "se_kind": (SE_HAC if fit.used_hac[j] else SE_ORDINARY) if j is not None else None,
                "se_hac": float(fit.se_hac[j]) if j is not None else None,
                "se_ordinary": float(fit.se_ordinary[j]) if j is not None else None,
                "hac_lags": fit.maxlags,
                "n_obs": n,
                "note": notes.get(i),
            }
        )
    return rows


def _summary(
    data: pl.DataFrame,
    rows: list[dict],
    caveats: list[str],
    *,
    value: str,
    design_text: str,
    fit: _Fit,
    level: float,
    absent: list[dt.date],
) -> str:
    """The plain-text summary: the model, each event's effect (and which standard error its
    interval uses) or note, the caveats."""
    n = data.height
    if n < 24:
        caveats = [f"only {n} observations: effects are imprecise and sensitive to the trend specification", *caveats]
    if absent and fit.maxlags:
        caveats.append(
            f"the HAC lags run across the {counted(len(absent), 'absent month')}: rows either side of a gap "
            "are treated as neighbours"
        )
    lines = [
        f"OLS of {value} on {design_text}; {level:.0%} intervals from the larger of the Newey-West (HAC, "
        f"{fit.maxlags} lags) and the ordinary standard error of each coefficient; "
        f"{n} monthly observations ({month_label(data['month'][0])} – {month_label(data['month'][-1])}), "
        "absent months left out."
    ]
    for r in rows:
        if r["effect"] is None:
            lines.append(f"{r['event']} ({month_label(r['month'])}): {r['note']}.")
        else:
            sig = "distinguishable from zero" if r["p_value"] < 1 - level else "not distinguishable from zero"
            lines.append(
                f"{r['event']} ({month_label(r['month'])}): {_fmt(r['effect'], sign=True)} "
                f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}], p={r['p_value']:.3f}, {sig} "
                f"({r['se_kind']} standard error)."
            )
    if caveats:
        lines.append("Caveats: " + "; ".join(caveats) + ".")
    lines.append("These are associations given a linear trend, not proof that the event caused the change.")
    return " ".join(lines)
