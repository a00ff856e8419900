"""Print report pages to PDF with headless Chromium (Debian's ``chromium`` package).

The pages are printed as built: in an interactive page the vega bundle draws every chart as SVG
before Chromium prints (``--virtual-time-budget`` lets the page's scripts and timers finish
first, without waiting in real time), so the PDF holds vector charts either way. The layout for
paper is the ``@media print`` part of ``templates/hima/static/hima.css``: A4, charts, figures and
table rows never cut across pages, headings kept with what follows, download links and code
hidden, the collapsed source lists opened, and page numbers ("3 / 12") in the bottom margin drawn
by CSS margin boxes (Chromium >= 131), so Chromium's own header and footer (date, file URL) are
turned off.

Chromium runs with a private, temporary profile that is removed afterwards, no network (every
host unresolvable, a dead proxy), and in its own process group, killed whole on a timeout. Each
PDF is written to a temporary name beside its target and renamed into place once complete.

Typical use, after a build::

    for printed in print_reports(paths.reports_dir() / "html"):
        print(printed.line())
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import ChromiumMissingError, PrintError, UnknownNameError

__all__ = [
    "CANDIDATES",
    "Printed",
    "count_pages",
    "find_chromium",
    "print_pdf",
    "print_reports",
    "report_pages",
    "select_pages",
]

#: Executable names looked for on PATH, in order (Debian's package installs ``chromium``).
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "CHROMIUM"
DEFAULT_TIMEOUT = 120.0
#: Virtual milliseconds the page's scripts get before printing (vega draws in well under one).
VIRTUAL_TIME_MS = 15000
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    f"--virtual-time-budget={VIRTUAL_TIME_MS}",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-crash-reporter",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# Chromium's stderr lines that say nothing about the page (no D-Bus in a container, GPU probes).
_NOISE = re.compile(r"dbus|Fontconfig|gpu_|viz_main|sandbox|ALSA|xdg-|bytes written to file")


def find_chromium() -> str:
    """The Chromium to print with: ``$CHROMIUM`` if it names an executable, else the first of
    :data:`CANDIDATES` on ``PATH``. Raises :class:`~hima_analytics.errors.ChromiumMissingError`
    saying what was looked for, where, and how to install it."""
    env = os.environ.get(CHROMIUM_ENV)
    if env and Path(env).is_file() and os.access(env, os.X_OK):
        return env
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissingError(CANDIDATES, os.environ.get("PATH", ""), env)


def count_pages(pdf: Path) -> int:
    """The number of pages in a PDF Chromium wrote (its page objects are never compressed)."""
    return len(_PAGE.findall(Path(pdf).read_bytes()))


def _stderr_tail(text: str, lines: int = 12) -> str:
    useful = [line for line in text.splitlines() if line.strip() and not _NOISE.search(line)]
    return "\n".join(useful[-lines:]) or "(nothing useful on stderr)"


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def print_pdf(html: Path, pdf: Path, timeout: float = DEFAULT_TIMEOUT, *, chromium: str | None = None) -> int:
    """Print the page ``html`` to ``pdf`` with headless Chromium; returns the number of pages.

    ``pdf`` is replaced only by a complete PDF of at least one page; on any failure it is left as
    it was and :class:`~hima_analytics.errors.PrintError` says what happened, with Chromium's
    last useful lines of output. ``chromium`` defaults to :func:`find_chromium`.
    """
    html, pdf = Path(html).resolve(), Path(pdf)
    if not html.is_file():
        raise PrintError(f"cannot print {html}: expected an HTML page there, found none. Hint: build it first.")
    binary = chromium or find_chromium()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=pdf.parent, prefix=f".{pdf.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    profile = tempfile.mkdtemp(prefix="hima-chromium-")
    command = [binary, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", html.as_uri()]
    try:
        # Output goes to a file, not a pipe: a helper process that outlives the browser cannot
        # block the wait, and nothing is left open after a timeout.
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group, so a timeout kills every helper too
            )
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise PrintError(
                    f"chromium did not print {html.name} within {timeout:.0f}s; expected a PDF at {pdf}. Hint: "
                    "a page with very many charts may need a longer --timeout; check that it opens in a browser."
                ) from None
            except BaseException:
                _kill_group(proc)
                raise
            log.seek(0)
            stderr = log.read().decode("utf-8", "replace")
        data = tmp.read_bytes()
        pages = len(_PAGE.findall(data))
        if proc.returncode != 0 or not data.startswith(b"%PDF-") or pages < 1:
            raise PrintError(
                f"chromium ({binary}) did not print {html} to PDF: exit code {proc.returncode}, "
                f"{len(data)} bytes, {pages} page(s); expected a PDF of at least one page.\n"
                f"{_stderr_tail(stderr)}\nHint: run it by hand to see more: {' '.join(command[:1] + command[-2:])}"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, pdf)
        return pages
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


@dataclass
class Printed:
    """One report printed (or found up to date) by :func:`print_reports`."""

    name: str
    path: Path
    pages: int
    seconds: float
    skipped: bool = False

    def line(self, root: Path | None = None) -> str:
        """``pdf: reports/pdf/alliance_overview.pdf (12 pages)``, the path relative to ``root``
        (default: the project folder) when it lies inside it."""
        base = root or paths.PROJECT_ROOT
        shown = self.path.relative_to(base) if self.path.is_relative_to(base) else self.path
        what = "up to date" if self.skipped else f"{self.seconds:.1f}s"
        return f"pdf: {shown} ({self.pages} page{'s' if self.pages != 1 else ''}, {what})"


def report_pages(out_dir: Path) -> list[str]:
    """The names of the report pages in ``out_dir`` (every ``*.html`` but the index), sorted."""
    return sorted(p.stem for p in Path(out_dir).glob("*.html") if p.name != "index.html")


def select_pages(known: list[str], names: Iterable[str], out_dir: Path) -> list[str]:
    """The pages ``names`` ask for, in their order, each once: a report name (``outlook``) or a
    notebook name that stands for all its runs (``brand_deep_dive`` for ``brand_deep_dive-aito``, ...).

    >>> pages = ["brand_deep_dive-aito", "brand_deep_dive-luxeed", "outlook"]
    >>> select_pages(pages, ["outlook", "brand_deep_dive"], Path())
    ['outlook', 'brand_deep_dive-aito', 'brand_deep_dive-luxeed']
    """
    chosen: list[str] = []
    for name in names:
        found = [name] if name in known else [k for k in known if k.startswith(name + "-")]
        if not found:
            raise UnknownNameError(
                "report page",
                name,
                known,
                hint=f"the pages are in {out_dir}; a missing one is made by `hima reports build --only <name>`.",
            )
        chosen += [k for k in found if k not in chosen]
    return chosen


def print_reports(
    out_dir: Path | None = None,
    names: Iterable[str] | None = None,
    *,
    pdf_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    chromium: str | None = None,
    on_done: Callable[[Printed], None] | None = None,
) -> list[Printed]:
    """Print report pages of ``out_dir`` (default ``reports/html``) to ``<name>.pdf`` in
    ``pdf_dir`` (default :func:`~hima_analytics.paths.pdf_dir`, ``reports/pdf``).

    ``names``: the reports to print (default: every page in ``out_dir``), as for
    :func:`select_pages`; an unknown name raises :class:`~hima_analytics.errors.UnknownNameError`
    before anything is printed. A PDF newer than its page is kept unless ``force``. Chromium is
    looked for once, up front (:class:`~hima_analytics.errors.ChromiumMissingError`); a page that
    fails to print raises :class:`~hima_analytics.errors.PrintError`, the PDFs already printed
    staying complete. ``chromium`` defaults to :func:`find_chromium`; ``on_done`` is called after
    each report, in order.
    """
    out_dir = Path(out_dir) if out_dir is not None else paths.reports_dir() / "html"
    target = Path(pdf_dir) if pdf_dir is not None else paths.pdf_dir(out_dir)
    known = report_pages(out_dir)
    chosen = known if names is None else select_pages(known, names, out_dir)
    chromium = chromium or (find_chromium() if chosen else None)
    done: list[Printed] = []
    for name in chosen:
        page, pdf = out_dir / f"{name}.html", target / f"{name}.pdf"
        started = time.monotonic()
        if not force and pdf.exists() and pdf.stat().st_mtime_ns >= page.stat().st_mtime_ns:
            printed = Printed(name, pdf, count_pages(pdf), 0.0, skipped=True)
        else:
            pages = print_pdf(page, pdf, timeout, chromium=chromium)
            printed = Printed(name, pdf, pages, time.monotonic() - started)
        done.append(printed)
        if on_done:
            on_done(printed)
    return done
