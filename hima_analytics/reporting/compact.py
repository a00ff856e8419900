"""Smaller pages, same rendering: the exported page's repeated table styles merged into one,
and static SVG charts without the attributes a browser ignores or defaults.

A page with many tables carries one scoped style block per table (great_tables scopes every
rule to the table's id), identical apart from the id; :func:`merge_table_styles` keeps the
first block, scoped to every table with ``:is(#a, #b, ...)`` (the same id specificity), and
drops the rest. :func:`slim_svg` removes empty background paths, ARIA and pointer attributes
and ``opacity="1"``, and keeps one decimal of each coordinate (a tenth of a pixel). Both are
pure string functions, deterministic, and leave everything else untouched.
"""

from __future__ import annotations

import re

__all__ = ["compact", "merge_table_styles", "slim_svg"]

_TABLE_STYLE = re.compile(r"<style>\s*#(tbl-[0-9a-f]{10}) table \{.*?</style>", re.DOTALL)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_EMPTY_BACKGROUND = re.compile(
    r'<path class="background" aria-hidden="true" d="M0,0h0v0h0Z"(?: pointer-events="none")?/>'
)
_NOISE = re.compile(
    r' (?:aria-hidden="true"|pointer-events="none"|role="graphics-object"|aria-roledescription="[^"]*"|opacity="1")'
)
_TAG = re.compile(r"<[^>]+>")
_DECIMALS = re.compile(r"(?<![\d.])(-?\d+\.\d)\d+")


def merge_table_styles(page: str) -> str:
    """One style block for all tables whose blocks differ only by their table id.

    >>> block = '<style>\\n#tbl-{i} table {{ color: red; }}</style>'
    >>> page = block.format(i="0123456789") + "<div>a</div>" + block.format(i="abcdef0123")
    >>> merge_table_styles(page)
    '<style>\\n:is(#tbl-0123456789,#tbl-abcdef0123) table { color: red; }</style><div>a</div>'
    """
    found = list(_TABLE_STYLE.finditer(page))
    groups: dict[str, list[re.Match[str]]] = {}
    for m in found:
        groups.setdefault(m.group(0).replace(f"#{m.group(1)}", "#@"), []).append(m)
    drop: set[int] = set()
    first: dict[int, str] = {}
    for template, members in groups.items():
        if len(members) < 2:
            continue
        scope = ":is(" + ",".join(f"#{m.group(1)}" for m in members) + ")"
        first[members[0].start()] = template.replace("#@", scope)
        drop |= {m.start() for m in members[1:]}
    if not drop:
        return page
    out, at = [], 0
    for m in found:
        out.append(page[at : m.start()])
        if m.start() in first:
            out.append(first[m.start()])
        elif m.start() not in drop:
            out.append(m.group(0))
        at = m.end()
    out.append(page[at:])
    return "".join(out)


def slim_svg(svg: str) -> str:
    """An SVG chart without ignored attributes, with coordinates to a tenth of a pixel.

    >>> slim_svg('<svg class="marks"><path class="background" aria-hidden="true" d="M0,0h0v0h0Z"/>'
    ...          '<g role="graphics-object" opacity="1"><path d="M12.3456,7.891L3,4"/><text>1.2345</text></g></svg>')
    '<svg class="marks"><g><path d="M12.3,7.8L3,4"/><text>1.2345</text></g></svg>'
    """
    svg = _EMPTY_BACKGROUND.sub("", svg)
    svg = _NOISE.sub("", svg)
    # Inside tags only: a label's text keeps every digit it was given.
    return _TAG.sub(lambda t: _DECIMALS.sub(lambda m: m.group(1), t.group(0)), svg)


def compact(page: str) -> str:
    """:func:`merge_table_styles`, then :func:`slim_svg` on every inline SVG."""
    return _SVG.sub(lambda m: slim_svg(m.group(0)), merge_table_styles(page))
