"""The allow-list over Markdown's HTML: hostile markup goes, everything Markdown writes stays
byte for byte, and chart outputs are not touched."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import nh3
import polars as pl
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from hima_analytics import display as hd
from hima_analytics.reporting import html as report_html
from hima_analytics.reporting import sanitise
from hima_analytics.reporting.html import notebook_to_html
from hima_analytics.reporting.sanitise import sanitise_html

#: Markdown as the reports and their authors write it: headings, emphasis, lists, links, quotes,
#: code with and without a language, tables with alignment, task and definition lists, raw
#: inline HTML, entities and quotes, CJK text.
BENIGN = [
    '# 问界 AITO: a deep dive\n\n## Key points\n\n- **52,747** cars in *June*\n- "quoted" & <b>bold</b>',
    'Text with a [source](https://cnevpost.com/x "CnEVPost"), [mail](mailto:a@b.org) and [a heading](#key-points).',
    "> A quote\n\n1. one\n2. two\n\n---\n\nLine<br>break, H<sub>2</sub>O, x<sup>2</sup>, ~~struck~~",
    "```python\nx = {'a': 1}  # code\n```\n\n```\nplain <code>\n```\n\nInline `code`.",
    "| Brand | Deliveries |\n|:--|--:|\n| AITO | 52,747 |\n| Luxeed | < 10,000 |",
    "- [x] done\n- [ ] open\n\nTerm\n: its definition",
    "<details><summary>More</summary>\n\nHidden *text*.\n\n</details>",
]
HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "[x](javascript:window.__pwned=1)",
    '<a href="JaVaScRiPt:window.__pwned=1">x</a>',
    '<a href="data:text/html,<script>window.__pwned=1</script>">x</a>',
    '<iframe src="https://example.com"></iframe><object data="x.swf"></object>',
    '<p style="position:fixed;top:0">cover</p><style>body{display:none}</style>',
    '<math><mi xlink:href="javascript:window.__pwned=1">x</mi></math>',
    '<form action="https://evil.example"><input name="q"><button>go</button></form>',
    "<!--><img src=x onerror=window.__pwned=1>-->",
]


def render(source: str) -> str:
    """Markdown to HTML as the page's exporter renders it, before the allow-list."""
    renderer = IPythonRenderer(escape=False, attachments={}, embed_images=False, path="", anchor_link_text="¶")
    return MarkdownWithMath(renderer=renderer).render(source)


def cited_markdown() -> str:
    """A sentence with a cited figure and an escaped name, as a report displays it."""
    frame = pl.DataFrame({"entity": ["AITO"], "month": ["2025-06"], "value": [52747], "qualifier": ["over"]})
    figure = hd.cite(frame, "value", download="brand_monthly", entity="AITO")
    return hd.text("**{who}** delivered {n} cars.", who='问界 "AITO" <b>', n=figure).markdown


@pytest.mark.parametrize("source", BENIGN)
def test_markdown_html_is_kept_byte_for_byte(source: str) -> None:
    rendered = render(source)
    assert sanitise_html(rendered) == rendered


def test_the_kept_fragments_are_not_what_nh3_writes() -> None:
    # Why the comparison exists: nh3 spells entities and void tags its own way, so returning its
    # output would change the bytes of every page.
    rendered = [render(s) for s in BENIGN]
    assert [r for r in rendered if nh3.clean(r, **sanitise._OPTIONS) != r]


def allow_list_breaches(fragment: str) -> list[str]:
    """Tags, attributes and addresses in ``fragment`` that the allow-list does not permit."""
    breaches: list[str] = []

    class Check(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in sanitise.ALLOWED_TAGS:
                breaches.append(f"<{tag}>")
            allowed = sanitise.ALLOWED_ATTRIBUTES["*"] | sanitise.ALLOWED_ATTRIBUTES.get(tag, set())
            for name, value in attrs:
                if name not in allowed and not (tag == "input" and name == "type" and value == "checkbox"):
                    breaches.append(f"<{tag} {name}>")
                scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", value or "", re.I)
                if name in ("href", "src") and scheme and scheme.group(1).lower() not in sanitise.URL_SCHEMES:
                    breaches.append(f"<{tag} {name}={value!r}>")

        def handle_comment(self, data):
            breaches.append(f"<!--{data}-->")

    checker = Check(convert_charrefs=True)
    checker.feed(fragment)
    checker.close()
    return breaches


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markup_is_removed(payload: str) -> None:
    # As raw HTML, and as Markdown renders it in a paragraph, a heading and a list.
    forms = (payload, render(payload), render(f"# {payload}\n\n- {payload}"))
    assert any(allow_list_breaches(f) for f in forms), "the payload should breach the allow-list unsanitised"
    for fragment in forms:
        assert allow_list_breaches(sanitise_html(fragment)) == []


def test_text_of_removed_markup_stays_visible_and_links_keep_safe_addresses() -> None:
    assert sanitise_html('<p>AITO <img src=x onerror="alert(1)"> rose</p>') == '<p>AITO <img src="x"> rose</p>'
    assert sanitise_html("<p><script>alert(1)</script>after</p>") == "<p>after</p>"
    assert sanitise_html('<p><a href="javascript:alert(1)" title="t">x</a></p>') == '<p><a title="t">x</a></p>'
    assert sanitise_html('<p><font color="red">red</font></p>') == "<p>red</p>"
    kept = '<p><a href="https://cnevpost.com/x">x</a> <a href="#top">top</a></p>'
    assert sanitise_html(kept) == kept


def test_a_cited_figure_keeps_its_data_attributes() -> None:
    rendered = render(cited_markdown())
    assert 'class="hima-fig" data-download="brand_monthly"' in rendered and "data-key=" in rendered
    assert sanitise_html(rendered) == rendered
    span = '<span class="hima-fig" data-download="x" onclick="alert(1)" data-other="y">1</span>'
    assert sanitise_html(span) == '<span class="hima-fig" data-download="x">1</span>'


def _notebook(markdown: str, chart_html: str) -> nbformat.NotebookNode:
    v4 = nbformat.v4
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell(markdown),
            v4.new_code_cell(
                "x",
                outputs=[
                    v4.new_output("display_data", data={"text/markdown": markdown, "text/plain": "x"}),
                    v4.new_output("display_data", data={"text/html": chart_html, "text/plain": "x"}),
                ],
            ),
        ]
    )


CHART = '<div id="vis-0123456789ab"></div><script>vegaEmbed("#vis-0123456789ab", {"mark":"bar"})</script>'


def test_pages_apply_it_to_markdown_only() -> None:
    page = notebook_to_html(_notebook('# Title\n\nHi <img src=x onerror="window.__pwned=1">', CHART))
    assert "window.__pwned" not in page
    assert page.count('<p>Hi <img alt="No description has been provided for this image" src="x"></p>') == 2
    assert CHART in page  # the chart's script is an output of the renderer, not Markdown


def test_a_page_without_hostile_markup_is_byte_identical_with_or_without_it(monkeypatch) -> None:
    markdown = "\n\n".join([*BENIGN, cited_markdown()])
    nb = _notebook(markdown, CHART)
    with_it = notebook_to_html(nb, title="Benign")
    monkeypatch.setattr(sanitise, "sanitise_html", lambda fragment: fragment)
    report_html.exporter_for.cache_clear()  # rebuilt with the stand-in
    try:
        without = notebook_to_html(nb, title="Benign")
    finally:
        monkeypatch.undo()
        report_html.exporter_for.cache_clear()
    assert with_it == without
    assert 'class="hima-fig"' in with_it and "<table>" in with_it and 'class="highlight"' in with_it
