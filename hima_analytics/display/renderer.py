"""Altair renderers for reports that work offline and give the same bytes on every run.

Two modes, registered with altair by :func:`enable`:

- ``"interactive"``: each chart becomes ``<div id="vis-…"></div>`` plus one ``vegaEmbed(…)``
  call, as ``text/html``. No ``<script src>``, no CDN: the vega / vega-lite / vega-embed bundle
  is inlined once per page by :func:`hima_analytics.reporting.html.notebook_to_html`.
- ``"static"``: each chart is drawn to SVG by vl-convert in the kernel; the page needs no
  JavaScript.

Chart ids come from a hash of the spec, so they are stable across runs; the same spec shown
twice in one process gets a counter suffix (``vis-<hash>-2``), which is deterministic for a given
execution order. Chart data must be inline: a spec that points at a data URL is refused.

>>> spec = {"mark": "point", "data": {"values": [{"a": 1}]}}
>>> chart_id(spec)
'vis-de90dd04b266'
>>> "</script>" in spec_json({"data": {"values": [{"a": "</script>"}]}})
False
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal, cast, get_args

Mode = Literal["interactive", "static", "offline"]
MODES: tuple[str, ...] = get_args(Mode)
MODE_ENV = "HIMA_REPORT_MODE"
RENDERER_NAMES: dict[str, str] = {"interactive": "hima-interactive", "static": "hima-static", "offline": "hima-offline"}
EMBED_OPTIONS = '{actions:false,renderer:"svg"}'
#: The marker html.py looks for to know that a page has interactive charts.
EMBED_MARKER = '<script>vegaEmbed("#vis-'

log = logging.getLogger(__name__)
_BUNDLES: dict[Path, str] = {}
CACHE_ENV = "HIMA_CACHE_DIR"
_seen: Counter[str] = Counter()
# Characters that could end a <script> element or confuse an HTML parser, as JSON escapes.
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

__all__ = [
    "MODES",
    "MODE_ENV",
    "Mode",
    "chart_id",
    "enable",
    "render_interactive",
    "render_static",
    "reset_ids",
    "resolve_mode",
    "spec_json",
    "vegalite_version",
]


def resolve_mode(mode: str | None = None) -> Mode:
    """The report mode: ``mode`` if given, else ``$HIMA_REPORT_MODE``, else ``"interactive"``.

    >>> resolve_mode("static")
    'static'
    >>> resolve_mode("pdf")
    Traceback (most recent call last):
    ...
    ValueError: report mode 'pdf' (argument): expected one of 'interactive', 'static'. ...
    """
    where = "argument"
    if mode is None:
        mode, where = os.environ.get(MODE_ENV) or "interactive", f"${MODE_ENV}"
    if mode not in MODES:
        raise ValueError(
            f"report mode {mode!r} ({where}): expected one of 'interactive', 'static'. "
            "Hint: 'interactive' needs JavaScript in the reader's browser, 'static' draws SVG."
        )
    return cast(Mode, mode)


def spec_json(spec: dict[str, Any]) -> str:
    """Compact JSON for ``spec`` that is safe inside a ``<script>`` element: ``<``, ``>``, ``&``
    and the JavaScript line separators are written as ``\\uXXXX`` escapes, so data values such
    as ``</script>`` cannot end the element. Key order is kept (it is deterministic)."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return "".join(_SCRIPT_SAFE.get(ch, ch) for ch in text) if any(c in text for c in _SCRIPT_SAFE) else text


def chart_id(spec: dict[str, Any]) -> str:
    """``vis-`` and the first 12 hex digits of the SHA-256 of :func:`spec_json` (no counter)."""
    return "vis-" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:12]


def _next_id(spec: dict[str, Any]) -> str:
    base = chart_id(spec)
    _seen[base] += 1
    return base if _seen[base] == 1 else f"{base}-{_seen[base]}"


def reset_ids() -> None:
    """Forget the ids handed out in this process (tests; a kernel starts fresh anyway)."""
    _seen.clear()


def _data_urls(node: Any, found: list[str]) -> list[str]:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            found.append(data["url"])
        for value in node.values():
            _data_urls(value, found)
    elif isinstance(node, list):
        for value in node:
            _data_urls(value, found)
    return found


def _check_inline(spec: dict[str, Any]) -> None:
    urls = _data_urls(spec, [])
    if urls:
        raise ValueError(
            f"chart data must be inline in a report, but the spec loads data from {urls[:3]}. "
            "Hint: pass a DataFrame to alt.Chart(...) and keep altair's 'default' data transformer "
            "(the 'json' and 'csv' transformers write files and reference them by URL)."
        )


def render_interactive(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: a div and a ``vegaEmbed`` call as ``text/html`` (no script src).

    >>> reset_ids()
    >>> render_interactive({"mark": "bar"})["text/html"]  # doctest: +NORMALIZE_WHITESPACE
    '<div id="vis-ae82c0c3481d"></div><script>vegaEmbed("#vis-ae82c0c3481d", {"mark":"bar"},
     {actions:false,renderer:"svg"}).catch(console.error)</script>'
    >>> render_interactive({"mark": "bar"})["text/html"][:29]
    '<div id="vis-ae82c0c3481d-2">'
    """
    _check_inline(spec)
    vis = _next_id(spec)
    return {
        "text/html": f'<div id="{vis}"></div><script>vegaEmbed("#{vis}", {spec_json(spec)}, '
        f"{EMBED_OPTIONS}).catch(console.error)</script>"
    }


def vegalite_version() -> str | None:
    """The Vega-Lite ``major.minor`` that altair writes, if vl-convert ships it (else None,
    meaning vl-convert's latest)."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.VEGALITE_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def render_static(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: the chart drawn to SVG by vl-convert, as ``text/html``.

    >>> reset_ids()
    >>> render_static({"mark": "point", "data": {"values": [{"x": 1}]},
    ...                "encoding": {"x": {"field": "x", "type": "quantitative"}}})["text/html"][:57]
    '<div id="vis-9377a4d74f83" class="hima-chart-static"><svg'
    """
    import vl_convert as vlc

    _check_inline(spec)
    vis = _next_id(spec)
    # No ARIA description on every mark: a static page is for print and small files (about a
    # quarter of each SVG); the figure's data is in its download, and the interactive page keeps it.
    drawn = {**spec, "config": {**spec.get("config", {}), "aria": False}}
    svg = vlc.vegalite_to_svg(drawn, vl_version=vegalite_version())
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return {"text/html": f'<div id="{vis}" class="hima-chart-static">{svg}</div>'}


# -- the vega bundle -----------------------------------------------------------------------------


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where generated assets are cached: ``override``, else ``$HIMA_CACHE_DIR``, else
    ``~/.cache/hima_analytics``.

    >>> cache_dir("/tmp/hima-cache")
    PosixPath('/tmp/hima-cache')
    """
    if override is not None:
        return Path(override)
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "hima_analytics"


def vega_bundle(cache: str | os.PathLike[str] | None = None) -> str:
    """The vega-embed + vega-lite + vega JavaScript bundle (about 0.9 MB), which defines
    ``window.vegaEmbed``. Generated by vl-convert (about 1-4 s) for the Vega-Lite version altair
    writes, then read from ``<cache>/vega-bundle-vlconvert<version>-vl<version>.js``. The cache
    file is written atomically; when the cache folder cannot be written the bundle is still
    returned."""
    import vl_convert as vlc

    from ..display.renderer import vegalite_version

    vl = vegalite_version()
    from importlib.metadata import version

    path = cache_dir(cache) / f"vega-bundle-vlconvert{version('vl-convert-python')}-vl{vl or 'latest'}.js"
    if path in _BUNDLES:
        return _BUNDLES[path]
    from ..files import write_atomic

    digest_path = path.with_name(path.name + ".sha256")
    try:
        raw = path.read_bytes()
        recorded = digest_path.read_text(encoding="ascii").strip()
        bundle = raw.decode("utf-8") if hashlib.sha256(raw).hexdigest() == recorded else ""
    except (OSError, UnicodeDecodeError):
        bundle = ""  # missing, unreadable or not matching its recorded hash: generated again
    if "window.vegaEmbed" not in bundle:
        bundle = vlc.javascript_bundle(vl_version=vl)  # type: ignore[call-arg]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = bundle.encode("utf-8")
            write_atomic(path, data)
            write_atomic(digest_path, hashlib.sha256(data).hexdigest().encode("ascii"))
        except OSError as exc:
            log.warning("could not cache the vega bundle at %s (%s); it will be generated again next time", path, exc)
    _BUNDLES[path] = bundle
    return bundle


def bundle_script(bundle: str, *, only_if_missing: bool = False) -> str:
    """The bundle as one inline ``<script>``, in its own function scope (its top-level ``const``
    names stay out of the page's global scope) and unable to end the element early. With
    ``only_if_missing`` it runs only when the page has no ``vegaEmbed`` yet."""
    safe = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    guard = "if(window.vegaEmbed){return;}" if only_if_missing else ""
    return f'<script id="hima-vega-bundle">(function(){{"use strict";{guard}\n{safe}\n}})();</script>'


_BUNDLE_SENT = False


def render_offline(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer for an interactive session (JupyterLab) with no network: the same
    ``vegaEmbed`` output as the report, preceded in the session's first chart by the vega bundle
    the reports inline, loaded only if the page does not have it yet. One code path: the report
    page and the notebook draw charts with the same bundle."""
    global _BUNDLE_SENT
    out = render_interactive(spec)["text/html"]
    if not _BUNDLE_SENT:
        _BUNDLE_SENT = True
        out = bundle_script(vega_bundle(), only_if_missing=True) + out
    return {"text/html": out}


def enable(mode: Mode | None = None) -> None:
    """Register both renderers with altair and enable the one for ``mode`` (default:
    ``$HIMA_REPORT_MODE``, else ``"interactive"``). Also makes sure chart data stays inline:
    a data transformer that writes files ('json', 'csv') is replaced by altair's 'default'.

    >>> import altair as alt
    >>> enable("static"); alt.renderers.active
    'hima-static'
    >>> enable("interactive"); alt.renderers.active
    'hima-interactive'
    >>> _ = alt.renderers.enable("default")  # back to altair's own renderer
    """
    import altair as alt

    resolved = resolve_mode(mode)
    alt.renderers.register(RENDERER_NAMES["interactive"], render_interactive)
    alt.renderers.register(RENDERER_NAMES["static"], render_static)
    alt.renderers.register(RENDERER_NAMES["offline"], render_offline)
    alt.renderers.enable(RENDERER_NAMES[resolved])
    if alt.data_transformers.active in ("json", "csv"):
        alt.data_transformers.enable("default")
