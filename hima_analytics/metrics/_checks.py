"""Argument checks shared by the metric functions."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def require_columns(df: pl.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        import difflib

        hints = [h for c in missing for h in difflib.get_close_matches(c, df.columns, n=1)]
        hint = f" Did you mean {hints}?" if hints else ""
        raise ValueError(f"{func}: missing column(s) {missing}; available: {df.columns}.{hint}")


def require_unique(df: pl.DataFrame, key: Sequence[str], func: str) -> None:
    dup = df.group_by(key).len().filter(pl.col("len") > 1)
    if not dup.is_empty():
        example = dup.drop("len").row(0, named=True)
        raise ValueError(
            f"{func}: {dup.height} duplicate key(s) on {list(key)}, e.g. {example}. "
            "Hint: filter to one measure/metric/source (loaders return one preferred value per key) "
            "or add the distinguishing column to by=."
        )


def require_single_period_type(df: pl.DataFrame, by: Sequence[str], func: str) -> None:
    if "period_type" not in df.columns or "period_type" in by:
        return
    mixed = df.group_by(by or pl.lit(0)).agg(pl.col("period_type").n_unique().alias("n")).filter(pl.col("n") > 1)
    if not mixed.is_empty():
        kinds = sorted(df["period_type"].cast(pl.String).unique().to_list())
        raise ValueError(
            f"{func}: period types {kinds} are mixed within a series. Growth compares like with like: "
            "filter to one period_type (e.g. pl.col('period_type') == 'Q') or add 'period_type' to by=."
        )
