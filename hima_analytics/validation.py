"""Typing and checking the curated tables.

:func:`parse_table` turns a string frame into typed columns and reports every cell that does not
parse. :func:`check_tables` runs the checks that span rows and tables: keys, preferred values,
references, units and dates. Both return problems instead of raising, so that one run lists
every defect; :mod:`hima_analytics.catalog` raises them together and loads nothing.

Dates are checked for plausibility against :func:`today` (replace it to test): months from
:data:`EARLIEST_MONTH` to the month after today's, sources published and retrieved no later
than today. Work is linear in the rows, however many are bad: duplicates are found with window
expressions, and each message lists at most :data:`MAX_LISTED` other rows.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from .problems import Problem
from .schemas import TABLES, Column, Table

_EXPECTED = {
    "int": ("a whole number of vehicles, e.g. 52747", "write digits only: no thousands separators or decimals"),
    "float": ("a number, e.g. 145176.0", "use '.' for decimals and no thousands separators"),
    "date": ("a date YYYY-MM-DD", "e.g. 2025-06-30"),
    "month": ("a month YYYY-MM", "e.g. 2025-06"),
    "bool": ("true or false", "write true or false in lower case"),
}
#: The tables each kind of reference points into (checks are skipped when one is unreadable).
_REF_TABLES = {
    "source": {"sources"},
    "entity": {"entities"},
    "company": {"companies"},
    "subject": {"entities", "companies"},
}
SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
#: A source's address: a web page, as the reports link it (``display.figures.safe_url``).
WEB_URL = re.compile(r"(?i)^https?://[^\s]+$")
#: The first month a figure may report (HIMA's brands and rivals all sell after it).
EARLIEST_MONTH = dt.date(2015, 1, 1)
#: Columns whose dates cannot lie after today (a page cannot be read before it exists).
NOT_AFTER_TODAY = {"sources": ("published", "retrieved")}
#: NaN and infinities in any case and sign: polars would read them as floats.
NON_FINITE = r"(?i)^[+-]?(nan|inf|infinity)$"
#: Other rows named in one duplicate message ("also at a:2, b:3, c:4 and 7 more").
MAX_LISTED = 5
#: Distinct unknown ids that get a did-you-mean suggestion (each costs a fuzzy search).
MAX_SUGGESTED = 500


def today() -> dt.date:
    """The date validation treats as today. Tests replace this function to fix the date."""
    return dt.date.today()


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s month."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _parse_expr(col: Column) -> pl.Expr:
    c = pl.col(col.name)
    if col.kind == "int":
        return c.str.strip_chars().cast(pl.Int64, strict=False)
    if col.kind == "float":
        return c.cast(pl.Float64, strict=False)
    if col.kind == "date":
        return c.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    if col.kind == "month":
        ok = c.str.contains(r"^\d{4}-\d{2}$")
        return pl.when(ok).then((c + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    if col.kind == "bool":
        lower = c.str.to_lowercase()
        return pl.when(lower == "true").then(True).when(lower == "false").then(False)
    return c


def _locate(
    frame: pl.DataFrame, mask: pl.Expr, column: str | None, expected: str, hint: str, got: pl.Expr | None = None
) -> list[Problem]:
    bad = frame.filter(mask).select("_file", "_line", (got if got is not None else pl.col(column)).alias("_got"))
    return [
        Problem(f, line, column, expected, repr(v) if v is not None else "an empty cell", hint)
        for f, line, v in bad.iter_rows()
    ]


def parse_table(raw: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse a string frame into the table's types. Cells that fail are listed, never dropped."""
    problems: list[Problem] = []
    parsed = raw.with_columns(_parse_expr(c).alias(c.name) for c in table.columns)
    now = today()
    for col in table.columns:
        raw_c, new_c = raw[col.name], parsed[col.name]
        nonfinite = pl.repeat(False, raw.height, eager=True)
        if col.kind in ("int", "float"):
            nonfinite = raw_c.is_not_null() & raw_c.str.contains(NON_FINITE)
            if col.kind == "float":
                nonfinite |= new_c.is_nan() | new_c.is_infinite()
            problems += _locate(
                raw,
                nonfinite,
                col.name,
                "a finite number",
                "write the figure in digits; leave the cell empty if it is unknown and the column allows it",
            )
        if col.kind in _EXPECTED:
            failed = raw_c.is_not_null() & new_c.is_null() & ~nonfinite
            exp, hint = _EXPECTED[col.kind]
            problems += _locate(raw, failed, col.name, exp, hint)
        problems += _implausible_dates(raw, parsed, table, col, now)
        if col.values is not None:
            outside = raw_c.is_not_null() & ~raw_c.is_in(list(col.values))
            problems += _locate(raw, outside, col.name, "one of " + ", ".join(col.values), "values are case-sensitive")
        if col.required:
            problems += _locate(raw, raw_c.is_null(), col.name, "a value", "this column is required")
        if col.non_negative:
            problems += _locate(
                parsed,
                new_c < 0,
                col.name,
                "a non-negative number",
                "a volume cannot be negative; check the sign or the source",
            )
    defaults = [pl.col(c.name).fill_null(c.default) for c in table.columns if c.default is not None]
    return (parsed.with_columns(defaults) if defaults else parsed), problems


def _implausible_dates(
    raw: pl.DataFrame, parsed: pl.DataFrame, table: Table, col: Column, now: dt.date
) -> list[Problem]:
    """Months outside EARLIEST_MONTH..the month after ``now``; dates after ``now`` where none can be."""
    value = parsed[col.name]
    if col.kind == "month":
        latest = _month_after(now)
        outside = value.is_not_null() & ((value < EARLIEST_MONTH) | (value > latest))
        return _locate(
            raw,
            outside,
            col.name,
            f"a month from {EARLIEST_MONTH:%Y-%m} to {latest:%Y-%m}",
            "a month before 2015 or after next month is a typo in the year, or a forecast",
        )
    if col.name in NOT_AFTER_TODAY.get(table.name, ()):
        return _locate(
            raw,
            value.is_not_null() & (value > now),
            col.name,
            f"a date on or before today ({now.isoformat()})",
            "a source cannot be published or read in the future: check the year",
        )
    return []


def _listed(locations: list[str], total: int) -> str:
    """Up to MAX_LISTED locations, and how many more there are."""
    more = total - min(len(locations), MAX_LISTED)
    return ", ".join(locations[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")


def _duplicates(frame: pl.DataFrame, key: list[str], what: str, hint: str) -> list[Problem]:
    """One problem per row whose key repeats, naming the other rows (linear: window expressions)."""
    dup = frame.filter(pl.len().over(key) > 1)
    if dup.is_empty():
        return []
    # The location column is built first: polars 2.1 panics formatting strings inside a window.
    dup = dup.with_columns(pl.format("{}:{}", "_file", "_line").alias("_here")).with_columns(
        pl.col("_here").head(MAX_LISTED + 1).over(key, mapping_strategy="join").alias("_first"),
        pl.len().over(key).alias("_n"),
    )
    problems = []
    for row in dup.iter_rows(named=True):
        others = [loc for loc in row["_first"] if loc != row["_here"]]
        keytxt = ", ".join(f"{k}={row[k]}" for k in key)
        got = f"the same key ({keytxt}) also at {_listed(others, row['_n'] - 1)}"
        problems.append(Problem(row["_file"], row["_line"], None, what, got, hint))
    return problems


def _dangling(frame: pl.DataFrame, column: str, allowed: pl.Series, what: str, hint: str) -> list[Problem]:
    from .errors import did_you_mean

    mask = pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed.implode())
    bad = frame.filter(mask).select("_file", "_line", column)
    choices = allowed.unique().to_list()
    suggestions: dict[str, str] = {}
    out = []
    for f, line, value in bad.iter_rows():
        if value not in suggestions:
            suggestions[value] = did_you_mean(value, choices) if len(suggestions) < MAX_SUGGESTED else ""
        out.append(Problem(f, line, column, what, repr(value), hint + suggestions[value]))
    return out


def check_tables(
    frames: dict[str, pl.DataFrame],
    seeds: set[str] | None = None,
    skip_refs: set[str] = frozenset(),
    known_ids: dict[str, pl.Series] | None = None,
) -> list[Problem]:
    """Checks across rows and tables. ``seeds`` is the set of seed file names, if available.

    References into a table named in ``skip_refs`` (one with an unreadable file) are not checked,
    since its ids are incomplete and every reference would look dangling.
    """
    problems: list[Problem] = []
    sources = frames["sources"]
    entities = frames["entities"]
    companies = frames["companies"]
    # Ids of rows that failed to parse still count as defined: a source with a bad date is
    # reported once, as a bad date, not again by every row that cites it.
    extra = known_ids or {}
    source_ids = pl.concat([sources["source_id"], extra.get("sources", pl.Series([], dtype=pl.String))]).drop_nulls()
    entity_ids = pl.concat([entities["entity"], extra.get("entities", pl.Series([], dtype=pl.String))]).drop_nulls()
    company_ids = pl.concat([companies["company"], extra.get("companies", pl.Series([], dtype=pl.String))]).drop_nulls()
    subjects = pl.concat([entity_ids, company_ids])
    refs = {
        "source": (source_ids, "a source_id listed in data/sources/", "add the source to a sources shard."),
        "entity": (entity_ids, "an entity id listed in data/entities/", "unknown brand/model/entity."),
        "company": (company_ids, "a company id listed in data/companies/", "unknown company."),
        "subject": (subjects, "an entity or company id", "unknown subject."),
    }

    for name, frame in frames.items():
        t = TABLES[name]
        if t.preferred:
            problems += _duplicates(
                frame,
                [*t.key, "source_id"],
                "one row per key and source",
                "two rows from one source for the same key: keep one",
            )
            n_pref = pl.col("preferred").sum().over(list(t.key))
            keyed = frame.with_columns(n_pref.alias("_n"))
            many = keyed.filter((pl.col("_n") > 1) & pl.col("preferred"))
            none = keyed.filter(pl.col("_n") == 0).unique(list(t.key), keep="first", maintain_order=True)
            for row in pl.concat([many, none]).iter_rows(named=True):
                keytxt = ", ".join(f"{k}={row[k]}" for k in t.key)
                problems.append(
                    Problem(
                        row["_file"],
                        row["_line"],
                        "preferred",
                        "exactly one preferred=true row per key",
                        f"{row['_n']} preferred rows for ({keytxt})",
                        "mark one value preferred and say why in note",
                    )
                )
        else:
            problems += _duplicates(frame, list(t.key), "a unique key", "remove or merge the duplicate row")
        for col in t.columns:
            if col.ref is None or _REF_TABLES[col.ref] & skip_refs:
                continue
            allowed, what, hint = refs[col.ref]
            problems += _dangling(frame, col.name, allowed, what, hint)
        if t.unit_series:
            series_key = list(t.unit_series)
            mixed = frame.filter(pl.col("unit").n_unique().over(series_key) > 1).with_columns(
                pl.col("unit").unique().sort().over(series_key, mapping_strategy="join").alias("_units")
            )
            for row in mixed.unique([*series_key, "unit"], keep="first", maintain_order=True).iter_rows(named=True):
                series = ", ".join(f"{k}={row[k]}" for k in t.unit_series)
                units = row["_units"]
                problems.append(
                    Problem(
                        row["_file"],
                        row["_line"],
                        "unit",
                        f"one unit per series ({series})",
                        f"mixed units {units}",
                        "convert the series to a single unit",
                    )
                )

    if "entities" not in skip_refs:
        problems += _dangling(entities, "parent", entity_ids, "a parent entity id", "unknown parent.")
    both = sources.filter(pl.col("url").is_null() == pl.col("seed_file").is_null())
    problems += _locate(
        both,
        pl.lit(True),
        None,
        "exactly one of url or seed_file",
        "add the page's URL, or the seed file name",
        got=pl.format("url={}, seed_file={}", "url", "seed_file"),
    )
    dup_url = sources.filter(pl.col("url").is_not_null() & (pl.len().over("url") > 1)).with_columns(
        pl.col("source_id").head(MAX_LISTED).over("url", mapping_strategy="join").alias("_ids"),
        pl.len().over("url").alias("_n"),
    )
    for f, line, ids, n in dup_url.select("_file", "_line", "_ids", "_n").iter_rows():
        problems.append(
            Problem(
                f,
                line,
                "url",
                "one source row per page",
                f"the same URL under {n} ids ({_listed(ids, n)})",
                "keep one source_id for the page and point every row at it",
            )
        )
    bad_seed = sources.filter(pl.col("seed_file").is_not_null() & ~pl.col("seed_file").str.contains(SEED_NAME.pattern))
    problems += _locate(bad_seed, pl.lit(True), "seed_file", "a seed file name like 002_827de603f12a3540.txt", "")
    bad_url = sources.filter(pl.col("url").is_not_null() & ~pl.col("url").str.contains(WEB_URL.pattern))
    problems += _locate(
        bad_url,
        pl.lit(True),
        "url",
        "a web address starting with http:// or https://",
        "a source is a public web page or a seed file; javascript:, data: and file: addresses are never linked",
    )
    if seeds is not None:
        missing = sources.filter(pl.col("seed_file").is_not_null() & ~pl.col("seed_file").is_in(sorted(seeds)))
        problems += _locate(missing, pl.lit(True), "seed_file", "a file in the seeds folder", "check the name")
    problems += _locate(
        sources,
        pl.col("url").is_not_null() & pl.col("published").is_null(),
        "published",
        "a publication date for a web source",
        "take it from the page or its URL; a page with no date cannot back a figure",
    )
    problems += _locate(
        sources,
        pl.col("published") > pl.col("retrieved"),
        "published",
        "a publication date on or before the retrieval date",
        "",
        got=pl.col("published").cast(pl.String),
    )

    # A figure cannot be published before its period has begun (catches wrong-year figures).
    published = sources.select("source_id", pl.col("published").alias("_published"))
    for name, start in (("volumes", "month"), ("market", "month"), ("financials", "period_end")):
        joined = frames[name].join(published, on="source_id", how="inner")
        early = pl.col(start) > pl.col("_published")
        problems += _locate(
            joined,
            early,
            start,
            f"a period that had {'begun' if start == 'month' else 'ended'} by the source's publication date",
            "a month from the wrong year, or the wrong source?",
            got=pl.format(
                "{} (source published {})", pl.col(start).cast(pl.String), pl.col("_published").cast(pl.String)
            ),
        )
    fin = frames["financials"]
    problems += _locate(
        fin,
        pl.col("period_start") > pl.col("period_end"),
        "period_end",
        "period_end on or after period_start",
        "",
        got=pl.col("period_end").cast(pl.String),
    )
    from .perimeters import perimeter_problems

    for name in ("volumes", "financials"):
        problems += perimeter_problems(frames[name], name)
    return problems
