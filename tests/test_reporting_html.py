"""The HTML export layer: offline, code hidden or folded, escaped, and byte-deterministic.

A small notebook (markdown, a parameters cell, two altair charts and a great_tables table) is
built in-process, executed with papermill on the project kernel and exported. Three kernel runs
in all (interactive twice, static once), about 3 s each; test_browser reuses the first.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from hima_analytics.display import renderer
from hima_analytics.reporting import html as report_html
from hima_analytics.reporting.determinism import normalise_notebook, write_notebook
from hima_analytics.reporting.html import footer_html, notebook_to_html

KERNEL = "hima-analytics"
PARAMS = {"brand": "AITO </script><b>bold</b>"}
CHART_CODE = """\
import altair as alt
import polars as pl
from great_tables import GT
from hima_analytics.display import renderer

renderer.enable(mode)
df = pl.DataFrame({"month": ["2025-01", "2025-02", "2025-03"], "deliveries": [31_000, 28_500, 41_200],
                   "brand": [brand] * 3})
alt.Chart(df).mark_line(point=True).encode(x="month:O", y="deliveries:Q", tooltip=["brand", "deliveries"]).display()
alt.Chart(df).mark_bar().encode(x="month:O", y="deliveries:Q", color="brand:N").display()
GT(df).tab_header(title="Deliveries")  # no id=: the random id is normalised away
"""


def build_notebook() -> nbformat.NotebookNode:
    """The test report: narrative, a parameters cell, charts and a table, an address repr."""
    v4 = nbformat.v4
    params = v4.new_code_cell('mode = "interactive"\nbrand = "AITO"', metadata={"tags": ["parameters"]})
    cells = [
        v4.new_markdown_cell("# Deliveries report\n\nTwo charts and a table, drawn offline."),
        params,
        v4.new_code_cell(CHART_CODE),
        v4.new_code_cell("print(object())"),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python (hima_analytics)", "language": "python"}
    return nb


@pytest.fixture(scope="session")
def kernel() -> Iterator[str]:
    """The project kernel. ``make`` registers it; when it is missing (a bare ``uv sync``), an
    equivalent spec for this interpreter is put on JUPYTER_PATH for the session."""
    import os

    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL in KernelSpecManager().find_kernel_specs():
        yield KERNEL
        return
    root = Path(tempfile.mkdtemp(prefix="hima-kernels-"))
    spec_dir = root / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python (hima_analytics, test)",
                "language": "python",
            }
        )
    )
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), *([old] if old else [])])
    try:
        yield KERNEL
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old
        shutil.rmtree(root, ignore_errors=True)


@functools.cache
def executed(mode: str, run: str, kernel: str) -> nbformat.NotebookNode:
    """``execute(mode, kernel)`` once per ``run`` label, shared with test_browser. Callers must
    not change the returned notebook (normalise_notebook returns a copy)."""
    return execute(mode, kernel)


def execute(mode: str, kernel: str) -> nbformat.NotebookNode:
    """Execute the test notebook in a fresh temp dir and return the raw executed notebook."""
    import papermill as pm

    work = Path(tempfile.mkdtemp(prefix="hima-report-"))
    try:
        source = work / "demo.ipynb"
        nbformat.write(build_notebook(), source)
        return pm.execute_notebook(
            str(source),
            None,
            parameters={**PARAMS, "mode": mode},
            kernel_name=kernel,
            progress_bar=False,
            log_output=False,
            cwd=str(work),
            shutdown_kernel="immediate",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def runs(kernel: str) -> dict[str, nbformat.NotebookNode]:
    return {
        "a": executed("interactive", "a", kernel),
        "b": executed("interactive", "b", kernel),
        "static": executed("static", "static", kernel),
    }


@pytest.fixture(scope="module")
def page(runs) -> str:
    return notebook_to_html(normalise_notebook(runs["a"]), title="Deliveries <demo>")


def _tags(text: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", text, flags=re.IGNORECASE)


def test_page_loads_nothing_from_the_network(page: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, flags=re.IGNORECASE)
    assert [t for t in _tags(page, "script") if "src" in t.lower()] == []
    assert [t for t in _tags(page, "link") if "href" in t.lower()] == []
    assert not [t for t in _tags(page, "script") + _tags(page, "link") if "cdn" in t.lower()]
    assert "require.min.js" not in page and "MathJax" not in page and "mermaid.esm" not in page


def test_vega_bundle_is_inlined_once_in_head(page: str) -> None:
    head = page[: page.index("</head>")]
    assert page.count('id="hima-vega-bundle"') == 1 and 'id="hima-vega-bundle"' in head
    assert page.count("window.vegaEmbed=") == 1
    assert page.count('<script>vegaEmbed("#vis-') == 2


def test_title_and_data_are_escaped(page: str) -> None:
    assert "<title>Deliveries &lt;demo&gt;</title>" in page
    assert "<b>bold</b>" not in page  # the parameter value is data: escaped in the chart spec
    assert "\\u003c/script\\u003e\\u003cb\\u003ebold" in page


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_code_is_hidden_by_default(page: str) -> None:
    assert "<details" not in page
    assert "renderer.enable(mode)" not in _text(page)
    assert "jp-CodeMirrorEditor" not in page.split("</head>")[1]
    body = page.split("</head>")[1]
    assert "In&nbsp;[" not in body and "Out[" not in body


def test_show_code_folds_each_code_cell(runs) -> None:
    nb = normalise_notebook(runs["a"])
    shown = notebook_to_html(nb, show_code=True)
    blocks = re.findall(r'<details class="hima-code"><summary>code</summary>(.*?)</details>', shown, flags=re.S)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    assert len(blocks) == n_code == 4  # parameters, injected parameters, charts, print
    assert "renderer.enable(mode)" in _text(blocks[2])
    assert "<details open" not in shown and "In&nbsp;[" not in shown


def test_runs_are_byte_identical_after_normalising(runs, tmp_path: Path) -> None:
    raw_a, raw_b = runs["a"], runs["b"]
    assert nbformat.writes(raw_a) != nbformat.writes(raw_b)  # the test means something
    a, b = normalise_notebook(raw_a), normalise_notebook(raw_b)
    write_notebook(a, tmp_path / "a.ipynb")
    write_notebook(b, tmp_path / "b.ipynb")
    assert (tmp_path / "a.ipynb").read_bytes() == (tmp_path / "b.ipynb").read_bytes()
    assert notebook_to_html(a).encode() == notebook_to_html(b).encode()
    text = (tmp_path / "a.ipynb").read_text(encoding="utf-8")
    for volatile in ("start_time", "end_time", '"duration"', "iopub.status", "at 0x7", "hima-report-"):
        assert volatile not in text, volatile
    assert a.metadata.papermill.input_path == "demo.ipynb"
    assert a.metadata.papermill.parameters == {**PARAMS, "mode": "interactive"}
    assert [c.id for c in a.cells] == [f"cell-{i:04d}" for i in range(1, 6)]
    assert normalise_notebook(a) == a  # idempotent
    assert "start_time" in nbformat.writes(raw_a)  # pure: the input is unchanged


def test_footer_is_escaped_and_before_body_end(runs) -> None:
    footer = footer_html(
        {
            "report": "demo",
            "parameters": {"brand": "<script>alert(1)</script>"},
            "git commit": "<script>alert(1)</script>",
            "data hash": None,
        }
    )
    page = notebook_to_html(normalise_notebook(runs["a"]), footer=footer)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index('<footer class="hima-provenance">') < page.rindex("</body>")
    assert page.count("<footer") == 1


def test_static_mode_draws_svg_without_javascript(runs) -> None:
    page = notebook_to_html(normalise_notebook(runs["static"]), mode="static")
    assert (
        len(re.findall(r'<div id="vis-[0-9a-f]{12}" class="hima-chart-static"><svg\b[^>]*\bclass="marks"', page)) == 2
    )
    assert "vegaEmbed" not in page and "hima-vega-bundle" not in page
    assert [t for t in _tags(page, "script") if "src" in t.lower()] == []


def test_static_export_refuses_interactive_outputs(runs) -> None:
    with pytest.raises(ValueError, match="HIMA_REPORT_MODE=static"):
        notebook_to_html(normalise_notebook(runs["a"]), mode="static")


# -- units that need no kernel --------------------------------------------------------------------


def test_identical_specs_get_distinct_stable_ids() -> None:
    renderer.reset_ids()
    spec = {"mark": "point", "data": {"values": [{"x": 1}]}}
    first, second = (renderer.render_interactive(spec)["text/html"] for _ in range(2))
    base = renderer.chart_id(spec)
    assert f'id="{base}"' in first and f'id="{base}-2"' in second
    renderer.reset_ids()
    assert renderer.render_interactive(spec)["text/html"] == first


def test_data_urls_are_refused() -> None:
    with pytest.raises(ValueError, match="inline"):
        renderer.render_interactive({"mark": "point", "data": {"url": "https://example.com/d.json"}})


def test_mode_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(renderer.MODE_ENV, "static")
    assert renderer.resolve_mode() == "static"
    monkeypatch.setenv(renderer.MODE_ENV, "svg")
    with pytest.raises(ValueError, match="HIMA_REPORT_MODE"):
        renderer.resolve_mode()
    monkeypatch.delenv(renderer.MODE_ENV)
    assert renderer.resolve_mode() == "interactive"


def test_vega_bundle_is_cached_on_disk(tmp_path: Path, monkeypatch) -> None:
    import vl_convert

    calls: list[str | None] = []

    def fake_bundle(snippet=None, vl_version=None) -> str:
        calls.append(vl_version)
        return "window.vegaEmbed=function(){};"

    monkeypatch.setattr(vl_convert, "javascript_bundle", fake_bundle)
    monkeypatch.setattr(renderer, "_BUNDLES", {})
    assert renderer.vega_bundle(tmp_path) == "window.vegaEmbed=function(){};"
    (cached,) = tmp_path.glob("vega-bundle-vlconvert*.js")
    assert vl_convert.__version__ in cached.name and not list(tmp_path.glob(".*tmp"))
    monkeypatch.setattr(renderer, "_BUNDLES", {})
    assert renderer.vega_bundle(tmp_path) == "window.vegaEmbed=function(){};"
    assert len(calls) == 1


def test_bundle_script_cannot_close_its_element() -> None:
    script = renderer.bundle_script('var s="</SCRIPT><!--";window.vegaEmbed=1;')
    assert script.lower().count("</script") == 1 and "<!--" not in script


def test_static_svg_is_deterministic() -> None:
    spec = {
        "mark": "bar",
        "data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 2}]},
        "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}},
    }
    renderer.reset_ids()
    first = renderer.render_static(spec)
    renderer.reset_ids()
    assert renderer.render_static(spec) == first
    assert 'class="mark-rect' in first["text/html"]


def test_outputs_that_load_from_the_network_are_refused() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": '<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>'}
        )
    ]
    with pytest.raises(ValueError, match="from the network"):
        notebook_to_html(nb, mode="static")
    nb.cells[0].outputs[0].data["text/html"] = "<style>@import url('https://fonts.example.com/x.css');</style>"
    with pytest.raises(ValueError, match="web fonts"):
        notebook_to_html(nb, mode="static")
    link = '<a href="https://example.com/source">a source</a> <code>url(https://x)</code>'
    nb.cells[0].outputs[0].data["text/html"] = link
    assert 'href="https://example.com/source"' in notebook_to_html(nb, mode="static")


@pytest.mark.parametrize("show_code", [False, True])
def test_exporter_matches_nbconvert_without_its_soup_pass(show_code: bool) -> None:
    # The report exporter skips HTMLExporter's BeautifulSoup re-serialisation but must add the
    # same attributes (tabindex on inputs and outputs, a default alt on images): parsed, the two
    # pages are the same document.
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Deliveries\n\nAITO <b>led</b> the alliance."),
        nbformat.v4.new_code_cell(
            "print(1)",
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<img>"}),
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/html": "<table><tr><td>x</td></tr></table>", "text/plain": "x"},
                    execution_count=1,
                ),
            ],
        ),
    ]

    def resources() -> dict:
        return {
            "metadata": {"name": "t"},
            "hima": {"show_code": show_code, "new_id": report_html._Ids(), "vega_bundle": False},
        }

    reference = HTMLExporter(
        template_name=report_html.TEMPLATE_NAME,
        extra_template_basedirs=[str(report_html.TEMPLATES)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,
    ).from_notebook_node(nb, resources=resources())[0]
    ours = report_html.exporter_for(show_code).from_notebook_node(nb, resources=resources())[0]
    assert str(BeautifulSoup(ours, features="html.parser")) == reference
    assert ours.count('tabindex="0"') == reference.count('tabindex="0"') >= 2
    assert 'alt="No description has been provided for this image"' in ours
