"""An allow-list over the HTML that Markdown renders into a page: defence in depth.

Data text reaches Markdown only escaped (:mod:`hima_analytics.display.text`), and the Markdown
renderer passes raw HTML through. Should an escape ever be missed, this pass still keeps the
HTML of every Markdown cell and Markdown output to the markup Markdown itself writes: headings
with their anchors, paragraphs, lists, emphasis, code, quotes, tables, links to http(s),
mailto or in-page addresses, and the spans of cited figures. Script and style elements go with
their content; every other tag, attribute (event handlers included) and URL scheme is dropped.
Chart and table outputs are HTML, not Markdown, and are not touched: the renderer writes the
charts' script, and the tables escape their cells.

The sanitiser is ``nh3`` (the Rust ``ammonia`` library). It writes what it parsed back out in
its own spelling (``"`` for ``&quot;``, ``<br>`` for ``<br />``), which would change the bytes
of every page. So a fragment is kept exactly as it is when its sanitised version has the same
elements, attributes and text (the allow-list removed nothing), and replaced by the sanitised
version otherwise: a page without hostile content is byte-identical with or without this pass.

>>> sanitise_html('<p>Deliveries &quot;rose&quot;<br /></p>')
'<p>Deliveries &quot;rose&quot;<br /></p>'
>>> sanitise_html('<p>x<img src=x onerror="alert(1)"><script>alert(2)</script></p>')
'<p>x<img src="x"></p>'
>>> sanitise_html('<a href="javascript:alert(1)">x</a> <a href="#top">top</a>')
'<a>x</a> <a href="#top">top</a>'
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "sanitise_html"]

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: What Markdown renders (nbconvert's mistune renderer with its table, strikethrough, task-list
#: and definition-list plugins, and pygments for fenced code), and the inline formatting an
#: author may write as HTML in a Markdown cell.
ALLOWED_TAGS = frozenset(
    {
        *_HEADINGS,
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "hr",
        "i",
        "img",
        "input",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    **{h: {"id"} for h in _HEADINGS},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "input": {"checked", "disabled"},
    # A cited figure (display.text.Cite): the download, row and column it comes from.
    "span": {"data-download", "data-column", "data-key", "data-style"},
}
#: Links to web pages and mail addresses; relative and in-page (``#heading``) links are kept.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_OPTIONS = {
    "tags": set(ALLOWED_TAGS),
    "attributes": {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
    "tag_attribute_values": {"input": {"type": {"checkbox"}}},  # a task-list box, nothing else
    "url_schemes": set(URL_SCHEMES),
    "filter_style_properties": {"text-align"},  # table column alignment
    "link_rel": None,  # add nothing: the kept fragment must be the one Markdown wrote
}
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _Events(HTMLParser):
    """A fragment as a list of what a parser sees in it: tags with their attributes (sorted,
    entities decoded), text, and anything else (comments, declarations) as itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("<", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_startendtag(self, tag, attrs):  # ``<br />`` is ``<br>``; ``<span/>`` opens a span
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.events.append(("/", tag))

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))

    def handle_comment(self, data):
        self.events.append(("comment", data))

    def handle_decl(self, decl):
        self.events.append(("decl", decl))

    def handle_pi(self, data):
        self.events.append(("pi", data))

    def unknown_decl(self, data):
        self.events.append(("decl", data))


def _events(fragment: str) -> list[tuple]:
    parser = _Events()
    parser.feed(fragment)
    parser.close()
    return parser.events


def sanitise_html(fragment: str) -> str:
    """``fragment`` as it is when the allow-list keeps all of it, else its sanitised version."""
    clean = nh3.clean(fragment, **_OPTIONS)
    return fragment if clean == fragment or _events(clean) == _events(fragment) else clean
