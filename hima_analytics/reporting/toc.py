"""A table of contents for long pages: the page's section headings, linked, placed before the
first section."""

from __future__ import annotations

import html
import re

__all__ = ["MIN_SECTIONS", "add_toc"]

#: Pages with at least this many sections get a table of contents.
MIN_SECTIONS = 4
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def add_toc(page: str) -> str:
    """``page`` with a ``<nav class="hima-toc">`` listing its ``<h2>`` sections before the first
    one, when it has :data:`MIN_SECTIONS` or more (heading text is already escaped HTML).

    >>> body = "".join(f'<h2 id="s{i}">Part {i}<a class="anchor-link" href="#s{i}">¶</a></h2>' for i in range(4))
    >>> out = add_toc("<h1>T</h1>" + body)
    >>> out.count('<li><a href="#s'), out.index("hima-toc") < out.index('id="s0"')
    (4, True)
    >>> add_toc(body[:60]) == body[:60]
    True
    """
    found = [(m.start(), m.group(1), m.group(2)) for m in _H2.finditer(page)]
    if len(found) < MIN_SECTIONS:
        return page
    items = []
    for _, anchor, inner in found:
        label = _TAGS.sub("", inner.split('<a class="anchor-link"', 1)[0]).strip()
        items.append(f'<li><a href="#{html.escape(html.unescape(anchor), quote=True)}">{label}</a></li>')
    nav = '<nav class="hima-toc" aria-label="Contents"><p>Contents</p><ol>' + "".join(items) + "</ol></nav>"
    at = found[0][0]
    return page[:at] + nav + page[at:]
