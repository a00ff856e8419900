"""What the record rests on: which sources back which figures, by tier and by publisher.

Pure Polars over frames the caller loads (``load("sources")`` and the ``source_id`` column of
every table that holds figures or dated events), for the data appendix:

- :func:`figure_sources`: one row per figure or event and the source it cites;
- :func:`figures_by_tier`: how many of them rest on each source tier;
- :func:`source_list`: every source record with the figures it backs, the other record of
  the same article when one article is filed twice, and why a record that backs no figure is
  kept (it documents an entity's record, or a note cites it);
- :func:`source_summary`: the records, the distinct articles, and the records backing nothing;
- :func:`by_publisher` and :func:`top_publishers`: publishers by the figures they back, with
  every tier their sources have, and a cut that never splits a tie.

A record's internal location (its seed file name) is not passed on: a reader finds a source by
its title, publisher, date and address.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

__all__ = [
    "FIGURE_TABLES",
    "by_publisher",
    "figure_sources",
    "figures_by_tier",
    "source_list",
    "source_summary",
    "top_publishers",
]

#: The tables whose rows are figures or dated events, each citing one source.
FIGURE_TABLES = ("volumes", "financials", "market", "facts", "events")
#: How a source without a public address is located.
SUPPLIED = "text supplied with the seed articles (no public address)"
_ARTICLE = ["publisher", "title", "published", "url"]


def figure_sources(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per figure or dated event (every value, preferred or not) of ``tables``: its
    ``table`` and ``source_id``.

    >>> tables = {"volumes": pl.DataFrame({"source_id": ["a", "a"]}), "facts": pl.DataFrame({"source_id": ["b"]})}
    >>> figure_sources(tables)  # doctest: +NORMALIZE_WHITESPACE
    shape: (3, 2)
    ┌─────────┬───────────┐
    │ table   ┆ source_id │
    │ ---     ┆ ---       │
    │ str     ┆ str       │
    ╞═════════╪═══════════╡
    │ volumes ┆ a         │
    │ volumes ┆ a         │
    │ facts   ┆ b         │
    └─────────┴───────────┘
    """
    frames = [
        frame.select(pl.lit(name).alias("table"), pl.col("source_id").cast(pl.String)) for name, frame in tables.items()
    ]
    if not frames:
        return pl.DataFrame(schema={"table": pl.String, "source_id": pl.String})
    return pl.concat(frames)


def figures_by_tier(backing: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """``tier``, ``figures`` (rows of ``backing`` citing a source of that tier; "not classified"
    for a source without one) and their ``share`` of all.

    >>> b = pl.DataFrame({"source_id": ["a", "a", "b", "c"]})
    >>> s = pl.DataFrame({"source_id": ["a", "b", "c"], "tier": ["major", "primary", None]})
    >>> figures_by_tier(b, s).rows()
    [('major', 2, 0.5), ('not classified', 1, 0.25), ('primary', 1, 0.25)]
    """
    return (
        backing.join(sources.select("source_id", pl.col("tier").cast(pl.String)), on="source_id", how="left")
        .with_columns(pl.col("tier").fill_null("not classified"))
        .group_by("tier")
        .agg(pl.len().cast(pl.Int64).alias("figures"))
        .with_columns((pl.col("figures") / pl.col("figures").sum()).alias("share"))
        .sort("tier")
    )


def source_list(
    sources: pl.DataFrame,
    backing: pl.DataFrame,
    *,
    documents: pl.DataFrame | None = None,
    notes: list[str] | None = None,
) -> pl.DataFrame:
    """Every source record, sorted by publisher and date: ``source_id`` (the key the other
    downloads cite), ``publisher``, ``published``, ``tier``, ``title``, ``url`` (or, for a seed
    article without one, that its text was supplied), ``language``, ``figures`` (rows of
    ``backing`` citing it), ``same_article_as`` (the other record of the same article, when one
    article, by publisher, title, date and address, is filed under two ids) and ``kept_for``:
    for a record backing no figure, whether it documents an entity's record (``documents``:
    the entities table, whose ``source_id`` backs a model's or brand's dates) or is cited in a
    note (``notes``), else null.

    >>> import datetime as dt
    >>> s = pl.DataFrame({"source_id": ["a", "b", "c"], "publisher": ["P", "P", "Q"], "title": ["T", "T", "U"],
    ...     "published": [dt.date(2025, 1, 2)] * 3, "url": [None, None, "https://q"],
    ...     "seed_file": ["1.txt"] * 2 + [None],
    ...     "tier": ["major"] * 3, "language": ["en"] * 3})
    >>> out = source_list(s, pl.DataFrame({"source_id": ["a"]}), notes=["see c"])
    >>> out.select("source_id", "url", "figures", "same_article_as", "kept_for").rows()
    ... # doctest: +NORMALIZE_WHITESPACE
    [('a', 'text supplied with the seed articles (no public address)', 1, 'b', None),
     ('b', 'text supplied with the seed articles (no public address)', 0, 'a', None),
     ('c', 'https://q', 0, None, 'cited in a note')]
    """
    counts = backing.group_by("source_id").agg(pl.len().cast(pl.Int64).alias("figures"))
    records = sources.join(counts, on="source_id", how="left").with_columns(pl.col("figures").fill_null(0))
    # The other id of the same article: a self-join on everything a reader identifies it by.
    twins = (
        records.select("source_id", *_ARTICLE)
        .join(records.select(pl.col("source_id").alias("same_article_as"), *_ARTICLE), on=_ARTICLE, nulls_equal=True)
        .filter(pl.col("source_id") != pl.col("same_article_as"))
        .group_by("source_id")
        .agg(pl.col("same_article_as").sort().str.join("; "))
    )
    documented = (
        set(documents["source_id"].drop_nulls().cast(pl.String).to_list())
        if documents is not None and "source_id" in documents.columns
        else set()
    )
    text = "\n".join(notes or [])
    in_note = pl.lit(text).str.contains(pl.col("source_id"), literal=True) if text else pl.lit(False)
    kept_for = (
        pl.when(pl.col("figures") > 0)
        .then(pl.lit(None, pl.String))
        .when(pl.col("source_id").is_in(list(documented)))
        .then(pl.lit("documents an entity record"))
        .when(in_note)
        .then(pl.lit("cited in a note"))
    )
    seedless = pl.col("url").is_null() & pl.col("seed_file").is_not_null() if "seed_file" in records.columns else False
    return (
        records.join(twins, on="source_id", how="left")
        .with_columns(
            kept_for.alias("kept_for"),
            pl.when(seedless).then(pl.lit(SUPPLIED)).otherwise(pl.col("url")).alias("url"),
        )
        .sort("publisher", "published", "source_id", nulls_last=True)
        .select(
            "source_id",
            "publisher",
            "published",
            "tier",
            "title",
            "url",
            "language",
            "figures",
            "same_article_as",
            "kept_for",
        )
    )


def source_summary(listed: pl.DataFrame) -> pl.DataFrame:
    """From :func:`source_list`: ``item`` and ``records``, the count of each: every source
    record, the distinct articles they are (one article filed under two ids counts once), the
    records backing no figure or event, and why each of those is kept.

    >>> s = pl.DataFrame({"source_id": ["a", "b", "c"], "figures": [1, 0, 0], "same_article_as": ["b", "a", None],
    ...     "kept_for": [None, "cited in a note", "documents an entity record"]})
    >>> source_summary(s).rows()  # doctest: +NORMALIZE_WHITESPACE
    [('Source records', 3), ('Distinct articles (an article filed under two ids counts once)', 2),
     ('Records backing no figure or dated event', 2), ('… of which document an entity record', 1),
     ('… of which are cited in a note', 1), ('… of which are cited nowhere', 0)]
    """
    pairs = listed.filter(pl.col("same_article_as").is_not_null()).select(
        pl.min_horizontal("source_id", pl.col("same_article_as").str.split("; ").list.first()).alias("article")
    )
    repeats = listed.filter(pl.col("same_article_as").is_not_null()).height - pairs.unique().height
    unused = listed.filter(pl.col("figures") == 0)
    rows = [
        ("Source records", listed.height),
        ("Distinct articles (an article filed under two ids counts once)", listed.height - repeats),
        ("Records backing no figure or dated event", unused.height),
        (
            "… of which document an entity record",
            unused.filter(pl.col("kept_for") == "documents an entity record").height,
        ),
        ("… of which are cited in a note", unused.filter(pl.col("kept_for") == "cited in a note").height),
        ("… of which are cited nowhere", unused.filter(pl.col("kept_for").is_null()).height),
    ]
    return pl.DataFrame(rows, schema={"item": pl.String, "records": pl.Int64}, orient="row")


def by_publisher(listed: pl.DataFrame) -> pl.DataFrame:
    """Publishers by the figures their sources back (most first, then by name): ``sources``,
    ``tiers`` (the tier of every source, with counts when they differ: "Major outlet (27),
    Aggregator or repost (1)"), ``figures``, ``first`` and ``last`` publication dates.

    >>> s = pl.DataFrame({"publisher": ["P", "P", "Q"], "tier": ["major", "aggregator", "primary"],
    ...     "figures": [3, 1, 2], "published": [None, None, None]}, schema_overrides={"published": pl.Date})
    >>> by_publisher(s).select("publisher", "sources", "tiers", "figures").rows()
    [('P', 2, 'Major outlet (1), Aggregator or repost (1)', 4), ('Q', 1, 'Primary (maker, issuer or CPCA)', 2)]
    """
    from .vocabulary import label

    per_tier = (
        listed.group_by("publisher", pl.col("tier").cast(pl.String))
        .agg(pl.len().alias("_n"))
        .with_columns(
            pl.col("tier").replace_strict(
                {t: label("tier", t) for t in ("primary", "major", "aggregator")}, default="not classified"
            ),
            pl.col("tier")
            .cast(pl.String)
            .replace_strict({"primary": 0, "major": 1, "aggregator": 2}, default=3)
            .alias("_order"),
        )
        .sort("publisher", "_order")
        .group_by("publisher", maintain_order=True)
        .agg(
            pl.when(pl.len() == 1)
            .then(pl.col("tier").first())
            .otherwise(pl.format("{} ({})", "tier", "_n").str.join(", "))
            .first()
            .alias("tiers")
        )
    )
    return (
        listed.group_by("publisher")
        .agg(
            pl.len().cast(pl.Int64).alias("sources"),
            pl.col("figures").sum().cast(pl.Int64),
            pl.col("published").min().alias("first"),
            pl.col("published").max().alias("last"),
        )
        .join(per_tier, on="publisher", how="left")
        .select("publisher", "sources", "tiers", "figures", "first", "last")
        .sort(["figures", "publisher"], descending=[True, False])
    )


def top_publishers(publishers: pl.DataFrame, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The first ``n`` rows of :func:`by_publisher` and every publisher tied with the last of
    them (a cut never splits publishers backing the same number of figures), and one row for
    all the others (``publisher`` "N other publishers"; no row when there are none).

    >>> p = pl.DataFrame({"publisher": list("ABCDE"), "sources": [1] * 5, "tiers": ["Major outlet"] * 5,
    ...     "figures": [9, 5, 5, 5, 1], "first": [None] * 5, "last": [None] * 5},
    ...     schema_overrides={"first": pl.Date, "last": pl.Date})
    >>> top, rest = top_publishers(p, 2)
    >>> top["publisher"].to_list(), rest.select("publisher", "figures").rows()
    (['A', 'B', 'C', 'D'], [('1 other publisher', 1)])
    """
    if publishers.height <= n:
        return publishers, publishers.head(0)
    floor = publishers["figures"][n - 1]
    top = publishers.filter(pl.col("figures") >= floor)
    others = publishers.filter(pl.col("figures") < floor)
    if others.is_empty():
        return top, others
    rest = others.select(
        pl.lit(f"{others.height} other publisher{'' if others.height == 1 else 's'}").alias("publisher"),
        pl.col("sources").sum(),
        pl.lit(None, pl.String).alias("tiers"),
        pl.col("figures").sum(),
        pl.col("first").min(),
        pl.col("last").max(),
    )
    return top, rest
