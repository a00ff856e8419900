"""Numbers, bounds and periods as a reader sees them.

Ratios arrive as fractions and leave as percentages; money in the financials' unit leaves as
yuan; a bound keeps its sign ("> 20,000", "< 1,000", "≈ 18,000") wherever it is printed; a
period prints as "Feb 2026", "Q4 2024", "H1 2025", "9M 2025" or "FY2024". Missing values and
NaN or infinite ones print as "n/a" (text) or the table's missing mark.

>>> fmt_q(20_000, "over"), fmt_q(1_000, "under"), fmt_q(18_000, "about"), fmt_q(0.333, "over", kind="pct")
('> 20,000', '< 1,000', '≈ 18,000', '> 33.3%')
>>> fmt_period(dt.date(2024, 10, 1), dt.date(2024, 12, 31)), fmt_period(dt.date(2025, 1, 1), period_type="H")
('Q4 2024', 'H1 2025')
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Literal

__all__ = [
    "BOUND_MARK",
    "MISSING",
    "Kind",
    "fmt_bound",
    "fmt_date",
    "fmt_int",
    "fmt_money",
    "fmt_month",
    "fmt_pct",
    "fmt_period",
    "fmt_pp",
    "fmt_q",
    "fmt_value",
    "is_missing",
    "readable_numbers",
]

MISSING = "n/a"
#: The mark a qualifier puts before a figure.
#: A rounded figure ("59.66万" as 596,600) and an approximate one ("about 18,000") both read "≈".
BOUND_MARK = {"over": "> ", "under": "< ", "about": "≈ ", "rounded": "≈ "}
Kind = Literal["int", "pct", "pp", "money", "unit", "decimal"]


def is_missing(x: object) -> bool:
    """None, NaN and ±inf are not figures.

    >>> is_missing(None), is_missing(float("nan")), is_missing(float("inf")), is_missing(0)
    (True, True, True, False)
    """
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def fmt_int(x: float | int | None, unit: str = "", missing: str = MISSING) -> str:
    """``52747 -> '52,747'``; missing -> 'n/a'.

    >>> fmt_int(52747, "vehicles"), fmt_int(None), fmt_int(float("inf"))
    ('52,747 vehicles', 'n/a', 'n/a')
    """
    if x is None or is_missing(x):
        return missing
    return f"{x:,.0f}" + (f" {unit}" if unit else "")


def fmt_pct(x: float | None, decimals: int = 1, signed: bool = False, missing: str = MISSING) -> str:
    """A fraction as a percentage: ``0.6329 -> '63.3%'``; missing -> 'n/a'.

    >>> fmt_pct(0.6329), fmt_pct(0.25, 0, signed=True), fmt_pct(None), fmt_pct(float("nan"))
    ('63.3%', '+25%', 'n/a', 'n/a')
    """
    if x is None or is_missing(x):
        return missing
    return f"{x * 100:{'+' if signed else ''}.{decimals}f}%"


def fmt_pp(x: float | None, decimals: int = 1, missing: str = MISSING) -> str:
    """A change between two fractions in percentage points: ``-0.071 -> '-7.1 pp'``.

    >>> fmt_pp(-0.071), fmt_pp(0.02)
    ('-7.1 pp', '+2.0 pp')
    """
    if x is None or is_missing(x):
        return missing
    return f"{x * 100:+.{decimals}f} pp"


def fmt_money(x: float | None, unit: str = "CNY_mn", missing: str = MISSING) -> str:
    """Money in the table's unit as readable yuan: ``145176 CNY_mn -> '145.2 bn yuan'``.

    >>> fmt_money(145176), fmt_money(-2450), fmt_money(140000, "CNY"), fmt_money(float("inf"))
    ('145.2 bn yuan', '-2.5 bn yuan', '140,000 yuan', 'n/a')
    """
    if x is None or is_missing(x):
        return missing
    if unit == "CNY_mn":
        return f"{x / 1000:,.1f} bn yuan" if abs(x) >= 1000 else f"{x:,.0f} mn yuan"
    if unit == "USD_mn":
        return f"US${x / 1000:,.1f} bn" if abs(x) >= 1000 else f"US${x:,.0f} mn"
    return f"{x:,.0f} yuan"


def fmt_value(x: float | None, unit: str | None, missing: str = MISSING) -> str:
    """A figure in its unit, for tables that mix units (the unit column decides, never a guess).

    >>> fmt_value(0.6313, "fraction"), fmt_value(0.87, "fraction"), fmt_value(145176, "CNY_mn")
    ('63.13%', '87%', '145.2 bn yuan')
    >>> fmt_value(43, "months"), fmt_value(74.8, "score"), fmt_value(None, "units"), fmt_value(1e6, "units")
    ('43 months', '74.8', 'n/a', '1,000,000')
    """
    if x is None or is_missing(x):
        return missing
    if unit == "fraction":
        # As many decimals as the published fraction has (87% stays 87%, 82.4% stays 82.4%).
        digits = max(0, min(2, len(f"{x * 100:.4f}".rstrip("0").split(".")[1]) if "." in f"{x * 100:.4f}" else 0))
        return fmt_pct(x, digits)
    if unit in ("CNY_mn", "CNY", "USD_mn"):
        return fmt_money(x, unit)
    if unit in ("months", "days"):
        return f"{x:,.0f} {unit if abs(x) != 1 else unit[:-1]}"
    if unit == "km":
        return f"{x:,.0f} km"
    if unit == "score":
        return f"{x:,.1f}"
    return fmt_int(x)


def fmt_bound(text: str, qualifier: str | None) -> str:
    """Put a qualifier's mark before an already formatted figure.

    >>> fmt_bound("20,000", "over"), fmt_bound("9,580", "exact"), fmt_bound("45,300", "implied")
    ('> 20,000', '9,580', '45,300 (implied)')
    >>> fmt_bound("596,600", "rounded")
    '≈ 596,600'
    """
    if text == MISSING or qualifier is None:
        return text
    if qualifier == "implied":
        return f"{text} (implied)"
    return BOUND_MARK.get(str(qualifier), "") + text


def fmt_q(
    x: float | None,
    qualifier: str | None,
    *,
    kind: Kind = "int",
    unit: str | None = None,
    decimals: int = 1,
    signed: bool = False,
    missing: str = MISSING,
) -> str:
    """A figure with its qualifier's mark: ``kind`` is ``int`` (vehicles), ``pct`` (a fraction
    as a percentage), ``pp`` (percentage points), ``money`` (in ``unit``), ``unit`` (by the
    ``unit`` given) or ``decimal``. A derived figure whose qualifier is missing is not shown.

    An approximate figure (``about``) prints no more precisely than it is known: vehicles,
    money and other amounts to three significant figures, percentages to two (so a share of
    3.4% keeps its decimal and 55.0% prints without one).

    >>> fmt_q(0.5, "under", kind="pct", signed=True), fmt_q(145176.0, "exact", kind="money", unit="CNY_mn")
    ('< +50.0%', '145.2 bn yuan')
    >>> fmt_q(58016, "about"), fmt_q(18000, "about"), fmt_q(-0.5503, "about", kind="pct", signed=True)
    ('≈ 58,000', '≈ 18,000', '≈ -55%')
    >>> fmt_q(0.0342, "about", kind="pct"), fmt_q(0.005, "about", kind="pct")
    ('≈ 3.4%', '≈ 0.5%')
    >>> fmt_q(131_319.76, "about", kind="unit", unit="CNY"), fmt_q(2_456.0, "about", kind="money", unit="CNY_mn")
    ('≈ 131,000 yuan', '≈ 2.5 bn yuan')

    A rounded figure keeps the digits it was published with; one computed from rounded figures
    (a sum or ratio whose units digit is not zero, which no rounded publication has) prints to
    four significant figures, since its last digits are not known.

    >>> fmt_q(596_600, "rounded"), fmt_q(451_592, "rounded"), fmt_q(131_319.76, "rounded", kind="unit", unit="CNY")
    ('≈ 596,600', '≈ 451,600', '≈ 131,300 yuan')

    A bound keeps its published digits; one computed from other figures (its units digit is not
    zero, as no published bound's is) keeps three significant figures, rounded toward its side,
    because an approximate figure may be among its inputs.

    >>> fmt_q(20_000, "over"), fmt_q(38_338.3, "over"), fmt_q(1_234, "under"), fmt_q(987, "over")
    ('> 20,000', '> 38,300', '< 1,240', '> 987')
    """
    if x is None or is_missing(x):
        return missing
    if qualifier == "about":
        if kind in ("int", "money", "unit") and unit != "fraction" and abs(x) >= 1000:
            x = float(f"{x:.3g}")
        elif kind in ("pct", "pp"):
            decimals = 0 if abs(x) >= 0.1 else 1
    elif qualifier == "rounded" and kind in ("int", "money", "unit") and unit != "fraction" and abs(x) >= 10_000:
        if abs(x) % 10:
            x = float(f"{x:.4g}")
    elif qualifier in ("over", "under") and kind in ("pct", "pp", "int"):
        places = decimals + 2 if kind in ("pct", "pp") else 0
        if kind == "int" and abs(x) >= 1000 and round(x) % 10:
            # No publication states a bound to the last vehicle ("over 38,338"): this one is
            # computed, and may rest on an approximate figure, so it keeps three significant
            # figures, rounded toward its side.
            places = 3 - len(str(int(abs(x))))
        x = _toward_bound(x, qualifier, places)
    if kind == "pct":
        text = fmt_pct(x, decimals, signed, missing)
    elif kind == "pp":
        text = fmt_pp(x, decimals, missing)
    elif kind == "money":
        text = fmt_money(x, unit or "CNY_mn", missing)
    elif kind == "unit":
        text = fmt_value(x, unit, missing)
    elif kind == "decimal":
        text = f"{x:,.{decimals}f}"
    else:
        text = f"{x:+,.0f}" if signed and x != 0 else fmt_int(x, missing=missing)
    return fmt_bound(text, qualifier)


def _toward_bound(x: float, qualifier: str, places: int) -> float:
    """Round a bound only in the direction that keeps it a bound: a lower bound down, an upper
    bound up, at ``places`` decimals (so 86.97% "over" prints "> 86.9%", never "> 87.0%").

    >>> _toward_bound(0.869_7, "over", 3), _toward_bound(0.869_7, "under", 3), _toward_bound(1_000.4, "over", 0)
    (0.869, 0.87, 1000.0)
    """
    scale = 10**places
    scaled = round(x * scale, 6)  # float noise (0.87 * 1000 = 869.999...) is not a digit
    return (math.floor(scaled) if qualifier == "over" else math.ceil(scaled)) / scale


def fmt_month(d: dt.date | None) -> str:
    """``date(2025, 6, 1) -> 'Jun 2025'``.

    >>> fmt_month(dt.date(2026, 2, 1)), fmt_month(None)
    ('Feb 2026', 'n/a')
    """
    return MISSING if d is None else f"{calendar.month_abbr[d.month]} {d.year}"


def fmt_month_runs(months: list[dt.date]) -> str:
    """Months as runs, the way a reader scans a list of gaps: consecutive months become a range.

    >>> D = dt.date
    >>> fmt_month_runs([D(2023, m, 1) for m in (1, 2, 3, 6)] + [D(2023, 12, 1), D(2024, 1, 1)])
    'Jan–Mar 2023, Jun 2023, Dec 2023–Jan 2024'
    >>> fmt_month_runs([])
    ''
    """
    ordered = sorted({m.replace(day=1) for m in months})
    runs: list[list[dt.date]] = []
    for m in ordered:
        if runs and (runs[-1][-1].year * 12 + runs[-1][-1].month) + 1 == m.year * 12 + m.month:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(fmt_month_span(run[0], run[-1]) for run in runs)


def fmt_month_span(first: dt.date, last: dt.date) -> str:
    """The months from ``first`` to ``last`` as one span.

    >>> D = dt.date
    >>> fmt_month_span(D(2025, 1, 1), D(2025, 4, 1)), fmt_month_span(D(2025, 2, 1), D(2026, 1, 1))
    ('Jan–Apr 2025', 'Feb 2025–Jan 2026')
    >>> fmt_month_span(D(2025, 2, 1), D(2025, 2, 1))
    'Feb 2025'
    """
    if (first.year, first.month) == (last.year, last.month):
        return fmt_month(first)
    if first.year == last.year:
        return f"{calendar.month_abbr[first.month]}–{fmt_month(last)}"
    return f"{fmt_month(first)}–{fmt_month(last)}"


def fmt_date(d: dt.date | None) -> str:
    """``date(2025, 12, 5) -> '5 Dec 2025'``.

    >>> fmt_date(dt.date(2025, 12, 5))
    '5 Dec 2025'
    """
    return MISSING if d is None else f"{d.day} {calendar.month_abbr[d.month]} {d.year}"


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def fmt_period(start: dt.date | None, end: dt.date | None = None, period_type: str | None = None) -> str:
    """A period as analysts write it.

    >>> D = dt.date
    >>> fmt_period(D(2024, 1, 1), D(2024, 12, 31)), fmt_period(D(2025, 1, 1), D(2025, 9, 30))
    ('FY2024', '9M 2025')
    >>> fmt_period(D(2025, 7, 1), D(2025, 9, 30)), fmt_period(D(2025, 7, 1), D(2025, 12, 31))
    ('Q3 2025', 'H2 2025')
    >>> fmt_period(D(2026, 2, 1), D(2026, 2, 28)), fmt_period(D(2025, 1, 1), D(2025, 8, 31))
    ('Feb 2026', 'Jan–Aug 2025')
    >>> fmt_period(D(2025, 12, 5), D(2025, 12, 5)), fmt_period(D(2023, 9, 12), D(2024, 4, 30))
    ('5 Dec 2025', '12 Sep 2023 – 30 Apr 2024')
    >>> fmt_period(D(2024, 10, 1), period_type="Q"), fmt_period(D(2024, 1, 1), period_type="FY")
    ('Q4 2024', 'FY2024')
    """
    if start is None:
        return MISSING
    if period_type is not None:
        if period_type == "Q":
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if period_type == "H":
            return f"H{1 if start.month <= 6 else 2} {start.year}"
        if period_type == "9M":
            return f"9M {start.year}"
        if period_type == "FY":
            return f"FY{start.year}"
    if end is None or end == start:
        return fmt_date(start) if start.day != 1 or end == start else fmt_month(start)
    whole_months = start.day == 1 and end == _month_end(end)
    if not whole_months:
        return f"{fmt_date(start)} – {fmt_date(end)}"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.year == end.year:
        if months == 12:
            return f"FY{start.year}"
        if months == 9 and start.month == 1:
            return f"9M {start.year}"
        if months == 6 and start.month in (1, 7):
            return f"H{1 if start.month == 1 else 2} {start.year}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if months == 1:
            return fmt_month(start)
        return f"{calendar.month_abbr[start.month]}–{calendar.month_abbr[end.month]} {start.year}"
    return f"{fmt_month(start)} – {fmt_month(end)}"


def readable_numbers(text: str) -> str:
    """Bare numbers of five digits or more in a sentence get thousands separators, and a range
    between two of them an en dash ("RMB 359800-449800" -> "RMB 359,800–449,800"); years,
    decimals and numbers already grouped are left alone.

    >>> readable_numbers("pre-order prices RMB 359800-449800, from 36.8万 yuan; 2025 launch; 100,000 orders")
    'pre-order prices RMB 359,800–449,800, from 36.8万 yuan; 2025 launch; 100,000 orders'
    """
    import re

    grouped = re.sub(r"(?<![\d.,])(\d{5,})(?![\d.,]\d)", lambda m: f"{int(m.group(1)):,}", text)
    return re.sub(r"(\d{1,3}(?:,\d{3})+)-(\d{1,3}(?:,\d{3})+)", r"\1–\2", grouped)
