"""The targets table: progress against announced annual targets, with the same headers and
the same definitions on every page that shows one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from .tables import Col, table

if TYPE_CHECKING:
    from great_tables import GT

__all__ = ["PACE_NOTE", "TARGET_COLUMNS", "target_subtitle", "target_table"]

#: Headers of the columns of :func:`hima_analytics.metrics.target_progress` (and of the target
#: columns it can carry), in the order shown.
TARGET_COLUMNS: dict[str, Col | str] = {
    "entity": "Maker",
    "year": Col("Year", kind="text"),
    "month": "Year to date through",
    "ytd": "Delivered so far",
    "target": "Target",
    "target_high": "Range top",
    "wording": "Target worded as",
    "progress": "Reached",
    "pace": "Pace (share of target)",
    "remaining": "Still to deliver",
    "months_left": "Months left",
    "needed_per_month": "Needed per month",
}

#: How the derived columns are computed, in words.
PACE_NOTE = (
    "Reached: delivered so far ÷ target. Pace: delivered so far × 12 ÷ months elapsed, as a share of the "
    "target. Needed per month: what is still to deliver ÷ the months left in the year."
)


def target_subtitle(progress: pl.DataFrame) -> str:
    """The definitions of the table's columns, plus what its data needs said: a range's low end
    is the target compared, and a target worded as sales is set against deliveries.

    >>> t = pl.DataFrame({"target": [1.0], "target_high": [2.0], "wording": ["sales"]})
    >>> print(target_subtitle(t))  # doctest: +NORMALIZE_WHITESPACE
    Reached: delivered so far ÷ target. Pace: delivered so far × 12 ÷ months elapsed, as a share of the
    target. Needed per month: what is still to deliver ÷ the months left in the year. Where the target is a
    range, its low end is the one compared. A target worded as sales is set against the deliveries the
    maker publishes monthly; the wording is shown.

    A pace read from January or February alone says so:

    >>> import datetime as dt
    >>> "New Year" in target_subtitle(pl.DataFrame({"month": [dt.date(2026, 1, 1)]}))
    True
    >>> "New Year" in target_subtitle(pl.DataFrame({"month": [dt.date(2025, 9, 1)]}))
    False

    A production-and-sales (产销) target is not a delivery target, and the subtitle says so:

    >>> "not deliveries" in target_subtitle(pl.DataFrame({"wording": ["production and sales"]}))
    True
    """
    parts = [PACE_NOTE]
    if "month" in progress.columns and (progress["month"].dt.month() <= 2).any():
        parts.append(
            "A pace from January or February alone includes the Chinese New Year holiday month and is not a "
            "forecast of the year."
        )
    if "target_high" in progress.columns and progress["target_high"].drop_nulls().len():
        parts.append("Where the target is a range, its low end is the one compared.")
    if "wording" in progress.columns and (progress["wording"] == "sales").any():
        parts.append(
            "A target worded as sales is set against the deliveries the maker publishes monthly; the wording is shown."
        )
    if "wording" in progress.columns and (progress["wording"] == "production and sales").any():
        parts.append(
            "A target worded as production and sales (产销) counts vehicles built and sold to dealers, not "
            "deliveries to customers; it is set against deliveries only as a guide."
        )
    return " ".join(parts)


def target_table(progress: pl.DataFrame, *, title: str, hide: Sequence[str] = ()) -> GT:
    """The table of :func:`~hima_analytics.metrics.target_progress` output: every column it
    holds under the house headers (``hide`` leaves some out; a range-top column with no range
    in it is left out), in the order of :data:`TARGET_COLUMNS`, with :func:`target_subtitle` as
    the subtitle."""
    hidden = list(hide)
    if "target_high" in progress.columns and not progress["target_high"].drop_nulls().len():
        hidden.append("target_high")
    first = [c for c in TARGET_COLUMNS if c in progress.columns]
    return table(
        progress.select(*first, pl.exclude(first)),
        title=title,
        subtitle=target_subtitle(progress),
        columns={k: v for k, v in TARGET_COLUMNS.items() if k in progress.columns},
        hide=hidden,
    )
