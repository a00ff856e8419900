"""A figure drawn from the same sources as one above refers to that list instead of repeating it."""

from __future__ import annotations

import polars as pl
import pytest

import hima_analytics as ha
from hima_analytics.display import figures


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(getattr(obj, "data", str(obj))))
    monkeypatch.setattr(figures, "_DOWNLOADS", {})
    monkeypatch.setattr(figures, "_LISTED", {})
    return out


def test_a_repeated_source_list_is_printed_once(shown):
    ids = ha.load("sources").filter(pl.col("url").str.starts_with("https"))["source_id"].head(3).to_list()
    data = pl.DataFrame({"entity": ["HIMA"] * 3, "value": [1, 2, 3], "source_id": ids})
    figures.show("first", data=data, name="first")
    figures.show("second", data=data, name="second")
    other = data.head(2)
    figures.show("third", data=other, name="third")
    lines = [s for s in shown if isinstance(s, str) and "hima-sources" in s]
    assert "<strong>Sources</strong> (3):" in lines[0]
    assert "the same 3 sources as listed above" in lines[1]
    assert "<strong>Sources</strong> (2):" in lines[2]  # a different set is listed in full


def test_a_repeated_source_list_names_the_figure_that_listed_it(shown):
    from hima_analytics import display as hd

    ids = ha.load("sources").filter(pl.col("url").str.starts_with("https"))["source_id"].head(3).to_list()
    data = pl.DataFrame({"entity": ["HIMA"] * 3, "value": [1, 2, 3], "source_id": ids})
    figures.show(hd.table(data, title="Full-year revenue"), data=data, name="first")
    figures.show(hd.table(data, title="Profit by year"), data=data, name="second")
    lines = [s for s in shown if isinstance(s, str) and "hima-sources" in s]
    assert "the same 3 sources as listed under \u201cFull-year revenue\u201d above" in lines[1]
