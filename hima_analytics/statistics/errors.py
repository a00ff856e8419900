"""Errors raised by the statistics module."""

from __future__ import annotations


class InsufficientData(ValueError):
    """The series is too short (or too gappy) for the requested method.

    The message says what was expected (``minimum``), what arrived (``got``), where (the
    function) and a hint. Subclass of :class:`ValueError`, so ``except ValueError`` still works.

    >>> err = InsufficientData(where="forecast", minimum=6, got="4 contiguous months (2025-11..2026-02)",
    ...                        hint="use a longer series")
    >>> isinstance(err, ValueError), err.minimum
    (True, 6)
    >>> print(err)
    forecast: expected at least 6 months; got 4 contiguous months (2025-11..2026-02). Hint: use a longer series
    """

    def __init__(self, *, where: str, minimum: int, got: str, hint: str = "", unit: str = "months") -> None:
        self.where = where
        self.minimum = minimum
        self.got = got
        self.hint = hint
        text = f"{where}: expected at least {minimum} {unit}; got {got}."
        super().__init__(text + (f" Hint: {hint}" if hint else ""))
