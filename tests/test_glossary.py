"""The glossary a report prints reads as prose: no code roles, column patterns or snake_case."""

from __future__ import annotations

import re

import polars as pl

from hima_analytics.glossary import glossary


def test_readable_definitions_carry_no_code_markup():
    g = glossary(readable=True)
    text = pl.concat([g["definition"], g["formula"]]).to_list()
    leftovers = [t for t in text if re.search(r":(func|mod|class):|`|<\w+>|\{\w+\}|\b[a-z]+_[a-z0-9_]+\b|;\.", t)]
    assert leftovers == []


def test_readable_definitions_keep_the_formula():
    g = glossary(readable=True)
    row = {r["metric"]: r for r in g.iter_rows(named=True)}
    assert row["net_margin"]["definition"] == "Net margin: net profit / revenue (a fraction; negative for a loss)."
    assert row["rolling_mean"]["definition"].startswith("Mean of the last window months: the sum / window")
    assert all(row[m]["definition"] for m in row), "every metric keeps a definition"
