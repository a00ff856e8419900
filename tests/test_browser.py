"""An interactive report really draws in a browser with no network.

The page from ``test_reporting_html`` (two charts, interactive mode) is opened in headless Debian
chromium with every host unresolvable and a dead proxy. A small probe script, put first in
``<head>``, records uncaught errors, failed loads, ``console.error`` calls and every URL fetched
into attributes of ``<html>``; ``--dump-dom`` then returns the DOM after the charts have drawn.

Skipped when chromium is missing, unless ``CI`` is set, in which case that is a failure.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from test_reporting_html import executed, kernel  # noqa: F401 - kernel is a fixture used here

from hima_analytics.reporting.determinism import normalise_notebook
from hima_analytics.reporting.html import footer_html, notebook_to_html

PROBE = """<script>(function () {
  var errors = [], urls = [];
  var root = document.documentElement;
  function save() {
    root.setAttribute("data-hima-errors", JSON.stringify(errors));
    root.setAttribute("data-hima-urls", JSON.stringify(urls));
  }
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) { errors.push("failed to load " + (t.src || t.href)); }
    else { errors.push("uncaught: " + (e.message || String(e.error))); }
    save();
  }, true);
  window.addEventListener("unhandledrejection", function (e) { errors.push("unhandled: " + String(e.reason)); save(); });
  var consoleError = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.map.call(arguments, String).join(" "));
    save();
    return consoleError.apply(console, arguments);
  };
  var realFetch = window.fetch;
  window.fetch = function (input) { urls.push(String(input && input.url || input)); save(); return realFetch.apply(this, arguments); };
  var realOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) { urls.push(String(url)); save(); return realOpen.apply(this, arguments); };
  window.addEventListener("load", function () {
    setTimeout(function () {
      performance.getEntriesByType("resource").forEach(function (r) { urls.push(r.name); });
      root.setAttribute("data-hima-done", "1");
      save();
    }, 1500);
  });
  save();
})();</script>"""

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=8000",
)


def find_chromium() -> str | None:
    """``$CHROMIUM`` if set, else ``chromium`` on PATH, else Debian's ``/usr/bin/chromium``."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        hint = "install Debian's package: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser check must run, but chromium was not found; {hint}.")
        pytest.skip(f"chromium not found on PATH or at /usr/bin/chromium; {hint}.")
    return path


#: Put after the probe when ``open_in_browser`` is asked to watch globals: once the page has
#: loaded (and its handlers have had time to run), records ``window[name]`` for each name, as a
#: string, or null when the page never set it.
WATCH = """<script>(function (names) {
  var root = document.documentElement;
  window.addEventListener("load", function () {
    setTimeout(function () {
      var seen = {};
      names.forEach(function (n) { seen[n] = (n in window) ? String(window[n]) : null; });
      root.setAttribute("data-hima-watched", JSON.stringify(seen));
    }, 1500);
  });
})(%s);</script>"""


def open_in_browser(chromium: str, page: str, folder: Path, watch: tuple[str, ...] = ()) -> tuple[str, dict, str]:
    """Load ``page`` (with the probe) from a file URL; return the DOM, the probe's record and
    chromium's stderr. With ``watch``, the record's ``watched`` maps each of those global names
    to its value in the loaded page (as a string), or None when the page never set it."""
    head = page.index("<head>") + len("<head>")
    target = folder / "report.html"
    probe = PROBE + (WATCH % json.dumps(list(watch)) if watch else "")
    target.write_text(page[:head] + probe + page[head:], encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="hima-chromium-")
    try:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", target.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, f"chromium exited with {done.returncode}:\n{done.stderr[-2000:]}"
    dom = done.stdout
    opening = re.search(r"<html\b[^>]*>", dom)
    assert opening, f"no <html> element in chromium's DOM dump (got {len(dom)} characters)"
    attrs = dict(re.findall(r'(data-hima-[a-z]+)="([^"]*)"', opening.group(0)))
    probe = {k.removeprefix("data-hima-"): json.loads(html.unescape(v)) for k, v in attrs.items()}
    return dom, probe, done.stderr


def chart_fragments(dom: str, ids: list[str]) -> dict[str, str]:
    """Each chart's div as dumped: from ``<div id="vis-…"`` to the ``</script>`` that follows."""
    found = {}
    for vis in ids:
        start = dom.find(f'id="{vis}"')
        assert start >= 0, f"chart div {vis} missing from the rendered DOM"
        found[vis] = dom[start : dom.find("</script>", start)]
    return found


@pytest.fixture(scope="module")
def rendered(chromium: str, kernel: str, tmp_path_factory) -> dict:  # noqa: F811 - kernel fixture
    nb = normalise_notebook(executed("interactive", "a", kernel))
    page = notebook_to_html(nb, title="Browser check", footer=footer_html({"git commit": "<b>abc</b>"}))
    ids = re.findall(r'<div id="(vis-[0-9a-f]{12}(?:-\d+)?)"></div><script>vegaEmbed', page)
    assert len(ids) == 2, f"expected two interactive charts in the page, found {ids}"
    dom, probe, stderr = open_in_browser(chromium, page, tmp_path_factory.mktemp("browser"))
    return {"ids": ids, "dom": dom, "probe": probe, "stderr": stderr}


def test_every_chart_drew_its_marks(rendered) -> None:
    charts = chart_fragments(rendered["dom"], rendered["ids"])
    expected = {rendered["ids"][0]: "mark-line", rendered["ids"][1]: "mark-rect"}
    for vis, fragment in charts.items():
        assert re.search(r'<svg[^>]*class="marks"', fragment), f"{vis}: no svg.marks, vega did not draw"
        assert f'class="{expected[vis]}' in fragment, f"{vis}: no g.{expected[vis]} in the drawn chart"


def test_no_errors_in_the_page(rendered) -> None:
    probe = rendered["probe"]
    assert probe.get("done") == 1, "the probe never finished: the page did not reach its load event"
    assert probe["errors"] == []
    console = [
        line for line in rendered["stderr"].splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)
    ]
    assert console == []


def test_no_request_left_the_file(rendered) -> None:
    urls = rendered["probe"]["urls"]
    assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == []


def test_probe_catches_network_use_and_errors(chromium: str, tmp_path: Path) -> None:
    """The probe is not blind: an external image, a fetch and a thrown error are all seen."""
    page = (
        "<!DOCTYPE html><html><head></head><body><img src='http://example.com/x.png'>"
        "<script>fetch('https://example.com/d.json').catch(function (e) { console.error('fetch', e); });"
        "throw new Error('boom');</script></body></html>"
    )
    _, probe, _ = open_in_browser(chromium, page, tmp_path)
    errors = "\n".join(probe["errors"])
    assert "failed to load http://example.com/x.png" in errors
    assert "boom" in errors and "console.error: fetch" in errors
    assert "https://example.com/d.json" in probe["urls"]
