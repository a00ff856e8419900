"""The data appendix's source tables: one article filed twice counts once, records backing no
figure say why they are kept, a publisher's mixed tiers are all shown, and the top-N cut never
splits a tie; the download names sources by what a reader can find, not by internal file."""

from __future__ import annotations

import datetime as dt

import polars as pl

import hima_analytics as ha
from hima_analytics import sources as hsrc

D = dt.date


def _sources() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_id": ["seed-001", "events-seed-001", "cn-1", "cn-2", "cn-3", "a-1", "b-1", "c-1"],
            "url": [None, None, "https://cn/1", "https://cn/2", "https://cn/3", "https://a", "https://b", "https://c"],
            "seed_file": ["001_f682.txt", "001_f682.txt", None, None, None, None, None, None],
            "title": ["S&P", "S&P", "x", "y", "z", "a", "b", "c"],
            "publisher": ["S&P Global", "S&P Global", "CnEVPost", "CnEVPost", "CnEVPost", "A", "B", "C"],
            "published": [D(2025, 10, 2)] * 2 + [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)] + [D(2025, 4, 1)] * 3,
            "language": ["en"] * 8,
            "tier": ["major", "major", "major", "major", "aggregator", "major", "primary", "major"],
        }
    )


BACKING = pl.DataFrame({"source_id": ["seed-001"] * 3 + ["cn-1", "cn-2", "cn-3"] + ["a-1"] * 2 + ["b-1"] * 2})


def test_an_article_filed_under_two_ids_counts_once_and_unused_records_say_why():
    listed = hsrc.source_list(
        _sources(), BACKING, documents=pl.DataFrame({"source_id": ["c-1"]}), notes=["see events-seed-001"]
    )
    assert listed.filter(pl.col("source_id") == "seed-001")["same_article_as"].item() == "events-seed-001"
    kept = dict(listed.filter(pl.col("figures") == 0).select("source_id", "kept_for").iter_rows())
    assert kept == {"events-seed-001": "cited in a note", "c-1": "documents an entity record"}
    summary = dict(hsrc.source_summary(listed).iter_rows())
    assert summary["Source records"] == 8
    assert summary["Distinct articles (an article filed under two ids counts once)"] == 7
    assert summary["Records backing no figure or dated event"] == 2
    assert summary["… of which are cited nowhere"] == 0


def test_the_sources_download_has_no_internal_file_names():
    listed = hsrc.source_list(_sources(), BACKING)
    assert "seed_file" not in listed.columns
    assert not listed["url"].str.contains(r"\.txt$").any()
    assert listed.filter(pl.col("source_id") == "seed-001")["url"].item() == hsrc.SUPPLIED


def test_a_publisher_with_sources_of_two_tiers_shows_both():
    publishers = hsrc.by_publisher(hsrc.source_list(_sources(), BACKING))
    tiers = dict(publishers.select("publisher", "tiers").iter_rows())
    assert tiers["CnEVPost"] == "Major outlet (2), Aggregator or repost (1)"
    assert tiers["B"] == "Primary (maker, issuer or CPCA)"


def test_the_top_publishers_include_every_publisher_tied_with_the_last():
    publishers = hsrc.by_publisher(hsrc.source_list(_sources(), BACKING))
    # S&P 3 figures, CnEVPost 3, A 2, B 2, C 0: a cut at 3 would split A and B.
    top, rest = hsrc.top_publishers(publishers, 3)
    assert top["publisher"].to_list() == ["CnEVPost", "S&P Global", "A", "B"]
    assert rest.select("publisher", "sources", "figures").rows() == [("1 other publisher", 1, 0)]
    everyone, none = hsrc.top_publishers(publishers, 10)
    assert everyone.height == publishers.height and none.is_empty()


def test_on_the_shipped_data_every_unused_record_is_accounted_for():
    cat = ha.load_catalog()
    backing = hsrc.figure_sources({name: ha.load(name, all_values=True) for name in hsrc.FIGURE_TABLES})
    notes = [
        n
        for name, frame in cat.frames.items()
        if name != "sources" and "note" in frame.columns
        for n in frame["note"].drop_nulls().to_list()
    ]
    listed = hsrc.source_list(ha.load("sources"), backing, documents=ha.load("entities"), notes=notes)
    summary = dict(hsrc.source_summary(listed).iter_rows())
    assert summary["Source records"] == ha.load("sources").height
    assert summary["… of which are cited nowhere"] == 0
    tiers = hsrc.figures_by_tier(backing, ha.load("sources"))
    assert tiers["figures"].sum() == backing.height
