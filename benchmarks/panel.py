"""The synthetic registration panel: deterministic (seeded numpy generator), ``rows`` rows of
date x city x brand x model x units, written once to a file that both data-layer
implementations read.

Brands get skewed popularity (so shares and HHI are not trivial); five of them are the HIMA
brands. Every brand registers in every month, so each series has a complete calendar.

The file is Parquet (pyarrow is in the bench dependency group, so pandas reads it too): a columnar
file is how registration-level panels are shipped, and it keeps both sides from being measured
mostly on CSV parsing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

SEED = 20261122
HIMA_BRANDS = ("AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE")
RIVALS = (
    "LI_AUTO",
    "NIO",
    "XPENG",
    "XIAOMI",
    "LEAPMOTOR",
    "ZEEKR",
    "AVATR",
    "BYD",
    "TESLA",
    "GEELY",
    "DEEPAL",
    "ONVO",
    "IM",
    "VOYAH",
    "DENZA",
)
MODELS_PER_BRAND = 3
CITIES = 300
FIRST_DAY, DAYS = dt.date(2022, 1, 1), 4 * 365 + 1  # 2022-01-01 .. 2025-12-31
COLUMNS = ("date", "city", "brand", "model", "units")


def generate(rows: int, path: Path) -> dict[str, int]:
    """Write the panel to ``path`` (Parquet) and return its dimensions."""
    import polars as pl

    rng = np.random.default_rng(SEED)
    brands = np.array(HIMA_BRANDS + RIVALS)
    models = np.array([f"{b}_M{i + 1}" for b in brands for i in range(MODELS_PER_BRAND)])
    weights = rng.dirichlet(np.full(len(models), 0.8)) + 0.2 / len(models)
    weights /= weights.sum()
    model_idx = rng.choice(len(models), size=rows, p=weights).astype(np.int32)
    frame = pl.DataFrame(
        {
            "day": rng.integers(0, DAYS, size=rows, dtype=np.int32),
            "city_idx": rng.integers(0, CITIES, size=rows, dtype=np.int32),
            "model_idx": model_idx,
            "units": rng.poisson(1.5, size=rows).astype(np.int64) + 1,
        }
    ).select(
        (pl.lit(FIRST_DAY) + pl.duration(days=pl.col("day"))).alias("date"),
        pl.format("C{}", pl.col("city_idx").cast(pl.String).str.zfill(3)).alias("city"),
        pl.col("model_idx").floordiv(MODELS_PER_BRAND).replace_strict(range(len(brands)), list(brands)).alias("brand"),
        pl.col("model_idx").replace_strict(range(len(models)), list(models)).alias("model"),
        "units",
    )
    frame.write_parquet(path)
    return {
        "rows": rows,
        "brands": len(brands),
        "models": len(models),
        "cities": CITIES,
        "days": DAYS,
        "bytes": path.stat().st_size,
    }
