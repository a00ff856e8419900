"""Share dynamics: the trend in a share and structural-break tests (Chow at known dates, CUSUM)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from ..vocabulary import counted
from .months import clean_series, month_index, month_label

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_MIN_SIDE = 3
"""Fewest observations on each side of a date for a Chow test to be computed at all."""
MIN_CONCLUSIVE_SIDE = 12
"""Fewest observations on each side of a date for a Chow test to be read either way: with fewer,
a two-parameter trend on each side is fitted on a handful of months, the test has little power,
and "no significant break" is not evidence of no break (a significant one is still reported)."""
MIN_CONCLUSIVE_CUSUM = 24
"""Fewest observations for the CUSUM test's "no instability" to be read as evidence."""
SIGNIFICANCE = 0.05
"""The level at which a test is called significant (and a leave-one-out refit is read)."""
_K = 2  # parameters of the trend model (constant and slope)
_TESTS_SCHEMA = {  # the columns of ShareBreaksResult.tests
    "test": pl.String,
    "break_date": pl.Date,
    "statistic": pl.Float64,
    "p_value": pl.Float64,
    "n_before": pl.Int64,
    "n_after": pl.Int64,
    "n_obs": pl.Int64,
    "conclusive": pl.Boolean,
    "without_month": pl.Date,
    "statistic_without": pl.Float64,
    "p_without": pl.Float64,
    "rests_on_one_month": pl.Boolean,
    "note": pl.String,
}


@dataclass(frozen=True)
class ShareBreaksResult:
    """Output of :func:`share_breaks`.

    - ``trend``: term (const, trend), coef, ci_low, ci_high, p_value of the share's linear
      trend (trend in share points -- fractions -- per month), with the fit's ``level``,
      ``n_obs``, ``first_month`` and ``last_month`` (the same fit the Chow and CUSUM tests use);
    - ``tests``: test ("Chow" or "CUSUM"), break_date, statistic, p_value, n_before, n_after,
      n_obs (the whole sample), conclusive, the leave-one-out sensitivity of a significant Chow test
      (:func:`leave_one_out`: ``without_month``, ``statistic_without``, ``p_without``,
      ``rests_on_one_month``), note (why a date was skipped, the test is inconclusive, or a
      significant break rests on one month);
    - ``summary``: plain text.
    """

    trend: pl.DataFrame
    tests: pl.DataFrame
    summary: str


def _ols(t, y):
    import numpy as np
    import statsmodels.api as sm

    return sm.OLS(y, np.column_stack([np.ones(len(t)), t])).fit()


def share_breaks(
    share: pl.DataFrame,
    *,
    break_dates: Sequence[dt.date],
    month: str = "month",
    value: str = "share",
    level: float = 0.95,
) -> ShareBreaksResult:
    """Linear trend of a monthly share, with a Chow test at each known date and an OLS-CUSUM test.

    Model: ``share[t] = a + b * t + u[t]`` with ``t`` in calendar months (absent months are
    left out, never filled). Shares are fractions.

    - Chow test at each break date (the break month's first day starts the second regime):
      ``F = ((SSR - SSR_1 - SSR_2) / k) / ((SSR_1 + SSR_2) / (n - 2k))`` with ``k = 2``,
      p-value from ``F(k, n - 2k)``. A date with fewer than 3 observations on a side is
      skipped, with the reason in ``note``.
    - ``conclusive`` (:func:`conclusive`): whether the test has :data:`MIN_CONCLUSIVE_SIDE` (12)
      observations on each side (Chow) or :data:`MIN_CONCLUSIVE_CUSUM` (24) in all (CUSUM);
      otherwise the note says why "no break" is inconclusive, or a break only a signal.
    - Leave-one-out sensitivity of each significant Chow test (:func:`leave_one_out`): the
      test refitted without each month in turn; ``without_month`` is the month whose omission
      raises the p-value most, ``statistic_without`` and ``p_without`` that refit's F and
      p-value, and ``rests_on_one_month`` is True when the test is significant at
      :data:`SIGNIFICANCE` (5%) with every month but not without that one (a break that a
      single month, such as a Chinese New Year trough, makes); the note then says so. Null for
      tests that are not significant or not computed.
    - CUSUM of the OLS residuals (Ploberger and Kraemer; statsmodels
      ``breaks_cusumolsresid``): sup of the scaled cumulative residual sum and its p-value,
      a test for a break at an unknown date.

    >>> import datetime as dt, polars as pl
    >>> months = pl.date_range(dt.date(2023, 1, 1), dt.date(2025, 12, 1), "1mo", eager=True)
    >>> s = [0.6 - 0.002 * i - (0.15 if i >= 18 else 0) + 0.01 * ((i * 7) % 5 - 2) for i in range(36)]
    >>> res = share_breaks(pl.DataFrame({"month": months, "share": s}), break_dates=[dt.date(2024, 7, 1)])
    >>> chow = res.tests.row(0, named=True)
    >>> chow["test"], chow["n_before"], chow["n_after"], chow["p_value"] < 0.05, chow["conclusive"]
    ('Chow', 18, 18, True, True)
    """
    import numpy as np

    data = clean_series(share, value=value, month=month, where="share_breaks")
    n = data.height
    if n < 2 * _MIN_SIDE:
        raise ValueError(f"share_breaks: expected at least {2 * _MIN_SIDE} observed months; got {n}.")
    months = data["month"].to_list()
    t = np.array([month_index(m) - month_index(months[0]) for m in months], dtype=float)
    y = data["y"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from statsmodels.stats.diagnostic import breaks_cusumolsresid

        full = _ols(t, y)
        trend = _trend_table(full, level).with_columns(
            pl.lit(level).alias("level"),
            pl.lit(n, dtype=pl.Int64).alias("n_obs"),
            pl.lit(months[0], dtype=pl.Date).alias("first_month"),
            pl.lit(months[-1], dtype=pl.Date).alias("last_month"),
        )
        rows = [_chow_row(b, t, y, months) for b in sorted(break_dates)]
        stat, pval, _ = breaks_cusumolsresid(np.asarray(full.resid), ddof=_K)
        rows.append(
            {
                "test": "CUSUM",
                "break_date": None,
                "statistic": float(stat),
                "p_value": float(pval),
                "n_before": None,
                "n_after": None,
                "n_obs": n,
                "conclusive": conclusive("cusum", float(pval), n, None),
                "without_month": None,
                "statistic_without": None,
                "p_without": None,
                "rests_on_one_month": None,
                "note": "OLS-residual CUSUM, break at an unknown date"
                + (
                    ""
                    if conclusive("cusum", float(pval), n, None)
                    else f"; inconclusive: {n} observations, {MIN_CONCLUSIVE_CUSUM} are needed to rule a break out"
                ),
            }
        )
    tests = pl.DataFrame(rows, schema=_TESTS_SCHEMA)
    return ShareBreaksResult(trend=trend, tests=tests, summary=_summary(trend, rows, months, value=value, level=level))


def _trend_table(full, level: float) -> pl.DataFrame:
    """The fitted trend's terms with their intervals at ``level`` and p-values."""
    import numpy as np

    ci = np.asarray(full.conf_int(alpha=1 - level))
    return pl.DataFrame(
        {
            "term": ["const", "trend"],
            "coef": [float(v) for v in full.params],
            "ci_low": [float(v) for v in ci[:, 0]],
            "ci_high": [float(v) for v in ci[:, 1]],
            "p_value": [float(v) for v in full.pvalues],
        }
    )


def chow(t: np.ndarray, y: np.ndarray, before: np.ndarray) -> tuple[float, float] | None:
    """The Chow F statistic and its p-value for a split of ``(t, y)`` into ``before`` and the
    rest, or None when a side has fewer than 3 observations.

    ``F = ((SSR - SSR_1 - SSR_2) / k) / ((SSR_1 + SSR_2) / (n - 2k))``, ``k = 2`` (constant and
    slope on each side), p-value from ``F(k, n - 2k)``.

    >>> import numpy as np
    >>> t = np.arange(8.0)
    >>> y = np.array([1.0, 1.1, 0.9, 1.0, 2.0, 2.1, 1.9, 2.0])
    >>> f, p = chow(t, y, t < 4)
    >>> round(f, 1), p < 0.01
    (30.9, True)
    >>> chow(t, y, t < 2) is None
    True
    """
    from scipy import stats

    n = len(t)
    if min(int(before.sum()), int((~before).sum())) < _MIN_SIDE:
        return None
    full = _ols(t, y).ssr
    ssr_split = _ols(t[before], y[before]).ssr + _ols(t[~before], y[~before]).ssr
    f = ((full - ssr_split) / _K) / (ssr_split / (n - 2 * _K)) if ssr_split > 0 else float("inf")
    return float(f), float(stats.f.sf(f, _K, n - 2 * _K))


def leave_one_out(
    t: np.ndarray, y: np.ndarray, before: np.ndarray, months: Sequence[dt.date]
) -> tuple[dt.date, float, float] | None:
    """The Chow test (:func:`chow`) refitted without each month in turn: the month whose
    omission gives the largest p-value, with that refit's F and p. Omissions that leave a side
    with fewer than 3 observations are not refitted; None when no omission can be.

    A significant break whose p-value rises above the level when one month is left out rests on
    that month alone.

    >>> import datetime as dt, numpy as np
    >>> ms = [dt.date(2024, m, 1) for m in (4, 5, 6)] + [dt.date(2025, m, 1) for m in (2, 5, 6, 7, 8, 9, 10, 11)]
    >>> t = np.array([0.0, 1, 2, 10, 13, 14, 15, 16, 17, 18, 19])  # calendar months since Apr 2024
    >>> y = np.array([0.847, 0.889, 0.927, 0.526, 0.80, 0.82, 0.86, 0.897, 0.85, 0.83, 0.80])  # Feb 2025: a trough
    >>> month, f, p = leave_one_out(t, y, t < 13, ms)
    >>> round(chow(t, y, t < 13)[1], 4), month, round(p, 3)
    (0.0025, datetime.date(2025, 2, 1), 0.266)
    """
    import numpy as np

    best: tuple[dt.date, float, float] | None = None
    for i in range(len(t)):
        keep = np.arange(len(t)) != i
        refit = chow(t[keep], y[keep], before[keep])
        if refit is not None and (best is None or refit[1] > best[2]):
            best = (months[i], refit[0], refit[1])
    return best


def _chow_row(b: dt.date, t: np.ndarray, y: np.ndarray, months: list[dt.date]) -> dict[str, Any]:
    """The Chow test at one break date with its leave-one-out sensitivity, or the reason it was
    skipped (too few months on a side)."""
    n = len(t)
    b_month = dt.date(b.year, b.month, 1)
    before = t < month_index(b_month) - month_index(months[0])
    n1, n2 = int(before.sum()), int((~before).sum())
    row: dict[str, Any] = {
        "test": "Chow",
        "break_date": b,
        "statistic": None,
        "p_value": None,
        "n_before": n1,
        "n_after": n2,
        "n_obs": n,
        "conclusive": False,
        "without_month": None,
        "statistic_without": None,
        "p_without": None,
        "rests_on_one_month": None,
        "note": None,
    }
    result = chow(t, y, before)
    if result is None:
        row["note"] = (
            f"skipped: {counted(min(n1, n2), 'observation')} {'before' if n1 < n2 else 'after'} "
            f"{month_label(b_month)}; the test needs at least {_MIN_SIDE} on each side"
        )
        return row
    row["statistic"], row["p_value"] = result
    row["conclusive"] = conclusive("chow", row["p_value"], n1, n2)
    notes = []
    if not row["conclusive"]:
        side, k = ("before", n1) if n1 <= n2 else ("after", n2)
        notes.append(
            f"significant on few observations: {counted(k, 'observation')} {side} {month_label(b_month)}; "
            f"{MIN_CONCLUSIVE_SIDE} on each side are needed for a firm result"
            if row["p_value"] < SIGNIFICANCE
            else f"inconclusive: {counted(k, 'observation')} {side} {month_label(b_month)}; "
            f"{MIN_CONCLUSIVE_SIDE} on each side are needed to rule a break out"
        )
    loo = leave_one_out(t, y, before, months) if row["p_value"] < SIGNIFICANCE else None
    if loo is not None:
        row["without_month"], row["statistic_without"], row["p_without"] = loo
        row["rests_on_one_month"] = row["p_value"] < SIGNIFICANCE <= loo[2]
        if row["rests_on_one_month"]:
            notes.append(
                f"rests on one month: without {month_label(loo[0])} p = {loo[2]:.3f}, "
                f"not significant at {SIGNIFICANCE:.0%}"
            )
    row["note"] = "; ".join(notes) or None
    return row


def conclusive(test: str, p_value: float | None, n_before: int | None, n_after: int | None) -> bool:
    """Whether a test has enough observations for its result to be read as firm either way:
    :data:`MIN_CONCLUSIVE_SIDE` on each side of a Chow date, or :data:`MIN_CONCLUSIVE_CUSUM` in
    all for CUSUM (pass the sample size as ``n_before``). With fewer, "no break" is not evidence
    of no break, and a significant break is a signal rather than an established result.

    >>> conclusive("Chow", 0.40, 3, 7), conclusive("Chow", 0.01, 3, 7), conclusive("Chow", 0.40, 12, 12)
    (False, False, True)
    >>> conclusive("CUSUM", 0.40, 10, None), conclusive("CUSUM", 0.40, 24, None), conclusive("Chow", None, 2, 9)
    (False, True, False)
    """
    if p_value is None:
        return False
    if test.lower() == "cusum":
        return (n_before or 0) >= MIN_CONCLUSIVE_CUSUM
    return min(n_before or 0, n_after or 0) >= MIN_CONCLUSIVE_SIDE


def _summary(
    trend: pl.DataFrame, rows: list[dict[str, Any]], months: list[dt.date], *, value: str, level: float
) -> str:
    """The plain-text summary: the sample, the trend, each test's verdict at the 5 % level."""
    n = len(months)
    slope = trend.row(1, named=True)
    gaps = (month_index(months[-1]) - month_index(months[0]) + 1) - n
    lines = [
        f"Share {value!r}: {n} observed months ({month_label(months[0])} – {month_label(months[-1])})"
        + (f", {counted(gaps, 'absent month')} left out" if gaps else "")
        + ".",
        f"Linear trend {slope['coef'] * 100:+.2f} share points per month "
        f"({level:.0%} CI {slope['ci_low'] * 100:+.2f} to {slope['ci_high'] * 100:+.2f}).",
    ]
    for r in rows:
        if r["test"] == "Chow":
            if r["statistic"] is None:
                lines.append(f"Chow at {month_label(r['break_date'])}: {r['note']}.")
            else:
                verdict = (
                    "a break"
                    if r["p_value"] < SIGNIFICANCE
                    else "no evidence of a break"
                    if r["conclusive"]
                    else "inconclusive, too few observations"
                )
                lines.append(
                    f"Chow at {month_label(r['break_date'])}: F={r['statistic']:.2f}, p={r['p_value']:.3f} "
                    f"({r['n_before']} before, {r['n_after']} after): {verdict} at the {SIGNIFICANCE:.0%} level"
                    + (f" ({r['note']})." if r["note"] else ".")
                )
        else:
            verdict = (
                "parameter instability"
                if r["p_value"] < 0.05
                else "no evidence of instability"
                if r["conclusive"]
                else "inconclusive, too few observations"
            )
            lines.append(f"CUSUM: statistic {r['statistic']:.2f}, p={r['p_value']:.3f}: {verdict}.")
    if n < 24:
        lines.append(f"Caveat: only {n} observations; the tests have little power.")
    return " ".join(lines)


NEARBY_MONTHS = 1
"""Months either side of a tested date within which another event is named as a rival explanation."""


def event_when(date: dt.date, precision: str | None) -> str:
    """A date as precisely as it is known: a day-precision event prints its day, a
    month-precision one only its month.

    >>> event_when(dt.date(2024, 8, 1), "month"), event_when(dt.date(2025, 5, 30), "day")
    ('Aug 2024', '30 May 2025')
    """
    return f"{date.day} {month_label(date)}" if precision == "day" else month_label(date)


def describe_breaks(
    tests: pl.DataFrame, tested: pl.DataFrame, events: pl.DataFrame, *, window: int = NEARBY_MONTHS
) -> pl.DataFrame:
    """The break tests with the event behind each Chow date and the other events close to it.

    ``tests`` is :attr:`ShareBreaksResult.tests`; ``tested`` has ``date``, ``date_precision``
    and ``label`` for the dates the Chow tests were run at; ``events`` has ``date``,
    ``date_precision`` and ``label`` for every event that could also explain a break. Adds:

    - ``event``: the tested event's label (null for CUSUM, which tests an unknown date);
    - ``when``: the tested date at the event's own precision (:func:`event_when`);
    - ``nearby``: the other events within ``window`` calendar months of the tested month, as
      "label (date)"; a significant break with nearby events cannot be attributed to one of them.

    >>> t = pl.DataFrame({"test": ["Chow", "CUSUM"], "break_date": [dt.date(2025, 5, 30), None]})
    >>> tested = pl.DataFrame({"date": [dt.date(2025, 5, 30)], "date_precision": ["day"], "label": ["S800 launch"]})
    >>> ev = pl.DataFrame({"date": [dt.date(2025, 4, 16), dt.date(2025, 5, 30), dt.date(2025, 8, 1)],
    ...                    "date_precision": ["day", "day", "month"], "label": ["M8 launch", "S800 launch", "R7"]})
    >>> out = describe_breaks(t, tested, ev)
    >>> out["event"].to_list(), out["when"].to_list(), out["nearby"].to_list()
    (['S800 launch', None], ['30 May 2025', None], [['M8 launch (16 Apr 2025)'], []])
    """
    lookup = {
        d: (str(lab), None if p is None else str(p))
        for d, p, lab in zip(
            tested["date"].to_list(), tested["date_precision"].cast(pl.String).to_list(), tested["label"].to_list()
        )
    }
    evs = list(
        zip(
            events["date"].to_list(),
            events["date_precision"].cast(pl.String).to_list(),
            events["label"].cast(pl.String).to_list(),
        )
    )
    names: list[str | None] = []
    whens: list[str | None] = []
    nearby: list[list[str]] = []
    for d in tests["break_date"].to_list():
        if d is None or d not in lookup:
            names.append(None)
            whens.append(None if d is None else month_label(d))
            nearby.append([])
            continue
        label, precision = lookup[d]
        names.append(label)
        whens.append(event_when(d, precision))
        seen: list[str] = []
        for ed, ep, el in sorted(evs):
            if abs(month_index(ed) - month_index(d)) <= window and not (el == label and ed == d):
                item = f"{el} ({event_when(ed, ep)})"
                if item not in seen and el != label:
                    seen.append(item)
        nearby.append(seen)
    return tests.with_columns(
        pl.Series("event", names, dtype=pl.String),
        pl.Series("when", whens, dtype=pl.String),
        pl.Series("nearby", nearby, dtype=pl.List(pl.String)),
    )
