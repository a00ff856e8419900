"""PDF prints of the reports (hima_analytics.reporting.pdf).

The first tests use a stand-in for Chromium (a small script) to check the file handling: the
missing-browser error, atomic writes, failures and timeouts, which pages are printed and when.
The rest print real pages with headless Chromium; they are skipped when it is missing, unless
``CI`` is set (see ``test_browser.chromium``). The printed report of the report grid is checked in
``test_reports.py``, on the pages its build fixture has already made.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_browser import chromium  # noqa: F401 - a fixture

from hima_analytics.errors import ChromiumMissingError, PrintError, UnknownNameError
from hima_analytics.reporting.html import TEMPLATES
from hima_analytics.reporting.pdf import count_pages, find_chromium, print_pdf, print_reports

CSS = (TEMPLATES / "hima" / "static" / "hima.css").read_text(encoding="utf-8")
FAKE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 1 /Kids [2 0 R] >> endobj\n2 0 obj << /Type /Page >> endobj\n%%EOF\n"
)


def fake_chromium(folder: Path, body: str) -> str:
    """An executable standing in for Chromium: ``body`` is Python, with ``out`` the
    ``--print-to-pdf`` target."""
    script = folder / "fake-chromium"
    script.write_text(
        f"#!{sys.executable}\nimport os, subprocess, sys, time\n"
        "out = next(a.split('=', 1)[1] for a in sys.argv if a.startswith('--print-to-pdf='))\n" + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


WRITES_PDF = f"open(out, 'wb').write({FAKE_PDF!r})\n"


# -- finding Chromium ----------------------------------------------------------------------------


def test_a_missing_chromium_says_what_was_looked_for_and_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    with pytest.raises(ChromiumMissingError) as caught:
        find_chromium()
    message = str(caught.value)
    assert "chromium, chromium-browser, google-chrome" in message
    assert str(tmp_path) in message and "apt-get install chromium" in message
    assert isinstance(caught.value, RuntimeError)


def test_chromium_is_found_on_path_or_by_chromium_env(tmp_path, monkeypatch):
    fake = Path(fake_chromium(tmp_path, ""))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    fake.rename(tmp_path / "chromium-browser")
    assert find_chromium() == str(tmp_path / "chromium-browser")
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "chromium-browser"))
    monkeypatch.setenv("PATH", "")
    assert find_chromium() == str(tmp_path / "chromium-browser")
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nothing-here"))
    with pytest.raises(ChromiumMissingError, match="nothing-here"):
        find_chromium()


# -- writing the file (a stand-in browser) -------------------------------------------------------


def page(folder: Path, name: str = "report") -> Path:
    path = folder / f"{name}.html"
    path.write_text("<!DOCTYPE html><html><body><p>hello</p></body></html>", encoding="utf-8")
    return path


def test_a_failed_print_leaves_the_old_pdf_and_no_temporary_file(tmp_path):
    out = tmp_path / "pdf" / "report.pdf"
    out.parent.mkdir()
    out.write_bytes(b"old")
    broken = fake_chromium(
        tmp_path, "open(out, 'wb').write(b'%PDF-half')\nprint('renderer crashed', file=sys.stderr)\nsys.exit(3)\n"
    )
    with pytest.raises(PrintError) as caught:
        print_pdf(page(tmp_path), out, chromium=broken)
    assert "exit code 3" in str(caught.value) and "renderer crashed" in str(caught.value)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.pdf"]


def test_a_print_that_hangs_is_killed_with_its_children(tmp_path):
    pidfile = tmp_path / "child.pid"
    hangs = fake_chromium(
        tmp_path,
        "child = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\ntime.sleep(60)\n",
    )
    started = time.monotonic()
    with pytest.raises(PrintError, match="within 2s"):
        print_pdf(page(tmp_path), tmp_path / "report.pdf", timeout=2, chromium=hangs)
    assert time.monotonic() - started < 20
    child = int(pidfile.read_text())
    for _ in range(50):  # the child is gone (reaped by init) once its group was killed
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the browser's child process {child} outlived the timeout")
    assert not (tmp_path / "report.pdf").exists()


def test_print_reports_prints_each_page_once_and_again_when_it_changes(tmp_path):
    html = tmp_path / "html"
    html.mkdir()
    for name in ("alpha", "beta", "index"):
        page(html, name)
    fake = fake_chromium(tmp_path, WRITES_PDF)
    first = print_reports(html, chromium=fake)
    assert [(p.name, p.path, p.pages, p.skipped) for p in first] == [
        ("alpha", tmp_path / "pdf" / "alpha.pdf", 1, False),
        ("beta", tmp_path / "pdf" / "beta.pdf", 1, False),
    ]
    assert first[0].line(tmp_path).startswith("pdf: pdf/alpha.pdf (1 page, ")
    again = print_reports(html, ["beta"], chromium=fake)
    assert [(p.name, p.skipped) for p in again] == [("beta", True)]
    assert again[0].line(tmp_path) == "pdf: pdf/beta.pdf (1 page, up to date)"
    later = time.time() + 5
    os.utime(html / "beta.html", (later, later))
    assert [p.skipped for p in print_reports(html, ["beta"], chromium=fake)] == [False]
    assert [p.skipped for p in print_reports(html, ["beta"], chromium=fake, force=True)] == [False]


def test_a_notebook_name_prints_all_its_runs(tmp_path):
    html = tmp_path / "out"
    html.mkdir()
    for name in ("brand_deep_dive-aito", "brand_deep_dive-luxeed", "outlook"):
        page(html, name)
    printed = print_reports(html, ["brand_deep_dive"], chromium=fake_chromium(tmp_path, WRITES_PDF))
    assert [p.name for p in printed] == ["brand_deep_dive-aito", "brand_deep_dive-luxeed"]
    assert printed[0].path == tmp_path / "out-pdf" / "brand_deep_dive-aito.pdf"  # beside a folder not named html


def test_an_unknown_report_is_refused_before_anything_is_printed(tmp_path):
    (tmp_path / "html").mkdir()
    page(tmp_path / "html", "alliance_overview")
    with pytest.raises(UnknownNameError) as caught:
        print_reports(tmp_path / "html", ["alliance_overveiw"], chromium="/nonexistent")
    assert "Did you mean 'alliance_overview'?" in str(caught.value)
    assert "hima reports build --only <name>" in str(caught.value) and str(tmp_path / "html") in str(caught.value)
    assert not (tmp_path / "pdf").exists()


# -- real prints ---------------------------------------------------------------------------------


def text_by_page(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(path).pages]


def test_a_page_with_a_table_and_an_svg_prints_with_page_numbers(chromium, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where the browser profile goes
    (tmp_path / "tmp").mkdir()
    rows = "".join(f"<tr><td>row {i}</td><td>{i * 1000:,}</td></tr>" for i in range(1, 6))
    html = tmp_path / "fixture.html"
    html.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body><main>"
        "<h1>Fixture report</h1><table><thead><tr><th>Name</th><th>Value</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120">'
        '<rect width="300" height="120" fill="#c7000b"/>'
        '<text x="10" y="60" font-size="20">inline svg label</text></svg></main></body></html>',
        encoding="utf-8",
    )
    out = tmp_path / "out" / "fixture.pdf"
    pages = print_pdf(html, out, chromium=chromium)
    assert pages >= 1 and count_pages(out) == pages
    text = text_by_page(out)
    assert len(text) == pages
    assert "Fixture report" in text[0] and "row 5" in text[0] and "5,000" in text[0]
    assert "inline svg label" in text[0]
    assert re.search(rf"(?<!\d)1 / {pages}(?!\d)", text[0]), f"no page number on page 1: {text[0]!r}"
    assert sorted(p.name for p in out.parent.iterdir()) == ["fixture.pdf"]
    assert list((tmp_path / "tmp").iterdir()) == [], "the private browser profile was left behind"


def tall_page(css: str) -> str:
    """Three tables and three charts, each about 60% of an A4 page high: six blocks that fit
    on four pages when cut and need six when none is."""
    blocks = []
    for n in range(1, 4):
        rows = "".join(f"<tr><td>t{n} r{i:02d}</td><td>{i}</td></tr>" for i in range(1, 17))
        blocks.append(f"<table><thead><tr><th>Table {n}</th><th>v</th></tr></thead><tbody>{rows}</tbody></table>")
        blocks.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="500" height="560" viewBox="0 0 500 560">'
            f'<text x="10" y="20">chart {n} top</text><text x="10" y="550">chart {n} bottom</text></svg>'
        )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}\n"
        "td, th { height: 34px; padding: 0; } svg { display: block; }</style></head><body><main>"
        + "".join(blocks)
        + "</main></body></html>"
    )


def test_tables_and_charts_are_never_cut_across_pages(chromium, tmp_path):  # noqa: F811
    def pages_of(css: str, name: str) -> list[str]:
        html = tmp_path / f"{name}.html"
        html.write_text(tall_page(css), encoding="utf-8")
        print_pdf(html, tmp_path / f"{name}.pdf", chromium=chromium)
        return text_by_page(tmp_path / f"{name}.pdf")

    def cut(text: list[str]) -> list[str]:
        """The blocks ("t2", "chart 3") whose marks are on more than one page."""
        pages: dict[str, set[int]] = {}
        for number, content in enumerate(text):
            for block in re.findall(r"(t\d) r\d\d|(chart \d) (?:top|bottom)", content):
                pages.setdefault("".join(block), set()).add(number)
        assert len(pages) == 6, f"expected marks of 6 blocks in the PDF, found {sorted(pages)}"
        return sorted(k for k, v in pages.items() if len(v) > 1)

    plain = pages_of("@page { size: A4; margin: 15mm }", "plain")
    assert cut(plain), "the fixture is meant to straddle page breaks without the print rules"
    styled = pages_of(CSS, "styled")
    assert cut(styled) == [], f"cut across pages: {cut(styled)}"
    assert len(styled) == 6
    for number, content in enumerate(styled, start=1):
        assert re.search(rf"(?<!\d){number} / 6(?!\d)", content), f"page {number} has no page number"
