"""The glossary a report prints is written for readers, one entry per public metric."""

from __future__ import annotations

import re

import pytest

from hima_analytics import metrics
from hima_analytics.glossary import DEFINITIONS, definitions


def test_every_public_metric_has_a_definition_and_nothing_else_does():
    assert set(DEFINITIONS) == set(metrics.__all__)


@pytest.mark.parametrize("metric", sorted(DEFINITIONS))
def test_a_definition_reads_as_prose(metric):
    name, definition, formula = DEFINITIONS[metric]
    for text in (name, definition, formula):
        assert text.strip() == text and text
        assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", text), text  # snake_case
        assert not re.search(r"`|:(func|mod|class|meth):|<\w+>|\{\w+\}|\*\*|\[\w", text), text  # code markup
        assert ".." not in text and "e.g." not in text, text  # truncated or abbreviated
    for text in (definition, formula):
        assert text[0].isupper() or text[0].isdigit(), text
        assert text.endswith("."), text  # a whole sentence, never cut off


def test_the_page_frame_has_one_row_per_metric_with_names_not_ids():
    d = definitions()
    assert d.height == len(metrics.__all__)
    assert d.columns == ["family", "name", "definition", "formula"]
    assert d["name"].n_unique() == d.height
    row = d.filter(d["name"] == "YoY").row(0, named=True)
    assert (row["family"], row["formula"]) == ("Growth", "This period ÷ the same period a year earlier − 1.")
    assert not any("_" in n for n in d["name"].to_list())


def test_a_metric_without_a_definition_stops_the_page(monkeypatch):
    monkeypatch.setattr(metrics, "__all__", [*metrics.__all__, "new_metric"])
    with pytest.raises(KeyError, match="new_metric"):
        definitions()
