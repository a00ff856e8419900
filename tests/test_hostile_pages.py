"""Pages built from hostile data: every free-text field carries a payload, and none of it runs.

A copy of the shipped data has a script payload (or a spreadsheet formula) at the start of every
free-text cell that can reach a page: entity and company names, tickers, source titles,
publishers and notes, event and fact descriptions, notes of volume rows. Ids are untouched and
the copy still validates. Two real reports and the index are built from it and opened in headless
Chromium, which records whether any payload ran; their CSV downloads and Excel workbooks are read
back cell by cell. A ``javascript:`` address in a sources shard is refused by validation.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from test_browser import chromium, open_in_browser  # noqa: F401 - chromium is a fixture

from hima_analytics import catalog, validation
from hima_analytics.display.figures import neutralise_formulas
from hima_analytics.paths import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "data"
#: Markup that runs script if a page ever writes it unescaped (each sets window.__pwned).
HTML_PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "[x](javascript:window.__pwned=1)",
)
#: Cells a spreadsheet would read as a formula.
FORMULA_PAYLOADS = ('=HYPERLINK("http://evil")', "+1", "@SUM(A1)", "-2+3")
PAYLOADS = HTML_PAYLOADS + FORMULA_PAYLOADS
#: The rule of ``display.figures.neutralise_formulas``: a text cell starting with one of these
#: gets a leading apostrophe (checked against the function below).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Free-text columns, by table (ids, dates, numbers and closed vocabularies are left as they are).
TEXT_COLUMNS = {
    "entities": ("name", "name_zh", "segment", "note"),
    "companies": ("name", "name_zh", "issuer", "tickers", "note"),
    "sources": ("title", "publisher", "note"),
    "events": ("description", "note"),
    "facts": ("description", "note"),
    "volumes": ("note",),
    "financials": ("note",),
    "market": ("note",),
}
#: A brand page (entity names, events, facts, sources) and the partner page (company names,
#: tickers, financials).
REPORTS = ("brand_deep_dive-aito", "partner_financials")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


def make_hostile(src: Path, dst: Path) -> dict[tuple[str, str], int]:
    """Copy the data folder ``src`` to ``dst`` with a payload before every free-text value (the
    distinct values of each column, in order, take the payloads in turn; the original text
    follows, so distinct values stay distinct). Returns how many cells changed per column."""
    shutil.copytree(src, dst)
    changed: dict[tuple[str, str], int] = {}
    for table, columns in TEXT_COLUMNS.items():
        shards = {}
        for shard in sorted((dst / table).glob("*.csv")):
            with open(shard, encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                shards[shard] = (reader.fieldnames, list(reader))
        for column in columns:
            values = sorted({row[column] for _, rows in shards.values() for row in rows if row.get(column)})
            hostile = {v: f"{PAYLOADS[i % len(PAYLOADS)]} {v}" for i, v in enumerate(values)}
            for _, rows in shards.values():
                for row in rows:
                    if row.get(column):
                        row[column] = hostile[row[column]]
                        changed[table, column] = changed.get((table, column), 0) + 1
        for shard, (fields, rows) in shards.items():
            with open(shard, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    return changed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[tuple[str, str], int]]:
    data = tmp_path_factory.mktemp("hostile") / "data"
    return data, make_hostile(SHIPPED, data)


@pytest.fixture(scope="module")
def built(hostile) -> Path:
    data, _ = hostile
    out = data.parent / "html"
    env = {**os.environ, "HIMA_DATA_DIR": str(data), "HIMA_DATA_OVERLAY": ""}
    only = [arg for name in REPORTS for arg in ("--only", name)]
    done = subprocess.run(
        [sys.executable, "-m", "hima_analytics.cli", "reports", "build", *only, "--jobs", "2", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"the build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return out


class _Dom(HTMLParser):
    """The visible text of a page (outside script and style), every element's attributes, and
    the text of every script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag in ("script", "style"):
            self._in.append(tag)
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if not self._in:
            self.text.append(data)
        elif self._in[-1] == "script":
            self.scripts[-1] += data


def parse_dom(dom: str) -> _Dom:
    parser = _Dom()
    parser.feed(dom)
    parser.close()
    return parser


def dom_problems(dom: str) -> list[str]:
    """What in a rendered DOM shows that hostile text became markup."""
    found = parse_dom(dom)
    problems = []
    for tag, name, value in found.attributes:
        if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
            problems.append(f"<{tag} {name}={value!r}>")
        if name.startswith("on") and "__pwned" in value:
            problems.append(f"<{tag} {name}={value!r}>")
    problems += [f"<script>{s}</script>" for s in found.scripts if s.strip() == "window.__pwned=1"]
    return problems


def test_the_probe_sees_a_payload_that_runs(chromium: str, tmp_path: Path) -> None:  # noqa: F811
    """The checks are not blind: the same payloads, written raw, are caught."""
    page = (
        "<!DOCTYPE html><html><head></head><body>"
        + "".join(HTML_PAYLOADS[:3])
        + '<a href="javascript:window.__pwned=2">x</a></body></html>'
    )
    dom, probe, _ = open_in_browser(chromium, page, tmp_path, watch=("__pwned",))
    assert probe["watched"] == {"__pwned": "1"}
    problems = dom_problems(dom)
    assert any("onerror" in p for p in problems) and any("href='javascript:" in p for p in problems), problems
    assert any(p.startswith("<script>") for p in problems), problems
    clean, probe, _ = open_in_browser(
        chromium, "<html><head></head><body>plain</body></html>", tmp_path, watch=("__pwned",)
    )
    assert probe["watched"] == {"__pwned": None} and dom_problems(clean) == []


def test_the_hostile_copy_is_valid_and_every_text_column_carries_payloads(hostile) -> None:
    data, changed = hostile
    assert catalog.validate(data_dir=data) == []
    assert {column for column, n in changed.items() if n > 0} == {(t, c) for t, cs in TEXT_COLUMNS.items() for c in cs}


def test_a_javascript_url_in_a_sources_shard_is_a_located_problem(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "sources").mkdir(parents=True)
    header = "source_id,url,seed_file,title,publisher,published,retrieved,language,tier,note"
    rows = [
        "t-ok,https://example.org/fine,,Fine,Test,2025-07-01,2025-07-02,en,,",
        "t-js,javascript:window.__pwned=1,,Script,Test,2025-07-01,2025-07-02,en,,",
        "t-js-case,JaVaScRiPt:alert(1),,Script,Test,2025-07-01,2025-07-02,en,,",
        't-data,"data:text/html;base64,PHNjcmlwdD4=",,Data,Test,2025-07-01,2025-07-02,en,,',
        "t-file,file:///etc/passwd,,File,Test,2025-07-01,2025-07-02,en,,",
    ]
    (overlay / "sources" / "hostile.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    problems = [p for p in catalog.validate(data_dir=SHIPPED, overlay=overlay) if p.file.endswith("hostile.csv")]
    assert [(p.line, p.column, p.got) for p in problems] == [
        (3, "url", "'javascript:window.__pwned=1'"),
        (4, "url", "'JaVaScRiPt:alert(1)'"),
        (5, "url", "'data:text/html;base64,PHNjcmlwdD4='"),
        (6, "url", "'file:///etc/passwd'"),
    ]
    assert {p.expected for p in problems} == {"a web address starting with http:// or https://"}
    assert all(p.hint for p in problems)
    assert validation.WEB_URL.match("https://example.org/fine")


@pytest.mark.parametrize("page", [*REPORTS, "index"])
def test_no_payload_runs_and_each_shows_as_text(built: Path, chromium: str, tmp_path: Path, page: str) -> None:  # noqa: F811
    html = (built / f"{page}.html").read_text(encoding="utf-8")
    dom, probe, _ = open_in_browser(chromium, html, tmp_path, watch=("__pwned",))
    assert probe.get("done") == 1, "the page did not finish loading"
    assert probe["watched"] == {"__pwned": None}, "a payload ran"
    assert probe["errors"] == [], "a payload became an element (a failed image load, a script error)"
    assert dom_problems(dom) == []
    text = "".join(parse_dom(dom).text)
    shown = [p for p in HTML_PAYLOADS if p in text]
    if page == "brand_deep_dive-aito":  # names, events, facts and sources: every kind of payload
        assert shown == list(HTML_PAYLOADS), f"payloads not visible as text: {set(HTML_PAYLOADS) - set(shown)}"
    else:  # the index has titles and descriptions only; the partner page a few names and notes
        assert shown, "no payload reached the page as text, so it checked nothing"


def test_the_formula_rule_is_the_one_the_downloads_use() -> None:
    cells = [c + "x" for c in FORMULA_START] + ["x=1", "'=1"]
    out = neutralise_formulas(pl.DataFrame({"t": cells}))["t"].to_list()
    assert out == ["'" + c for c in cells[: len(FORMULA_START)]] + ["x=1", "'=1"]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _csv_downloads(page: str) -> dict[str, list[list[str]]]:
    found = re.findall(r'data-download="([^"]+)" href="data:text/csv;base64,([A-Za-z0-9+/=]*)"', page)
    return {name: list(csv.reader(io.StringIO(base64.b64decode(b64).decode("utf-8")))) for name, b64 in found}


def test_downloads_and_workbooks_hold_no_formula(built: Path) -> None:
    from openpyxl import load_workbook

    neutralised: dict[str, set[str]] = {"csv": set(), "xlsx": set()}
    for report in REPORTS:
        downloads = _csv_downloads((built / f"{report}.html").read_text(encoding="utf-8"))
        assert len(downloads) >= 3, f"{report}: expected the page's CSV downloads"
        for name, (header, *rows) in downloads.items():
            for i, column in enumerate(header):
                cells = [r[i] for r in rows if r[i] != ""]
                if all(_is_number(c) for c in cells):
                    continue  # a numeric column: numbers stay numbers
                bad = [c for c in cells if c.startswith(FORMULA_START)]
                assert not bad, f"{report} {name}.csv, column {column}: formula cells {bad[:3]}"
                neutralised["csv"] |= {p for p in FORMULA_PAYLOADS for c in cells if c.startswith(f"'{p} ")}
        book = load_workbook(built / f"{report}.xlsx")
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    where = f"{report}.xlsx {sheet.title}!{cell.coordinate}"
                    assert cell.data_type != "f", f"{where}: a formula {cell.value!r}"
                    if cell.data_type == "s" and isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_START), f"{where}: {cell.value!r}"
                        neutralised["xlsx"] |= {p for p in FORMULA_PAYLOADS if cell.value.startswith(f"'{p} ")}
    # The payloads did reach the files (else the checks above checked nothing).
    assert neutralised == {"csv": set(FORMULA_PAYLOADS), "xlsx": set(FORMULA_PAYLOADS)}
