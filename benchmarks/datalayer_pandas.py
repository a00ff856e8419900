"""Data-layer workload, pandas side: the same results as :mod:`datalayer_polars`, written the way
a competent pandas user would (``read_csv`` with ``usecols``/``parse_dates``/``category``,
``groupby(observed=True)``, a merge on the shifted month for YoY, a complete monthly calendar
with ``asfreq`` for the rolling window, ``transform("sum")`` for shares).

Same policy as the toolkit: growth and shares are null when the base is zero or missing, and a
rolling sum is null unless all three months are present.

Run as ``python datalayer_pandas.py PANEL OUT_DIR``; prints a JSON line with the read and
total seconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

HIMA_BRANDS = ["AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE"]


def read(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path, columns=["date", "brand", "units"])
    df["date"] = pd.to_datetime(df["date"])  # Parquet dates arrive as Python objects otherwise
    df["brand"] = df["brand"].astype("category")
    return df


def compute(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    month = df["date"].dt.to_period("M").dt.to_timestamp().rename("month")
    monthly = (
        df.groupby([month, df["brand"].rename("entity")], observed=True)["units"].sum().rename("value").reset_index()
    )
    monthly["entity"] = monthly["entity"].astype(str)
    monthly = monthly.sort_values(["entity", "month"], ignore_index=True)

    base = monthly.assign(month=monthly["month"] + pd.DateOffset(months=12)).rename(columns={"value": "yoy_base"})
    yoy = monthly.merge(base, on=["entity", "month"], how="left")
    yoy["yoy"] = (yoy["value"] / yoy["yoy_base"] - 1).where(yoy["yoy_base"] > 0)

    wide = monthly.pivot(index="month", columns="entity", values="value").asfreq("MS")
    rolled = wide.rolling(3, min_periods=3).sum().stack(future_stack=True).rename("sum_3m").reset_index()
    rolling = monthly[["entity", "month"]].merge(rolled, on=["entity", "month"], how="left")

    alliance = monthly[monthly["entity"].isin(HIMA_BRANDS)].copy()
    total = alliance.groupby("month")["value"].transform("sum")
    alliance["share"] = (alliance["value"] / total).where(total > 0)

    market = monthly.groupby("month")["value"].sum()
    den = monthly["month"].map(market)
    share_market = monthly.assign(share=(monthly["value"] / den).where(den > 0))

    shares = monthly.assign(s=monthly["value"] / monthly.groupby("month")["value"].transform("sum"))
    top = shares.sort_values(["month", "s", "entity"], ascending=[True, False, True]).groupby("month").first()
    hhi = shares.groupby("month").agg(hhi=("s", lambda s: (s**2).sum()), n=("s", "size"))
    hhi = hhi.join(top[["entity", "s"]].rename(columns={"entity": "top1_entity", "s": "top1_share"})).reset_index()

    return {
        "totals": monthly,
        "yoy": yoy[["entity", "month", "value", "yoy_base", "yoy"]],
        "rolling": rolling,
        "share_alliance": alliance[["month", "entity", "share"]],
        "share_market": share_market[["month", "entity", "share"]],
        "hhi": hhi[["month", "hhi", "top1_entity", "top1_share", "n"]],
    }


def main(panel: Path, out: Path) -> None:
    t0 = time.perf_counter()
    df = read(panel)
    t1 = time.perf_counter()
    results = compute(df)
    t2 = time.perf_counter()
    for name, frame in results.items():
        frame.to_csv(out / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    print(json.dumps({"read": t1 - t0, "total": t2 - t0}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
