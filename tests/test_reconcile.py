"""Reconciliation reports differences; it never fixes them."""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
from conftest import GOOD

from hima_analytics.reconcile import reconciliation_report

D = dt.date


def _row(report, check, entity, month):
    return report.filter(
        (pl.col("check") == check) & (pl.col("entity") == entity) & (pl.col("period_start") == month)
    ).row(0, named=True)


def test_statuses_on_the_fixture():
    rep = reconciliation_report(data_dir=GOOD)
    june = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert (june["reported"], june["parts_sum"], june["diff"], june["status"]) == (52747, 52747, 0, "ok")
    # AITO May 2025: the M9 had been delivering since 2024 but has no May figure -> partial.
    may = _row(rep, "models_vs_brand", "AITO", D(2025, 5, 1))
    assert may["status"] == "partial" and "AITO_M9" in may["missing_parts"]
    # "over 96,000" in May-June is met by 44,000 + 52,747.
    period = _row(rep, "months_vs_period", "HIMA", D(2025, 5, 1))
    assert period["parts_sum"] == 96747 and period["status"] == "ok"


def _fixture_with(tmp_path, old: str, new: str):
    """A copy of the good fixture with one volumes line edited."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    path = data / "volumes" / "fixture.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return data


def test_a_gap_beyond_tolerance_is_flagged_then_excused_by_a_documented_exception(tmp_path):
    data = _fixture_with(tmp_path, "2025-06,LUXEED,deliveries,,7911", "2025-06,LUXEED,deliveries,,5000")
    rep = reconciliation_report(data_dir=data)
    row = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert row["status"] == "flagged" and row["diff"] == -2911
    (data / "exceptions" / "fixture.csv").write_text(
        "check,entity,period_start,period_end,reason,source_id\n"
        "brands_vs_alliance,HIMA,2025-06-01,2025-06-30,Luxeed figure counts retail only,fx-hima-2025-07\n",
        encoding="utf-8",
    )
    rep = reconciliation_report(data_dir=data)
    row = _row(rep, "brands_vs_alliance", "HIMA", D(2025, 6, 1))
    assert row["status"] == "exception" and row["reason"] == "Luxeed figure counts retail only"


def test_parts_exceeding_the_whole_are_flagged_even_when_incomplete(tmp_path):
    data = _fixture_with(tmp_path, "2025-06,AITO_M8,deliveries,,29836", "2025-06,AITO_M8,deliveries,,39836")
    rep = reconciliation_report(data_dir=data)
    assert _row(rep, "models_vs_brand", "AITO", D(2025, 6, 1))["status"] == "flagged"
