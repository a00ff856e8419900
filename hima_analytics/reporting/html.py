"""Export an executed notebook to one self-contained, offline, deterministic HTML page.

The page uses the nbconvert template in ``templates/hima`` (it extends ``lab``), which blanks
the require.js, MathJax, mermaid and widget blocks so nothing is loaded from the network. In
interactive mode the vega / vega-lite / vega-embed bundle from ``vl_convert.javascript_bundle()``
is inlined once in ``<head>`` when the page has charts; it is generated once per vl-convert
version and cached on disk (``cache_dir``, else ``$HIMA_CACHE_DIR``, else
``~/.cache/hima_analytics``).

Typical use in a runner (after papermill and :func:`~.determinism.normalise_notebook`)::

    page = notebook_to_html(nb, mode="interactive", title="AITO deep dive",
                            footer=footer_html({"parameters": {"brand": "AITO"}}))
"""

from __future__ import annotations

import copy
import functools
import html
import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..display.renderer import CACHE_ENV, EMBED_MARKER, Mode, bundle_script, cache_dir, resolve_mode, vega_bundle

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "count_interactive_charts",
    "footer_html",
    "notebook_to_html",
    "prepare",
    "vega_bundle",
]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "hima"
BUNDLE_PLACEHOLDER = "<!-- hima:vega-bundle -->"
# Elements that make the browser fetch their URL when the page loads (links <a href> do not),
# and remote URLs in CSS (web fonts, @import).
_REMOTE_TAG = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio|embed|track|object)\b[^>]*?"""
    r"""\b(?:src|href|srcset|data)\s*=\s*["']?\s*(?:https?:)?//[^>]*>""",
    re.IGNORECASE,
)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>|\bstyle\s*=\s*\"([^\"]*)\"", re.IGNORECASE | re.DOTALL)
_REMOTE_CSS = re.compile(r"""(?:url\(|@import)\s*["']?\s*(?:https?:)?//[^)"';]*""", re.IGNORECASE)


# -- the page ------------------------------------------------------------------------------------


def _html_outputs(nb: NotebookNode) -> list[str]:
    return [
        "".join(v) if isinstance(v := out.get("data", {}).get("text/html", ""), list) else v
        for cell in nb.get("cells", [])
        for out in cell.get("outputs", [])
    ]


def count_interactive_charts(nb: NotebookNode) -> int:
    """How many interactive (``vegaEmbed``) charts the notebook's outputs hold.

    >>> import nbformat
    >>> count_interactive_charts(nbformat.v4.new_notebook())
    0
    """
    return sum(text.count(EMBED_MARKER) for text in _html_outputs(nb))


class _Ids:
    """Deterministic element ids for the template (nbconvert's own use ``uuid4``)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        return f"hima-{prefix}-{self.n}"


def _remote_loads(page: str) -> list[str]:
    """What in ``page`` would be fetched from the network when it is opened."""
    css = (m.group(1) or m.group(2) or "" for m in _STYLE.finditer(page))
    return _REMOTE_TAG.findall(page) + [hit for block in css for hit in _REMOTE_CSS.findall(block)]


_FOCUSABLE = re.compile(r'<div class="(jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)"(?=[\s>])')
_IMG_NO_ALT = re.compile(r"<img\b(?![^>]*\balt\s*=)", re.IGNORECASE)


def _exporter_class():
    """nbconvert's ``HTMLExporter`` without its BeautifulSoup pass.

    After rendering, ``HTMLExporter.from_notebook_node`` parses the whole page with
    BeautifulSoup to add ``tabindex="0"`` to cell inputs and outputs and a default ``alt`` to
    images, then serialises it again: about 0.5 s of a 0.7 s export for a 1 MB report (see
    benchmarks/RESULTS.md). This subclass adds the same attributes with two regular expressions
    over the template's own markup, and skips nbformat's schema check after each preprocessor
    (the runner exports notebooks papermill has just written and validated).

    The HTML of every Markdown cell and Markdown output passes an allow-list
    (:func:`~.sanitise.sanitise_html`) that leaves pages without hostile markup byte-identical.
    nbconvert's own ``sanitize_html`` is not used: it would also strip the charts' scripts.
    """
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from .sanitise import sanitise_html

    class ReportExporter(HTMLExporter):
        def _validate_preprocessor(self, nbc, preprocessor):  # noqa: ARG002 - see the docstring
            return None

        @pass_context
        def markdown2html(self, context, source):
            return sanitise_html(super().markdown2html(context, source))

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page = _FOCUSABLE.sub(lambda m: f'{m.group(0)} tabindex="0"', page)
            page = _IMG_NO_ALT.sub('<img alt="No description has been provided for this image"', page)
            return page, resources

    return ReportExporter


@functools.lru_cache(maxsize=2)
def exporter_for(show_code: bool):
    """The HTML exporter, built once per process (building it imports nbconvert, about a
    second; :func:`prepare` builds it and compiles its templates before the runner forks)."""
    return _exporter_class()(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,
    )


def prepare(mode: Mode = "interactive", show_code: bool = False, cache: str | os.PathLike[str] | None = None) -> None:
    """Do the once-per-process work of :func:`notebook_to_html` now: import nbconvert, build
    the exporter, compile its Jinja templates (about 0.25 s, done lazily on the first page) and,
    in interactive mode, read or build the vega bundle. The report runner calls this before
    forking its workers, so each worker inherits it warm."""
    import nbformat

    v4 = nbformat.v4
    sample = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# warm-up\n\ntext"),
            v4.new_code_cell(
                "x",
                outputs=[
                    v4.new_output("stream", name="stdout", text="x\n"),
                    v4.new_output(
                        "execute_result", data={"text/html": "<p>x</p>", "text/plain": "x"}, execution_count=1
                    ),
                ],
            ),
        ]
    )
    notebook_to_html(sample, mode="static", show_code=show_code)
    if resolve_mode(mode) == "interactive":
        vega_bundle(cache)


def notebook_to_html(
    nb: NotebookNode,
    *,
    mode: Mode = "interactive",
    show_code: bool = False,
    title: str | None = None,
    footer: str | None = None,
    cache: str | os.PathLike[str] | None = None,
    workbook: str | None = None,
) -> str:
    """One self-contained HTML page for an executed (and normalised) notebook.

    - ``mode``: ``"interactive"`` inlines the vega bundle once in ``<head>`` if the page has
      charts; ``"static"`` expects charts drawn as SVG (the kernel ran with
      ``HIMA_REPORT_MODE=static``) and raises if it finds interactive ones.
    - ``show_code``: code is hidden by default (no inputs, no ``In [ ]`` prompts); when True each
      code cell's source is in a collapsed ``<details><summary>code</summary>``.
    - ``title``: the page ``<title>``; default the notebook's ``metadata.title``, else "Report".
    - ``footer``: trusted HTML put just before ``</body>``, normally from :func:`footer_html`.
    - ``workbook``: the file name of the report's Excel workbook, linked above the footer.
    - ``cache``: folder for the cached vega bundle (see :func:`cache_dir`).

    The same notebook and arguments always give the same string.

    >>> import nbformat
    >>> page = notebook_to_html(nbformat.v4.new_notebook(), mode="static", title="Empty <draft>")
    >>> "<title>Empty &lt;draft&gt;</title>" in page, "<script src" in page
    (True, False)
    """
    from nbformat import NotebookNode

    mode = resolve_mode(mode)
    charts = count_interactive_charts(nb)
    if mode == "static" and charts:
        raise ValueError(
            f"mode='static' expects charts drawn as SVG, but the notebook has {charts} interactive "
            "(vegaEmbed) chart(s). Hint: execute it with HIMA_REPORT_MODE=static in the kernel "
            "environment, or export with mode='interactive'."
        )
    page_title = title or nb.get("metadata", {}).get("title") or "Report"
    nb = copy.copy(nb)
    nb["metadata"] = NotebookNode({**nb.get("metadata", {}), "title": page_title})
    exporter = exporter_for(show_code)
    resources = {
        "metadata": {"name": page_title},
        "hima": {"show_code": show_code, "new_id": _Ids(), "vega_bundle": bool(charts and mode == "interactive")},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    remote = _remote_loads(body)
    if remote:
        raise ValueError(
            f"the page would load {len(remote)} resource(s) from the network, e.g. {remote[0][:200]!r}; "
            "expected a self-contained page. Hint: enable the report renderer "
            "(hima_analytics.display.renderer.enable()) instead of altair's CDN renderers, embed "
            "images as data: URIs and use system fonts, not web fonts."
        )
    head_end = body.find("</head>")
    if mode == "interactive" and charts:
        at = body.find(BUNDLE_PLACEHOLDER)
        if not 0 <= at < head_end:
            raise RuntimeError(
                f"the {TEMPLATE_NAME!r} template did not leave the vega bundle placeholder in <head>; expected "
                f"{BUNDLE_PLACEHOLDER!r} before </head>. Hint: check templates/hima/index.html.j2."
            )
        body = body[:at] + bundle_script(vega_bundle(cache)) + body[at + len(BUNDLE_PLACEHOLDER) :]
    from .compact import compact
    from .toc import add_toc

    body = add_toc(compact(body))
    if workbook:
        footer = (
            f'<p class="hima-workbook"><a href="{html.escape(workbook, quote=True)}">Every figure and table of '
            "this report, with its data, qualifiers and sources, as an Excel workbook</a></p>\n" + (footer or "")
        )
    if footer:
        end = body.rfind("</body>")
        if end < 0:
            raise RuntimeError("the exported page has no </body>; expected the lab template's page shell.")
        body = body[:end] + footer + "\n" + body[end:]
    return body


# -- the provenance footer -----------------------------------------------------------------------


def _value_html(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value):
        return '<span class="hima-na">n/a</span>'
    if isinstance(value, Mapping):
        if not value:
            return '<span class="hima-na">defaults</span>'
        items = (
            f"<code>{html.escape(str(k))}={html.escape(json.dumps(v, ensure_ascii=False, default=str))}</code>"
            for k, v in value.items()
        )
        return ", ".join(items)
    if isinstance(value, (list, tuple)):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape(str(value))


def footer_html(provenance: Mapping[str, Any]) -> str:
    """A provenance footer: one row per item of ``provenance``, in its order, every key and
    value HTML-escaped. Mappings (parameters) show as ``name=<JSON value>``, so ``"2024"`` and
    ``2024`` stay distinguishable.

    >>> print(footer_html({"parameters": {"brand": "AITO"}, "git commit": "<script>alert(1)</script>"}))
    <footer class="hima-provenance"><h2>Provenance</h2><dl>
    <dt>parameters</dt><dd><code>brand=&quot;AITO&quot;</code></dd>
    <dt>git commit</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>
    </dl></footer>
    """
    if not isinstance(provenance, Mapping):
        raise TypeError(
            f"footer_html expects a mapping of label -> value, got {type(provenance).__name__}. "
            "Hint: pass e.g. {'parameters': {...}, 'git commit': '...'}."
        )
    rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{_value_html(v)}</dd>\n" for k, v in provenance.items())
    return f'<footer class="hima-provenance"><h2>Provenance</h2><dl>\n{rows}</dl></footer>'
