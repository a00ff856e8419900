"""Chinese New Year (Spring Festival) dates, 2015-2035.

The holiday moves between late January and mid-February, so January and February volumes
are not comparable year to year without knowing which month held it. Dates are the first day
of the lunar year (Gregorian calendar, China Standard Time).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

CNY_DATES: dict[int, dt.date] = {
    2015: dt.date(2015, 2, 19),
    2016: dt.date(2016, 2, 8),
    2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}
"""First day of the lunar new year for each Gregorian year covered."""


def cny_date(year: int) -> dt.date:
    """The date of Chinese New Year in ``year`` (2015-2035).

    >>> cny_date(2025)
    datetime.date(2025, 1, 29)
    """
    try:
        return CNY_DATES[year]
    except KeyError:
        raise ValueError(
            f"cny_date: expected a year in {min(CNY_DATES)}-{max(CNY_DATES)}; got {year}. "
            "Hint: extend CNY_DATES in hima_analytics/statistics/calendar.py."
        ) from None


def is_cny_month(month: str | pl.Expr = "month") -> pl.Expr:
    """``True`` for the month that contains Chinese New Year, ``False`` for other months, null
    for years outside the table (2015-2035).

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2026, 2, 1),
    ...                              dt.date(2040, 1, 1)]})
    >>> df.select(is_cny_month())["cny_month"].to_list()
    [True, False, True, None]
    """
    m = pl.col(month) if isinstance(month, str) else month
    cny_m = m.dt.year().replace_strict({y: d.month for y, d in CNY_DATES.items()}, default=None, return_dtype=pl.Int8)
    return (m.dt.month() == cny_m).alias("cny_month")
