"""Small facts and volumes frames for the league-table tests."""

from __future__ import annotations

import polars as pl


def facts_frame(rows: list[tuple]) -> pl.DataFrame:
    """Facts rows from ``(subject, metric, period_start, period_end, value, qualifier, source_id)``."""
    return pl.DataFrame(
        [
            {
                "subject": s,
                "metric": m,
                "period_start": a,
                "period_end": b,
                "value": float(v),
                "qualifier": q,
                "source_id": src,
            }
            for s, m, a, b, v, q, src in rows
        ]
    )


def deliveries_frame(rows: list[tuple]) -> pl.DataFrame:
    """Monthly deliveries from ``(entity, month, value)`` (exact) or ``(entity, month, value,
    qualifier)``, each sourced to ``s-<entity>``."""
    return pl.DataFrame(
        [
            {
                "entity": r[0],
                "month": r[1],
                "measure": "deliveries",
                "perimeter": "all",
                "value": r[2],
                "qualifier": r[3] if len(r) > 3 else "exact",
                "source_id": f"s-{r[0]}",
            }
            for r in rows
        ]
    )
