"""``hima reports``: list the grid, build it, print it to PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import reports
from .common import emit, output_options, report_problems


def load_grid_or_exit(grid_path, notebooks_dir=None):
    from pathlib import Path

    from .. import paths
    from ..reporting.grid import GridError, load_grid

    path = Path(grid_path) if grid_path else paths.reports_dir() / "grid.toml"
    try:
        return load_grid(path, Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir())
    except GridError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@reports.command("list")
@click.option(
    "--grid", "grid_path", type=click.Path(dir_okay=False), default=None, help="Grid file (default reports/grid.toml)."
)
@output_options
def reports_list(grid_path, as_csv, as_json) -> None:
    """The declared runs: name, notebook, title and parameters."""
    import polars as pl

    runs, _ = load_grid_or_exit(grid_path)
    frame = pl.DataFrame(
        [(r.name, r.notebook, r.title, r.params_text) for r in runs],
        schema=["name", "notebook", "title", "parameters"],
        orient="row",
    )
    emit(frame, as_csv, as_json, title=f"{len(runs)} reports", wrap=("parameters",))


@reports.command("build")
@click.option("--only", multiple=True, help="Build only this report name (repeatable; prefix match on notebook).")
@click.option("-p", "--param", "overrides", multiple=True, help="Ad-hoc parameter key=value (with --only).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel reports (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
@click.option("--timeout", type=float, default=None, help="Per-report time limit in seconds (default from the grid).")
@click.option("--static", is_flag=True, help="Static SVG charts (smaller, no JavaScript).")
@click.option("--show-code", is_flag=True, help="Include the code, folded under each output.")
@click.option(
    "--grid", "grid_path", type=click.Path(dir_okay=False), default=None, help="Grid file (default reports/grid.toml)."
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Output folder (default reports/html)."
)
@click.option(
    "--notebooks",
    "notebooks_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Notebook folder (default notebooks/).",
)
@click.option(
    "--warm-kernels/--cold-kernels",
    default=True,
    show_default=True,
    help="Fork each report's kernel from one that has imported the report stack, or start each afresh.",
)
@click.option("--pdf", is_flag=True, help="Then print each built or unchanged report to PDF (reports/pdf/).")
def reports_build(
    only, overrides, jobs, force, timeout, static, show_code, grid_path, out_dir, notebooks_dir, warm_kernels, pdf
) -> None:
    """Build the report grid into reports/html/ (skipping unchanged reports) plus index.html."""
    import os
    import time

    from .. import paths
    from ..reporting import stamp

    started = time.monotonic()
    out = Path(out_dir) if out_dir else paths.reports_dir() / "html"
    grid_file = Path(grid_path) if grid_path else paths.reports_dir() / "grid.toml"
    nb_dir = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    options = {
        "only": sorted(only),
        "params": list(overrides),
        "static": static,
        "show_code": show_code,
        "out": str(out.resolve()),
        "grid": str(grid_file.resolve()),
        "notebooks": str(nb_dir.resolve()),
    }
    before = stamp.current(out, notebooks=nb_dir, grid=grid_file, options=options)
    if pdf:  # a missing browser is said now, not after the build
        from ..errors import ChromiumMissingError
        from ..reporting.pdf import find_chromium

        try:
            find_chromium()
        except ChromiumMissingError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    unchanged = None if force else stamp.matches(out, before)
    if unchanged is not None:  # nothing a report's key depends on moved since the last build
        names, lines = unchanged
        click.echo(f"building {len(names)} report(s) with {jobs or os.cpu_count()} job(s)...")
        for line in lines:
            click.echo(line)
        click.echo(summary_line(0, len(names), 0, time.monotonic() - started, out))
        if pdf and names:
            print_pdfs_or_exit(out, names)
        return

    from ..reporting.grid import DEFAULT_TIMEOUT
    from ..reporting.runner import build

    runs, settings = select_runs(grid_path, notebooks_dir, only, overrides)
    limit = timeout if timeout is not None else float(settings.get("timeout_seconds", DEFAULT_TIMEOUT))
    click.echo(f"building {len(runs)} report(s) with {jobs or os.cpu_count()} job(s)...")
    from ..errors import KernelMissingError
    from ..problems import DataValidationError
    from ..reporting.runner import BuildLocked, BuildStopped

    changed: list = []
    try:
        results = build(
            runs,
            out_dir=out,
            jobs=jobs,
            force=force,
            timeout=limit,
            mode="static" if static else "interactive",
            show_code=show_code,
            notebooks=Path(notebooks_dir) if notebooks_dir else None,
            on_result=lambda r: click.echo(r.line()),
            warm_kernels=warm_kernels,
            on_warning=lambda msg: click.echo(f"warning: {msg}", err=True),
            on_data_change=lambda change: changed.append(change),
        )
    except DataValidationError as exc:
        report_problems(exc.problems, show_all=False)
        click.echo("no report was built: fix the data first (`hima data validate` lists every problem).", err=True)
        sys.exit(1)
    except (KernelMissingError, BuildLocked, FileNotFoundError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BuildStopped as exc:
        click.echo(f"stopped: {exc} The pages already written are complete; run the build again to finish.", err=True)
        sys.exit(130)
    for change in changed:
        click.echo(change.line())
    failed = report_results(results, out, time.monotonic() - started)
    if not failed:
        remember_unchanged(out, before, runs, nb_dir, grid_file, options)
    if pdf:
        printable = [r.name for r in results if r.status in ("ok", "skipped")]
        if printable:
            print_pdfs_or_exit(out, printable)
    if failed:
        click.echo(f"{len(failed)} of {len(results)} report(s) failed: {', '.join(r.name for r in failed)}", err=True)
        sys.exit(1)


def remember_unchanged(out: Path, before: dict, runs, notebooks: Path, grid: Path, options: dict) -> bool:
    """After a build without failures, keep the stamp of what it read and wrote and the lines a
    no-change build prints, unless an input moved while it ran (then the next build decides by
    content). Returns whether the stamp was written."""
    from ..reporting import stamp
    from ..reporting.data_changes import DataChange
    from ..reporting.runner import Result

    after = stamp.current(out, notebooks=notebooks, grid=grid, options=options)
    if after["inputs"] != before["inputs"] or after["env"] != before["env"] or after["roots"] != before["roots"]:
        return False
    lines = [Result(r.name, r.title, r.params, "skipped").line() for r in runs]
    lines.append(DataChange("no change", {}, []).line())
    return stamp.write(out, after, [r.name for r in runs], lines)


def select_runs(grid_path, notebooks_dir, only, overrides):
    """The grid's runs narrowed to ``--only`` and with ``-p`` overrides applied (exit 2 on a
    name or parameter that does not exist), and the grid's settings."""
    from .. import paths
    from ..reporting.grid import GridError, apply_overrides

    runs, settings = load_grid_or_exit(grid_path, notebooks_dir)
    if only:
        chosen = [r for r in runs if r.name in only or r.notebook in only]
        missing = [o for o in only if not any(r.name == o or r.notebook == o for r in runs)]
        if missing:
            click.echo(f"error: no report named {missing}; see `hima reports list`.", err=True)
            sys.exit(2)
        runs = chosen
    if overrides and not only:
        click.echo("error: -p applies to ad-hoc runs; name them with --only.", err=True)
        sys.exit(2)
    try:
        runs = apply_overrides(runs, list(overrides), Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir())
    except GridError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    return runs, settings


def summary_line(built: int, unchanged: int, failed: int, seconds: float, out: Path) -> str:
    """The build's last line: what it did, how long it took, and where the pages and logs are."""
    from ..paths import build_state_dir

    return (
        f"{built} built, {unchanged} unchanged, {failed} failed in {seconds:.1f}s; "
        f"index: {out / 'index.html'}; log and timings: {build_state_dir(out)}"
    )


def report_results(results, out: Path, seconds: float) -> list:
    """The build's summary line and one line per failed report; returns the failed results."""
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    click.echo(summary_line(done, skipped, len(failed), seconds, out))
    for r in failed:
        click.echo(
            f"FAILED {r.name}: {r.error}" + (f" in cell {r.cell}" if r.cell is not None else "") + f" (log: {r.log})",
            err=True,
        )
    return failed


def print_pdfs_or_exit(out: Path, names: list[str] | None, *, force: bool = False, timeout: float | None = None):
    """Print report pages of ``out`` to PDF, one line each; exit 2 without Chromium or on an
    unknown name, 1 when a page fails to print or there is nothing to print."""
    from ..errors import ChromiumMissingError, PrintError, UnknownNameError
    from ..reporting.pdf import DEFAULT_TIMEOUT, print_reports

    try:
        printed = print_reports(
            out, names, force=force, timeout=timeout or DEFAULT_TIMEOUT, on_done=lambda p: click.echo(p.line())
        )
    except (ChromiumMissingError, UnknownNameError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except PrintError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not printed:
        click.echo(f"error: no report page in {out} to print. Hint: build them first (`hima reports build`).", err=True)
        sys.exit(1)
    return printed


@reports.command("pdf")
@click.option("--only", multiple=True, help="Print only this report (repeatable; a notebook name means all its runs).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Pages folder (default reports/html); the PDFs go to a pdf/ folder beside it.",
)
@click.option("--force", is_flag=True, help="Print again even when a PDF is newer than its page.")
@click.option("--timeout", type=float, default=None, help="Per-report time limit in seconds (default 120).")
def reports_pdf(only, out_dir, force, timeout) -> None:
    """Print the built report pages to PDF (reports/pdf/) with headless Chromium."""
    from .. import paths

    out = Path(out_dir) if out_dir else paths.reports_dir() / "html"
    print_pdfs_or_exit(out, list(only) or None, force=force, timeout=timeout)
