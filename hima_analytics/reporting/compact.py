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

import hashlib
import re
from collections import Counter

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
_GEOMETRY = re.compile(r' (?:d|transform)="[^"]*"')
_WHOLE = re.compile(r"(?<=\d)\.0(?![\d.])")
#: Vega's mark classes (no style rule of the page selects them); the root's ``marks`` stays.
_CLASS = re.compile(r' class="(?!marks")[^"]*"')
_IDENTITY = re.compile(r' transform="translate\(0,0\)"')
#: A label Vega hid because it would overlap its neighbour.
_HIDDEN_TEXT = re.compile(r'<text\b[^>]* opacity="0"[^>]*>[^<]*</text>')
_ROOT = re.compile(r"<svg\b[^>]*>")
_INHERITED = ("font-family", "font-size")
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

    Vega's mark classes, identity transforms, labels it hid for overlap and default stroke
    widths go; a font family every label shares is set once on the root:

    >>> slim_svg('<svg class="marks"><g class="mark-text" transform="translate(0,0)"><text font-family="A" '
    ...          'opacity="0">Jan</text><text font-family="A">Feb</text><line stroke-width="1"/></g></svg>')
    '<svg class="marks" font-family="A"><g><text>Feb</text><line/></g></svg>'
    >>> slim_svg('<svg class="marks"><path transform="translate(14.0,2.5)" d="M3.0,0L1.04,2.0"/></svg>')
    '<svg class="marks"><path transform="translate(14,2.5)" d="M3,0L1,2"/></svg>'
    """
    svg = _EMPTY_BACKGROUND.sub("", svg)
    svg = _NOISE.sub("", svg)
    svg = _CLASS.sub("", svg)
    svg = _IDENTITY.sub("", svg)
    svg = _HIDDEN_TEXT.sub("", svg)
    if not re.search(r"<(?:svg|g)\b[^>]* stroke-width=", svg):
        svg = svg.replace(' stroke-width="1"', "")  # the default, where no group sets another
    svg = _hoist(svg)
    svg = _share_shapes(svg)
    # Inside tags only: a label's text keeps every digit it was given.
    svg = _TAG.sub(lambda t: _DECIMALS.sub(lambda m: m.group(1), t.group(0)), svg)
    return _GEOMETRY.sub(lambda a: _WHOLE.sub("", a.group(0)), svg)


def _hoist(svg: str) -> str:
    """Where every label sets the same font family (or size), set it once on the root, which
    every label inherits it from; a label with another value keeps its own.

    >>> _hoist('<svg class="marks"><text font-family="A" font-size="11px">x</text><text font-family="A" '
    ...        'font-size="9px">y</text></svg>')
    '<svg class="marks" font-family="A"><text font-size="11px">x</text><text font-size="9px">y</text></svg>'
    """
    root = _ROOT.match(svg)
    texts = re.findall(r"<text\b[^>]*>", svg)
    if not root or not texts:
        return svg
    head = root.group(0)
    for attr in _INHERITED:
        values = [re.search(rf' {attr}="([^"]*)"', t) for t in texts]
        if f" {attr}=" in head or not all(values):
            continue
        distinct = {v.group(1) for v in values if v}
        if len(distinct) != 1:
            continue
        value = distinct.pop()
        svg = svg.replace(f' {attr}="{value}"', "")
        head = head[:-1] + f' {attr}="{value}">'
    return head + svg[root.end() :] if head != root.group(0) else svg


_SHAPE = re.compile(r'<path((?: [a-z-]+="[^"]*")*?) d="([^"]{20,})"((?: [a-z-]+="[^"]*")*)/>')


def _share_shapes(svg: str) -> str:
    """A point symbol drawn many times (the same path ``d`` at many positions) is defined once
    and each point refers to it with ``<use>``, which keeps the point's own position, fill and
    stroke. The ids carry a digest of the chart, so two charts on a page never share one.

    >>> dot = '<path transform="translate({x},2)" d="M3.7,0A3.7,3.7,0,1,1,-3.7,0A3.7" fill="red"/>'
    >>> print(_share_shapes('<svg class="marks">' + "".join(dot.format(x=x) for x in (1, 2, 3)) + "</svg>"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <svg class="marks"><defs><path id="s53599f-0" d="M3.7,0A3.7,3.7,0,1,1,-3.7,0A3.7"/></defs><use
    transform="translate(1,2)" href="#s53599f-0" fill="red"/><use transform="translate(2,2)" href="#s53599f-0"
    fill="red"/><use transform="translate(3,2)" href="#s53599f-0" fill="red"/></svg>
    """
    root = _ROOT.match(svg)
    if not root:
        return svg
    counts = Counter(m.group(2) for m in _SHAPE.finditer(svg))
    shared = [d for d, n in sorted(counts.items()) if n >= 3]
    if not shared:
        return svg
    digest = hashlib.sha1(svg.encode()).hexdigest()[:6]
    ids = {d: f"s{digest}-{i}" for i, d in enumerate(shared)}

    def use(m: re.Match[str]) -> str:
        shape = ids.get(m.group(2))
        return f'<use{m.group(1)} href="#{shape}"{m.group(3)}/>' if shape else m.group(0)

    defs = "<defs>" + "".join(f'<path id="{i}" d="{d}"/>' for d, i in ids.items()) + "</defs>"
    return root.group(0) + defs + _SHAPE.sub(use, svg[root.end() :])


def compact(page: str) -> str:
    """:func:`merge_table_styles`, then :func:`slim_svg` on every inline SVG."""
    return _SVG.sub(lambda m: slim_svg(m.group(0)), merge_table_styles(page))
