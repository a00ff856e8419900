"""Downloads a client can open: names beside ids, sensible rounding, reader headers and formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from hima_analytics.display.downloads import for_reader
from hima_analytics.display.figures import csv_bytes
from hima_analytics.reporting.workbook import write_workbook

FRAME = pl.DataFrame(
    {
        "entity": ["LI_AUTO", "AITO"],
        "month": [dt.date(2026, 1, 1), dt.date(2026, 1, 1)],
        "value": [27_668, 40_016],
        "yoy": [-0.0754838709677, None],
        "needed_per_month": [85644.0909090909, None],
        "note": ["=HYPERLINK(1)", "ok"],
        "source_id": ["a", "b"],
    }
)


def test_the_csv_names_every_id_rounds_floats_and_neutralises_formulas():
    rows = pl.read_csv(csv_bytes(FRAME), infer_schema_length=0).rows(named=True)
    assert list(rows[0])[:2] == ["entity", "entity_name"]
    assert (rows[0]["entity_name"], rows[1]["entity_name"]) == ("Li Auto", "问界 AITO")
    assert rows[0]["yoy"] == "-0.075484" and rows[0]["needed_per_month"] == "85644.09"
    assert rows[0]["note"] == "'=HYPERLINK(1)"
    assert for_reader(FRAME).height == FRAME.height  # nothing dropped


def test_the_workbook_has_reader_headers_and_number_formats(tmp_path: Path):
    from openpyxl import load_workbook

    path = tmp_path / "book.xlsx"
    assert write_workbook([("league", FRAME)], path, title="t")
    sheet = load_workbook(path)["league"]
    headers = [c.value for c in sheet[1]]
    assert "YoY" in headers and "entity_name" not in headers
    col = {h: i for i, h in enumerate(headers)}
    row = sheet[2]
    assert row[col["YoY"]].number_format == "0.0%"
    assert row[col[headers[2]]].value is not None and row[col[headers[2]]].number_format == "mmm yyyy"


def test_a_numeric_target_is_a_figure_not_an_id():
    out = for_reader(pl.DataFrame({"entity": ["AITO"], "year": [2024], "target": [600_000.0]}))
    assert "target_name" not in out.columns and "entity_name" in out.columns
    assert out["target"].to_list() == [600_000.0]


def test_every_source_id_gets_its_publisher_and_date_beside_it():
    one = "hima4-36krjp-2025-07-01-hima-june-brands"
    out = for_reader(pl.DataFrame({"value": [1, 2, 3], "source_id": [one, f"{one};unknown-id", None]}))
    assert out.columns == ["value", "source_id", "source_name"]
    named = out["source_name"].to_list()
    assert named == ["36Kr Japan, 1 Jul 2025", "36Kr Japan, 1 Jul 2025; unknown-id", None]
