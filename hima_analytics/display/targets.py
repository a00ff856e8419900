"""The targets table: progress against announced annual targets, with the same headers and
the same definitions on every page that shows one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from ..statistics.calendar import CNY_DATES
from . import formatting as fmt
from .tables import Col, table

if TYPE_CHECKING:
    from great_tables import GT

__all__ = ["PACE_NOTE", "TARGET_COLUMNS", "new_year_note", "target_subtitle", "target_table"]

#: Headers of the columns of :func:`hima_analytics.metrics.target_progress` (and of the target
#: columns it can carry), in the order shown.
TARGET_COLUMNS: dict[str, Col | str] = {
    "entity": "Maker",
    "year": Col("Year", kind="text"),
    "month": "Year to date through",
    "ytd": "Year to date",
    "measure": "Measure",
    "target": "Target",
    "target_high": "Range top",
    "wording": "Target worded as",
    "progress": "Reached",
    "progress_high": Col("Reached (top)", kind="pct"),
    "pace": "Pace (share of target)",
    "remaining": "Still to deliver",
    "shortfall": Col("Short of target (year over)", kind="int"),
    "months_left": "Months left",
    "needed_per_month": "Needed per month",
    "needed_per_month_high": Col("Needed per month (top)", kind="int"),
}

#: Columns left out of a table when none of its rows has a figure in them.
_OPTIONAL = ("target_high", "progress_high", "needed_per_month_high", "shortfall", "remaining")

#: How the derived columns are computed, in words.
PACE_NOTE = (
    "Reached: the year to date ÷ target. Pace: the year to date × 12 ÷ months elapsed, as a share of the "
    "target. Needed per month: what is still to deliver ÷ the months left in the year."
)


def new_year_note(progress: pl.DataFrame) -> str | None:
    """What a pace read from January, or January and February, says about Chinese New Year,
    from the holiday's date in :data:`~hima_analytics.statistics.calendar.CNY_DATES`: whether
    the months read include the holiday month or come before it. None when no row's year to
    date ends in January or February (or its year is outside the calendar).

    >>> import datetime as dt
    >>> D = dt.date
    >>> new_year_note(pl.DataFrame({"month": [D(2026, 1, 1)]}))  # doctest: +NORMALIZE_WHITESPACE
    'A pace from Jan 2026 alone is read before the Chinese New Year holiday (17 Feb 2026), whose month is
    still to come, and is not a forecast of the year.'
    >>> new_year_note(pl.DataFrame({"month": [D(2025, 1, 1)]}))  # doctest: +NORMALIZE_WHITESPACE
    'A pace from Jan 2025 alone includes the Chinese New Year holiday month (the holiday began 29 Jan 2025)
    and is not a forecast of the year.'
    >>> new_year_note(pl.DataFrame({"month": [D(2026, 2, 1)]}))  # doctest: +NORMALIZE_WHITESPACE
    'A pace from Jan–Feb 2026 includes the Chinese New Year holiday month (the holiday began 17 Feb 2026)
    and is not a forecast of the year.'
    >>> new_year_note(pl.DataFrame({"month": [D(2025, 9, 1)]})) is None
    True
    """
    if "month" not in progress.columns:
        return None
    early = sorted({m for m in progress["month"].drop_nulls().to_list() if m.month <= 2 and m.year in CNY_DATES})
    said = []
    for m in early:
        cny = CNY_DATES[m.year]
        span = fmt.fmt_month(m) + " alone" if m.month == 1 else fmt.fmt_month_span(m.replace(month=1), m)
        if cny.month <= m.month:
            said.append(
                f"A pace from {span} includes the Chinese New Year holiday month (the holiday began "
                f"{fmt.fmt_date(cny)}) and is not a forecast of the year."
            )
        else:
            said.append(
                f"A pace from {span} is read before the Chinese New Year holiday ({fmt.fmt_date(cny)}), whose "
                "month is still to come, and is not a forecast of the year."
            )
    return " ".join(said) or None


def target_subtitle(progress: pl.DataFrame, *, top_columns: bool = True) -> str:
    """The definitions of the table's columns, plus what its data needs said: what Chinese New
    Year does to an early pace, that a range's low end is the target compared (and its top in
    the columns so marked, unless ``top_columns`` is False because none is shown), and which
    measure a target worded as sales is set against.

    >>> t = pl.DataFrame({"target": [1.0], "target_high": [2.0], "wording": ["sales"]})
    >>> print(target_subtitle(t))  # doctest: +NORMALIZE_WHITESPACE
    Reached: the year to date ÷ target. Pace: the year to date × 12 ÷ months elapsed, as a share of the
    target. Needed per month: what is still to deliver ÷ the months left in the year. Where the target is a
    range, its low end is the one compared; the columns marked "(top)" compare its top. A target worded
    as sales is set against the deliveries the maker publishes monthly; the wording is shown.

    With a ``measure`` column, the subtitle names the two measures wherever they differ:

    >>> m = pl.DataFrame({"wording": ["sales", "sales"], "measure": ["deliveries", "wholesale"]})
    >>> print(target_subtitle(m))  # doctest: +NORMALIZE_WHITESPACE
    Reached: the year to date ÷ target. Pace: the year to date × 12 ÷ months elapsed, as a share of the
    target. Needed per month: what is still to deliver ÷ the months left in the year. A target worded as
    sales is compared with the sales (wholesale) total the maker published for the same period where one is
    on record. Where none is, it is set against deliveries, a different measure (sales count vehicles sold
    to dealers, deliveries those handed to customers): the Measure column says which each row uses.

    A pace read from January says what Chinese New Year does to it:

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
    if "shortfall" in progress.columns and progress["shortfall"].drop_nulls().len():
        parts.append("Short of target: a finished year's target less its full-year figure.")
    if note := new_year_note(progress):
        parts.append(note)
    if "target_high" in progress.columns and progress["target_high"].drop_nulls().len():
        parts.append(
            'Where the target is a range, its low end is the one compared; the columns marked "(top)" compare its top.'
            if top_columns
            else "Where the target is a range, its low end is the one compared."
        )
    wording = progress["wording"] if "wording" in progress.columns else pl.Series([], dtype=pl.String)
    sales = progress.filter(wording == "sales") if wording.len() else progress.clear()
    if sales.height and "measure" not in sales.columns:
        parts.append(
            "A target worded as sales is set against the deliveries the maker publishes monthly; the wording is shown."
        )
    elif sales.height:
        measures = set(sales["measure"].drop_nulls().to_list())
        if "wholesale" in measures:
            parts.append(
                "A target worded as sales is compared with the sales (wholesale) total the maker published for the "
                "same period where one is on record."
            )
        differ = (
            "set against deliveries, a different measure (sales count vehicles sold to dealers, deliveries those "
            "handed to customers): the Measure column says which each row uses."
        )
        if measures - {"wholesale"} and "wholesale" in measures:
            parts.append("Where none is, it is " + differ)
        elif measures - {"wholesale"}:
            parts.append("A target worded as sales, with no sales figure for the period on record, is " + differ)
    if (wording == "production and sales").any():
        parts.append(
            "A target worded as production and sales (产销) counts vehicles built and sold to dealers, not "
            "deliveries to customers; it is set against deliveries only as a guide."
        )
    return " ".join(parts)


def target_table(progress: pl.DataFrame, *, title: str, hide: Sequence[str] = (), show: Sequence[str] = ()) -> GT:
    """The table of :func:`~hima_analytics.metrics.target_progress` output: every column it
    holds under the house headers, in the order of :data:`TARGET_COLUMNS`, with
    :func:`target_subtitle` as the subtitle. ``hide`` leaves some out; a range-top, shortfall
    or still-to-deliver column with no figure in it is left out. Of the figures against a
    range's top, the monthly need is shown (and the share reached, ``progress_high``, only when
    named in ``show``: it is in the download either way); hiding ``target_high`` hides both."""
    hidden = list(hide) + [c for c in progress.columns if c.startswith("source_id_")]  # sources: in the line below
    hidden += [c for c in _OPTIONAL if c in progress.columns and not progress[c].drop_nulls().len()]
    if "progress_high" not in show:
        hidden.append("progress_high")
    if "target_high" in hide:
        hidden += ["progress_high", "needed_per_month_high"]
    first = [c for c in TARGET_COLUMNS if c in progress.columns]
    return table(
        progress.select(*first, pl.exclude(first)),
        title=title,
        subtitle=target_subtitle(
            progress,
            top_columns=any(
                c in progress.columns and c not in hidden for c in ("progress_high", "needed_per_month_high")
            ),
        ),
        columns={k: v for k, v in TARGET_COLUMNS.items() if k in progress.columns},
        hide=hidden,
    )
