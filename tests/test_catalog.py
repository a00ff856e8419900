"""Loading by name: typed frames, filters, preferred values, overlays and caching."""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest
from conftest import GOOD

import hima_analytics as ha


def test_volumes_are_typed():
    v = ha.load("volumes", data_dir=GOOD)
    assert v.schema["month"] == pl.Date
    assert v.schema["value"] == pl.Int64
    assert isinstance(v.schema["entity"], pl.Enum)
    assert isinstance(v.schema["measure"], pl.Enum)
    assert set(v["month"].dt.day().unique()) == {1}
    assert "_file" not in v.columns


def test_financials_money_is_float_with_declared_unit():
    f = ha.load("financials", data_dir=GOOD)
    assert f.schema["value"] == pl.Float64
    assert isinstance(f.schema["company"], pl.Enum)
    assert set(f.filter(pl.col("metric") == "revenue")["unit"].cast(pl.String)) == {"CNY_mn"}


def test_preferred_by_default_all_values_on_request():
    pref = ha.load("volumes", entity="HIMA", start="2025-06", end="2025-06", data_dir=GOOD)
    assert pref["value"].to_list() == [52747]
    every = ha.load("volumes", entity="HIMA", start="2025-06", end="2025-06", all_values=True, data_dir=GOOD)
    assert sorted(every["value"].to_list()) == [52700, 52747]
    assert every.filter(~pl.col("preferred"))["source_id"].to_list() == ["fx-aggregator"]


def test_filters_by_entity_and_date_range():
    v = ha.load("volumes", entity=["AITO", "LUXEED"], start="2025-06", data_dir=GOOD)
    assert sorted(v["entity"].cast(pl.String).to_list()) == ["AITO", "LUXEED"]
    assert v["month"].to_list() == [dt.date(2025, 6, 1)] * 2
    assert set(v["level"].cast(pl.String)) == {"brand"}


def test_unknown_entity_gets_a_suggestion():
    from hima_analytics.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="Did you mean 'AITO'"):
        ha.load("volumes", entity="AlTO", data_dir=GOOD)


def test_entities_are_found_by_id_in_any_case_or_by_name():
    v = ha.load("volumes", entity=["luxeed", "aito"], data_dir=GOOD)
    assert set(v["entity"].cast(pl.String)) == {"LUXEED", "AITO"}


def test_unknown_dataset_gets_a_suggestion():
    with pytest.raises(KeyError, match="Did you mean 'volumes'"):
        ha.load("volume", data_dir=GOOD)


def test_bad_date_argument_is_explained():
    with pytest.raises(ValueError, match="expected 'YYYY-MM'"):
        ha.load("volumes", start="June 2025", data_dir=GOOD)


def test_overlay_rows_join_the_shipped_rows(tmp_path):
    overlay = tmp_path / "licensed"
    (overlay / "volumes").mkdir(parents=True)
    (overlay / "sources").mkdir()
    (overlay / "sources" / "mine.csv").write_text(
        "source_id,url,seed_file,title,publisher,published,retrieved,language,note\n"
        "lic-1,https://example.org/licensed,,Licensed registrations,Vendor,2025-07-15,2025-07-16,en,\n",
        encoding="utf-8",
    )
    (overlay / "volumes" / "mine.csv").write_text(
        "month,entity,measure,value,qualifier,powertrain,source_id,preferred,note\n"
        "2025-06,AITO,registrations,43000,exact,,lic-1,true,\n",
        encoding="utf-8",
    )
    v = ha.load("volumes", entity="AITO", data_dir=GOOD, overlay=overlay)
    assert v.filter(pl.col("measure") == "registrations")["value"].to_list() == [43000]


def test_overlay_from_environment(tmp_path, monkeypatch):
    overlay = tmp_path / "empty_overlay"
    overlay.mkdir()
    monkeypatch.setenv("HIMA_DATA_OVERLAY", str(overlay))
    assert ha.load("volumes", data_dir=GOOD).height == 8
    monkeypatch.setenv("HIMA_DATA_OVERLAY", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="HIMA_DATA_OVERLAY"):
        ha.load("volumes", data_dir=GOOD)


def test_cache_reloads_when_a_file_changes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    assert ha.load("volumes", entity="HIMA", data_dir=data).height == 2
    with open(data / "volumes" / "fixture.csv", "a", encoding="utf-8") as fh:
        fh.write("2025-04,HIMA,deliveries,,39000,exact,,fx-hima-2025-06,true,\n")
    assert ha.load("volumes", entity="HIMA", data_dir=data).height == 3


def test_source_of_resolves_a_row():
    v = ha.load("volumes", entity="HIMA", start="2025-06", end="2025-06", data_dir=GOOD)
    src = ha.source_of(v["source_id"][0], data_dir=GOOD)
    assert src["url"] == "https://example.org/hima-june-2025"
    assert src["published"] == dt.date(2025, 7, 1)


def test_a_build_hands_its_validated_catalog_to_kernels_only_while_the_data_is_unchanged(tmp_path, monkeypatch):
    from hima_analytics import catalog, paths

    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    folder = catalog.hand_over(tmp_path / "handed")
    validated = catalog.load_catalog()
    roots = (data,)
    monkeypatch.setenv(paths.CATALOG_CACHE_ENV, str(folder))
    handed = catalog._from_build(roots, catalog._signature(list(roots)))
    assert handed is not None and handed.fingerprint == validated.fingerprint
    for name, frame in validated.frames.items():
        assert handed.frames[name].equals(frame) and handed.frames[name].schema == frame.schema, name
    # A changed shard (another size and time) is not what was validated: the kernel reads the CSV.
    shard = data / "volumes" / "fixture.csv"
    shard.write_text(shard.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert catalog._from_build(roots, catalog._signature(list(roots))) is None
    # A damaged hand-over is never trusted either.
    monkeypatch.delenv(paths.CATALOG_CACHE_ENV)
    folder = catalog.hand_over(tmp_path / "again")
    monkeypatch.setenv(paths.CATALOG_CACHE_ENV, str(folder))
    assert catalog._from_build(roots, catalog._signature(list(roots))) is not None
    (folder / "volumes.arrow").write_bytes(b"not arrow")
    assert catalog._from_build(roots, catalog._signature(list(roots))) is None
