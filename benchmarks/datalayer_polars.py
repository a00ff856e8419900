"""Data-layer workload, toolkit side: the panel through ``hima_analytics.metrics``.

Run as ``python datalayer_polars.py PANEL OUT_DIR [eager|streaming]``: reads the panel, computes
monthly brand totals, YoY, rolling 3-month sums, shares of the alliance and of the market and
the HHI, writes each result as CSV into OUT_DIR and prints a JSON line with the read and total
seconds. Peak memory is measured by the parent (``wait4`` of this process).

``streaming`` (the default) is what the toolkit offers for row-level panels:
``hima_analytics.metrics.monthly_totals`` on a lazy ``scan_parquet``, aggregated with Polars'
streaming engine (the read is then inseparable from the group-by). ``eager`` reads the whole
panel into a DataFrame first. The metric functions then run on the small monthly frame.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import polars as pl

from hima_analytics import metrics as hm

HIMA_BRANDS = ["AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE"]


def read(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path, columns=["date", "brand", "units"])


def compute(monthly: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every metric from the monthly brand totals."""
    market = monthly.group_by("month").agg(pl.col("value").sum())
    return {
        "totals": monthly.sort("entity", "month"),
        "yoy": hm.yoy(monthly).select("entity", "month", "value", "yoy_base", "yoy"),
        "rolling": hm.rolling_sum(monthly, window=3).select("entity", "month", "sum_3m"),
        "share_alliance": hm.share_of_total(monthly.filter(pl.col("entity").is_in(HIMA_BRANDS))).select(
            "month", "entity", "share"
        ),
        "share_market": hm.share_of_denominator(monthly, market, label="all registrations").select(
            "month", "entity", "share"
        ),
        "hhi": hm.concentration(monthly).select("month", "hhi", "top1_entity", "top1_share", "n"),
    }


def main(panel: Path, out: Path, mode: str) -> None:
    t0 = time.perf_counter()
    if mode == "streaming":
        read_s, monthly = None, hm.monthly_totals(pl.scan_parquet(panel))
    else:
        df = read(panel)
        read_s = time.perf_counter() - t0
        monthly = hm.monthly_totals(df)
    results = compute(monthly)
    total = time.perf_counter() - t0
    for name, frame in results.items():
        frame.write_csv(out / f"{name}.csv")
    print(json.dumps({"read": read_s, "total": total}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "streaming")
