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
    """Exact monthly deliveries from ``(entity, month, value)``, each sourced to ``s-<entity>``."""
    return pl.DataFrame(
        [
            {
                "entity": e,
                "month": m,
                "measure": "deliveries",
                "perimeter": "all",
                "value": v,
                "qualifier": "exact",
                "source_id": f"s-{e}",
            }
            for e, m, v in rows
        ]
    )
