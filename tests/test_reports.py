"""The real report notebooks: their shape, a build with small parameters, incremental and
deterministic rebuilds, and every report opened offline in headless Chromium."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from report_checks import chart_problems, cited_figures, text_problems
from test_browser import chromium, open_in_browser  # noqa: F401 - chromium is a fixture

from hima_analytics import paths
from hima_analytics.reporting.grid import Run, load_grid
from hima_analytics.reporting.runner import build

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
SMALL = [
    Run("alliance_overview", "alliance_overview", "HIMA alliance overview", {"start": "2025-01", "end": "2025-12"}),
    Run("brand_deep_dive-luxeed", "brand_deep_dive", "Luxeed", {"brand": "LUXEED"}),
    Run("brand_deep_dive-maextro", "brand_deep_dive", "Maextro", {"brand": "MAEXTRO"}),  # a brand with no months
    Run("partner_financials", "partner_financials", "Seres financials", {"company": "SERES"}),
    Run(
        "competitive_benchmark",
        "competitive_benchmark",
        "Rivals",
        {"peers": ["LI_AUTO", "XPENG"], "start": "2025-01", "end": "2025-12"},
    ),
    Run("outlook", "outlook", "Outlook", {"horizon": 3, "method": "auto"}),
    Run("claims_check", "claims_check", "Claims", {}),
    Run("data_appendix", "data_appendix", "Appendix", {"start": "2025-01", "end": "2025-12"}),
    Run("getting_started", "getting_started", "Getting started", {"brand": "AITO"}),
    Run("league_table", "league_table", "League table", {"month": "latest"}),
]


# -- shape ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shape(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = code[0]
    assert "parameters" in first.metadata.get("tags", []), "the first code cell must be tagged 'parameters'"
    for node in ast.parse(first.source).body:  # literals only
        assert isinstance(node, ast.Assign), f"parameters cell: only assignments, got {ast.dump(node)[:60]}"
        ast.literal_eval(node.value)
    assert "hn.start(" in code[1].source or "hn.start(" in code[2].source, "parameters are validated up front"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.outputs and cell.execution_count is None, "templates are committed without outputs"
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef))]
        assert not defs, "no function definitions in notebooks"
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert not [s for s in strings if re.search(r"\.(csv|parquet|json|ipynb)$|^(/|\./|\.\./)", s)], "no file paths"
        assert "open(" not in cell.source


def test_grid_covers_every_report_notebook():
    runs, _ = load_grid(paths.reports_dir() / "grid.toml", paths.notebooks_dir())
    assert {r.notebook for r in runs} == {p.stem for p in NOTEBOOKS} - {"getting_started"}
    assert len(runs) >= 11
    assert {r.params["brand"] for r in runs if r.notebook == "brand_deep_dive"} == {
        "AITO",
        "LUXEED",
        "STELATO",
        "MAEXTRO",
        "SHANGJIE",
    }


# -- build ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / "html"
    results = build(SMALL, out_dir=out, jobs=2)
    return out, {r.name: r for r in results}


def test_every_notebook_executes(built):
    _, results = built
    assert {r.notebook for r in SMALL} == {p.stem for p in NOTEBOOKS}
    failed = {n: (r.error, r.cell) for n, r in results.items() if r.status != "ok"}
    assert not failed


def test_reports_are_self_contained_with_sources_and_provenance(built):
    out, _ = built
    for run in SMALL:
        page = (out / f"{run.name}.html").read_text(encoding="utf-8")
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', page), run.name
        assert "hima-provenance" in page and "git commit" in page
        charts = len(re.findall(r"<script>vegaEmbed", page))
        assert page.count('class="hima-sources"') >= charts, f"{run.name}: a chart without its sources line"
        assert "Traceback" not in page, run.name


def test_no_report_writes_a_warning_or_anything_else_to_stderr(built):
    import nbformat

    out, _ = built
    for run in SMALL:
        nb = nbformat.read(out / "notebooks" / f"{run.name}.ipynb", as_version=4)
        errs = [
            "".join(o.get("text", ""))[:200]
            for cell in nb.cells
            for o in cell.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        ]
        assert errs == [], f"{run.name}: {errs}"


def test_every_cited_figure_matches_the_pages_own_download(built):
    # Each number in a sentence is recomputed from the CSV offered on the same page.
    out, _ = built
    checked = 0
    for run in SMALL:
        page = (out / f"{run.name}.html").read_text(encoding="utf-8")
        for download, printed, expected in cited_figures(page):
            assert printed == expected, f"{run.name}: a sentence says {printed!r}; {download}.csv gives {expected!r}"
            checked += 1
    assert checked >= 20  # the key points cite figures on every report page


def test_visible_text_has_no_raw_ids_code_names_or_iso_dates(built):
    import hima_analytics as ha

    ids = [str(e) for e in ha.load("entities")["entity"].to_list()] + [
        str(c) for c in ha.load("companies")["company"].to_list()
    ]
    out, _ = built
    for run in SMALL:
        if run.notebook == "getting_started":  # shows frames as an analyst sees them in JupyterLab
            continue
        page = (out / f"{run.name}.html").read_text(encoding="utf-8")
        assert not text_problems(page, ids), f"{run.name}: {text_problems(page, ids)[:8]}"


def test_no_chart_bridges_a_gap_or_hides_a_bound(built):
    out, _ = built
    for run in SMALL:
        page = (out / f"{run.name}.html").read_text(encoding="utf-8")
        assert not chart_problems(page), f"{run.name}: {chart_problems(page)}"


def test_second_build_skips_everything_and_rewrites_nothing(built):
    out, _ = built
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "logs" not in p.parts}
    results = build(SMALL, out_dir=out, jobs=2)
    assert {r.status for r in results} == {"skipped"}
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_forced_rebuild_gives_identical_bytes(built):
    out, _ = built
    files = sorted(p for p in out.rglob("*") if p.suffix in (".html", ".ipynb") and p.name != "index.html")
    before = {p: p.read_bytes() for p in files}
    results = build(SMALL, out_dir=out, jobs=2, force=True)
    assert {r.status for r in results} == {"ok"}
    changed = [p.name for p in files if p.read_bytes() != before[p]]
    assert not changed


#: Measures the laid-out page: every table must fit its column and every chart area must hold a
#: drawn chart of a real size (an empty or collapsed chart area is a broken figure).
LAYOUT = """<script>window.addEventListener("load", function () { setTimeout(function () {
  var bad = [], width = document.documentElement.clientWidth;
  document.querySelectorAll("table").forEach(function (t, i) {
    var r = t.getBoundingClientRect(), box = t.parentElement.getBoundingClientRect();
    var over = Math.round(r.right - Math.min(width, box.right));
    if (over > 2) bad.push("table " + i + " overflows by " + over + "px");
  });
  document.querySelectorAll("div[id^=vis-]").forEach(function (d) {
    var r = d.getBoundingClientRect();
    var drawn = d.querySelector("svg, canvas") && r.height >= 60 && r.width >= 200;
    if (!drawn) bad.push("chart " + d.id + " is empty or collapsed");
  });
  if (document.documentElement.scrollWidth > width + 2) bad.push("the page scrolls sideways");
  window.__layout = JSON.stringify(bad);
}, 1200); });</script>"""


def test_every_report_opens_offline_with_every_chart_drawn(built, chromium, tmp_path):  # noqa: F811
    out, _ = built
    for run in SMALL:
        page = (out / f"{run.name}.html").read_text(encoding="utf-8")
        ids = re.findall(r'<div id="(vis-[0-9a-f]{12}(?:-\d+)?)"></div><script>vegaEmbed', page)
        head, _, tail = page.rpartition("</body>")  # the page's own: the Vega bundle has one in a string
        page = head + LAYOUT + "</body>" + tail
        dom, probe, stderr = open_in_browser(chromium, page, tmp_path, watch=("__layout",))
        assert probe["watched"]["__layout"] == "[]", f"{run.name}: {probe['watched']['__layout']}"
        assert probe.get("done") == 1, f"{run.name}: the page did not finish loading"
        assert not probe["errors"], f"{run.name}: {probe['errors']}"
        external = [u for u in probe["urls"] if not u.startswith(("file:", "data:", "blob:", "about:"))]
        assert not external, f"{run.name}: requests left the file: {external}"
        for vis in ids:
            start = dom.find(f'id="{vis}"')
            fragment = dom[start : dom.find("</script>", start)]
            assert 'class="marks"' in fragment and "mark-" in fragment, f"{run.name}: chart {vis} drew no marks"


def test_a_report_prints_to_pdf_with_its_charts_drawn_and_numbered_pages(built, chromium):  # noqa: F811
    from pypdf import PdfReader

    from hima_analytics.reporting.pdf import print_reports

    out, _ = built
    (printed,) = print_reports(out, ["alliance_overview"], chromium=chromium, force=True)
    assert printed.path == out.parent / "pdf" / "alliance_overview.pdf" and printed.pages >= 2
    text = [p.extract_text() for p in PdfReader(printed.path).pages]
    assert len(text) == printed.pages
    for number, content in enumerate(text, start=1):
        assert re.search(rf"(?<!\d){number} / {printed.pages}(?!\d)", content), f"page {number} is not numbered"
    whole = "\n".join(text)
    # Chart titles are drawn by vega in the page: in the PDF only if the charts rendered before printing.
    for title in ("HIMA deliveries per month", "Deliveries by brand", "AITO's share of HIMA deliveries"):
        assert title in whole, f"chart {title!r} missing from the PDF"
    assert "HIMA alliance overview" in text[0] and "Provenance" in text[-1]
    assert b"data:text/csv" not in printed.path.read_bytes(), "download links belong to the screen, not the PDF"
