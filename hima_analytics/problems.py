"""How bad input is reported: one :class:`Problem` per defect, all raised together."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import HimaError


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in the curated data: where it is, what was expected, what arrived, and a hint."""

    file: str
    line: int | None
    column: str | None
    expected: str
    got: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        col = f" column {self.column!r}:" if self.column else ""
        hint = f" Hint: {self.hint}" if self.hint else ""
        return f"{where}:{col} expected {self.expected}; got {self.got}.{hint}"


class DataValidationError(HimaError, ValueError):
    """Raised when curated data fails validation. Nothing is loaded when this is raised.

    ``problems`` holds every defect found, not only the first.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or ""))
        shown = "\n".join(f"  - {p}" for p in self.problems[:40])
        more = len(self.problems) - 40
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} data problem(s) found:\n{shown}{tail}")
