"""Narrative that cannot carry raw data into a page, and whose figures can be checked.

Reports write sentences with :func:`text` (or :func:`md`, which displays one): a Markdown
*template* written as a string literal, with ``{name}`` placeholders filled from keyword
fields. The template must be a literal in the calling code (an f-string or a string built from
data is refused), and every field is escaped for Markdown and HTML, so a display name such as
``<img onerror=...>`` or ``[x](javascript:...)`` prints as the characters it is.

A figure in a sentence is a :func:`cite`: the value looked up in a frame that the report also
offers as a download, formatted with its qualifier ("> 20,000"), and wrapped in a span that
names the download, the row and the column. A test reads every built page, finds each cited
figure's row in the page's own CSV download and checks that the printed text is what the data
says.

>>> t = text("**{who}** delivered {n} cars.", who="<b>AITO</b>", n="52,747")
>>> t.markdown
'**&lt;b&gt;AITO&lt;/b&gt;** delivered 52,747 cars.'
>>> print(text("[{label}](x)", label="a](javascript:alert(1)").markdown)
[a\\]\\(javascript:alert\\(1\\)](x)
>>> name = "AITO"
>>> text(f"{name} rose")
Traceback (most recent call last):
...
TypeError: text()/md(): the template must be a string literal ...
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from . import formatting as fmt

__all__ = ["Cite", "Text", "bullets", "cite", "count", "escape_markdown", "key_points", "md", "text"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_markdown(value: object) -> str:
    """Text that Markdown and HTML show literally: ``&``, ``<`` and ``>`` become entities and
    Markdown punctuation is backslash-escaped.

    >>> escape_markdown("[click](javascript:alert(1)) <script>")
    '\\\\[click\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;script&gt;'
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


@dataclass(frozen=True)
class Cite:
    """A figure in a sentence: its formatted text and where it comes from (the download's
    name, the row's key values and the column)."""

    shown: str
    download: str
    key: Mapping[str, str]
    column: str
    #: How the value was formatted (kind, signed, decimals, unit, qualifier column), so a check
    #: can format the download's value the same way.
    style: Mapping[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        key = html.escape(json.dumps(dict(self.key), ensure_ascii=False, sort_keys=True), quote=True)
        style = html.escape(json.dumps(dict(self.style), ensure_ascii=False, sort_keys=True), quote=True)
        return (
            f'<span class="hima-fig" data-download="{html.escape(self.download, quote=True)}" '
            f'data-column="{html.escape(self.column, quote=True)}" data-key="{key}" data-style="{style}">'
            f"{escape_markdown(self.shown)}</span>"
        )


def _key_text(v: Any) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def cite(
    frame: pl.DataFrame,
    column: str,
    *,
    download: str,
    kind: str = "int",
    signed: bool = False,
    decimals: int = 1,
    unit: str | None = None,
    **where: Any,
) -> Cite:
    """The value of ``column`` in the one row of ``frame`` matching ``where`` (column=value),
    formatted with its qualifier (``<column>_qualifier``, or ``qualifier`` for ``value``), as a
    :class:`Cite` of the download ``download`` (which must be ``frame`` or contain that row).
    ``kind`` is as in :func:`~.formatting.fmt_q`, or ``month``/``date``/``period``/``text``.

    Raises ValueError unless exactly one row matches: a sentence states one figure.
    """
    rows = frame
    for k, v in where.items():
        rows = (
            rows.filter(pl.col(k).cast(pl.String) == _key_text(v))
            if isinstance(frame.schema[k], (pl.Enum, pl.Categorical))
            else rows.filter(pl.col(k) == v)
        )
    if rows.height != 1:
        raise ValueError(
            f"cite({column!r}, download={download!r}): expected one row where {where}; got {rows.height}. "
            "Hint: add key columns to where=."
        )
    row = rows.row(0, named=True)
    value = row[column]
    qcol = (
        f"{column}_qualifier"
        if f"{column}_qualifier" in row
        else ("qualifier" if column == "value" and "qualifier" in row else None)
    )
    q = row.get(qcol) if qcol else None
    q = str(q) if q is not None else None
    if kind == "month":
        shown = fmt.fmt_month(value)
    elif kind == "date":
        shown = fmt.fmt_date(value)
    elif kind == "text":
        from .names import ID_COLUMNS, name_of

        shown = name_of(value) if column in ID_COLUMNS else str(value)
    elif kind == "unit":
        shown = fmt.fmt_bound(fmt.fmt_value(value, unit or row.get("unit")), q)
    else:
        shown = fmt.fmt_q(value, q, kind=kind, unit=unit, signed=signed, decimals=decimals)  # type: ignore[arg-type]
    style = {"kind": kind, "signed": signed, "decimals": decimals, "unit": unit, "qualifier": qcol}
    return Cite(shown, download, {k: _key_text(v) for k, v in where.items()}, column, style)


def count(frame: pl.DataFrame, column: str, *, download: str) -> Cite:
    """The number of rows of ``frame`` with a value in ``column``, as a :class:`Cite` of the
    download ``download`` (which must be ``frame``): "19 of the 26 months"."""
    n = frame[column].drop_nulls().len()
    return Cite(fmt.fmt_int(n), download, {"_count": column}, column, {"kind": "count"})


@dataclass(frozen=True)
class Text:
    """A sentence or paragraph of Markdown whose fields are already escaped."""

    markdown: str

    def __str__(self) -> str:
        return self.markdown


def _literal_in_caller(template: str, depth: int) -> bool:
    frame = sys._getframe(depth)
    return any(template == c for c in frame.f_code.co_consts if isinstance(c, str))


def text(template: str, /, **fields: Any) -> Text:
    """Fill a literal Markdown ``template``'s ``{name}`` placeholders with escaped ``fields``.

    Fields may be strings (escaped), :class:`Cite` figures, :class:`Text` (already safe) or
    lists of those (joined with commas and "and"). Raises TypeError when the template is not a
    string literal of the calling code, or contains raw HTML.
    """
    if not isinstance(template, str):
        raise TypeError(f"text(): expected a template string, got {type(template).__name__}.")
    if not _literal_in_caller(template, 2):
        raise TypeError(
            "text()/md(): the template must be a string literal written in the code that calls it, with data "
            "passed as fields; got a computed string (an f-string or a string built from data?). "
            f'Template starts {template[:60]!r}. Hint: md("**{{name}}** rose {{pct}}", name=..., pct=...).'
        )
    if "<" in template:
        raise TypeError(
            f"text()/md(): templates are Markdown; raw HTML is not allowed in a template. Got {template[:60]!r}."
        )
    return Text(template.format_map({k: _field(v) for k, v in fields.items()}))


def _field(value: Any) -> str:
    if isinstance(value, Cite):
        return value.markdown()
    if isinstance(value, Text):
        return value.markdown
    if isinstance(value, (list, tuple)):
        parts = [_field(v) for v in value]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        raise TypeError(f"text(): fields are strings, cited figures or Text; got {type(value).__name__}.")
    return escape_markdown(value)


def md(template: str | Text, /, **fields: Any) -> None:
    """Display a sentence or paragraph (see :func:`text`)."""
    from IPython.display import Markdown, display

    if isinstance(template, Text):
        if fields:
            raise TypeError("md(): fields are given with the template, not with a ready Text.")
        t = template
    else:
        if not isinstance(template, str) or not _literal_in_caller(template, 2):
            raise TypeError(
                "md(): the template must be a string literal written in the code that calls it, with data passed "
                "as fields; got a computed string (an f-string or a string built from data?). "
                'Hint: md("**{name}** rose {pct}", name=..., pct=...).'
            )
        if "<" in template:
            raise TypeError("md(): templates are Markdown; raw HTML is not allowed in a template.")
        t = Text(template.format_map({k: _field(v) for k, v in fields.items()}))
    display(Markdown(t.markdown))


def bullets(items: Sequence[Text]) -> Text:
    """A Markdown bullet list of ready sentences (empty items are dropped)."""
    return Text("\n".join(f"- {i.markdown}" for i in items if i and i.markdown))


def key_points(items: Sequence[Text], *, heading: str = "Key points") -> None:
    """Display the report's opening "Key points" section: a heading and three to six bullets."""
    from IPython.display import Markdown, display

    shown = [i for i in items if i and i.markdown]
    display(Markdown(f"## {escape_markdown(heading)}\n\n" + bullets(shown).markdown))
