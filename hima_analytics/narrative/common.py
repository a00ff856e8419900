"""Helpers the narrative modules share: the latest row with a figure, month arithmetic, a count or the word "no"."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..display.text import count

__all__ = ["count_or_no", "latest_row", "shift_month"]


def latest_row(frame: pl.DataFrame, value: str = "value", period: str = "month") -> dict | None:
    known = frame.filter(pl.col(value).is_not_null()).sort(period)
    return known.row(-1, named=True) if known.height else None


def shift_month(month: dt.date, months: int) -> dt.date:
    total = month.year * 12 + month.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def count_or_no(frame: pl.DataFrame, column: str, download: str):
    """A cited count, or the word "no" when the frame is empty (its figure shows no download)."""
    return count(frame, column, download=download) if frame[column].drop_nulls().len() else "no"
