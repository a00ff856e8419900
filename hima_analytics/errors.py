"""The package's error vocabulary: one base class, one subclass per kind of mistake, and one
"did you mean" helper.

Every error says what was expected, what arrived, where, and a hint. Each class also derives
from the built-in exception a caller would naturally catch (``ValueError``, ``KeyError`` or
``RuntimeError``), so ``except ValueError`` keeps working.

>>> try:
...     raise UnknownNameError("dataset", "volume", ["volumes", "financials"])
... except HimaError as exc:
...     print(exc)
unknown dataset 'volume'; known: volumes, financials. Did you mean 'volumes'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "ChromiumMissingError",
    "DuplicateKeyError",
    "GridError",
    "HimaError",
    "InsufficientData",
    "KernelMissingError",
    "MissingColumnsError",
    "MixedPeriodsError",
    "MixedSeriesError",
    "ParameterError",
    "PrintError",
    "UnknownNameError",
    "did_you_mean",
]


def did_you_mean(name: object, choices: Iterable[object], *, n: int = 1) -> str:
    """A ``" Did you mean 'x'?"`` hint for ``name`` among ``choices``, or ``""`` when nothing
    is close.

    >>> did_you_mean("AITOO", ["AITO", "LUXEED"]), did_you_mean("zzz", ["AITO"])
    (" Did you mean 'AITO'?", '')
    >>> did_you_mean("NIO_INK", ["NIO_INC", "NIO", "XPENG"], n=2)
    " Did you mean 'NIO_INC' or 'NIO'?"
    """
    pool = [str(c) for c in choices]
    by_lower = {c.lower(): c for c in pool}
    close = [by_lower[c] for c in difflib.get_close_matches(str(name).lower(), list(by_lower), n=n, cutoff=0.5)]
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


class HimaError(Exception):
    """Base class of every error raised on purpose by hima_analytics."""


class MissingColumnsError(HimaError, ValueError):
    """A frame lacks columns a function needs.

    >>> print(MissingColumnsError("yoy", ["value"], ["month", "entity", "vaule"]))
    yoy: missing column(s) ['value']; available: ['month', 'entity', 'vaule']. Did you mean 'vaule'?
    """

    def __init__(self, where: str, missing: Sequence[str], available: Sequence[str]) -> None:
        self.where, self.missing, self.available = where, list(missing), list(available)
        hints = [h for m in missing if (h := did_you_mean(m, available))]
        super().__init__(
            f"{where}: missing column(s) {self.missing}; available: {self.available}."
            + (hints[0] if len(hints) == 1 else "".join(hints))
        )


class DuplicateKeyError(HimaError, ValueError):
    """Rows repeat a key that must be unique (one value per series and period)."""


class MixedPeriodsError(HimaError, ValueError):
    """Period types (quarters, halves, years) are mixed within one series."""


class MixedSeriesError(HimaError, ValueError):
    """A computation would compare or pool two measures, perimeters or units."""


class ParameterError(HimaError, ValueError):
    """A report parameter is unknown or has a bad value."""


class GridError(HimaError, ValueError):
    """The report grid file or an ad-hoc parameter is wrong."""


class KernelMissingError(HimaError, RuntimeError):
    """The project's Jupyter kernel is not registered."""


class ChromiumMissingError(HimaError, RuntimeError):
    """No headless Chromium to print the reports to PDF with.

    >>> print(ChromiumMissingError(["chromium", "google-chrome"], "/usr/bin:/bin"))
    no Chromium to print PDFs with: looked for chromium, google-chrome on PATH (/usr/bin:/bin) and
    in $CHROMIUM (not set). Hint: sudo apt-get install chromium (Debian's package), or set
    CHROMIUM=/path/to/chromium.
    """

    def __init__(self, looked_for: Sequence[str], path: str, env: str | None = None) -> None:
        self.looked_for, self.path = list(looked_for), path
        where = f"{env!r}, which is not an executable file" if env else "not set"
        super().__init__(
            f"no Chromium to print PDFs with: looked for {', '.join(self.looked_for)} on PATH ({path or 'empty'}) "
            f"and in $CHROMIUM ({where}). Hint: sudo apt-get install chromium (Debian's package), or set "
            "CHROMIUM=/path/to/chromium."
        )


class PrintError(HimaError, RuntimeError):
    """Chromium did not print a page to PDF (it failed, timed out or wrote no PDF)."""


class UnknownNameError(HimaError, KeyError, ValueError):
    """A dataset, entity, company, source, report or column name that does not exist.

    Derives from both ``KeyError`` (a look-up by name failed) and ``ValueError`` (a bad
    argument), so either ``except`` works.
    """

    def __init__(self, kind: str, name: object, known: Iterable[object], hint: str = "") -> None:
        self.kind, self.name = kind, name
        self.known = [str(k) for k in known]
        shown = ", ".join(self.known[:30]) + (", ..." if len(self.known) > 30 else "")
        self.message = f"unknown {kind} {name!r}; known: {shown}.{did_you_mean(name, self.known)}" + (
            f" Hint: {hint}" if hint else ""
        )
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class InsufficientData(HimaError, ValueError):
    """The series is too short (or too gappy) for the requested method.

    The message says what was expected (``minimum``), what arrived (``got``), where (the
    function) and a hint.

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
        self.unit = unit
        self.hint = hint
        text = f"{where}: expected at least {minimum} {unit}; got {got}."
        super().__init__(text + (f" Hint: {hint}" if hint else ""))
