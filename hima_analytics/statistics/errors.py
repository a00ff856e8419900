"""Errors raised by the statistics module (defined once in :mod:`hima_analytics.errors`)."""

from __future__ import annotations

from ..errors import InsufficientData

__all__ = ["InsufficientData"]
