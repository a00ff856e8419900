"""For each missed target: take the profile that shows where the time (or the staleness, or the
bytes) comes from, and state the diagnosis and a concrete fix. The numbers in the text come from
this run; the fixes are proposals for code outside ``benchmarks/``."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import profiles
from common import Finding, Row, fmt_bytes, fmt_s


def _missed(rows: list[Row], section: str) -> list[Row]:
    return [r for r in rows if r.section == section and r.met is False]


def _ordering_verdict(facts: dict) -> str:
    """Whether longest-first ordering showed a gain larger than the run-to-run spread."""
    gain = facts["build_seconds"] - facts["forced_seconds"]
    spread = facts["build_spread"]
    if abs(gain) <= spread:
        return (
            f"a difference of {gain:+.2f} s, within the {spread:.2f} s spread between repetitions: no measurable "
            "effect on this grid, whose reports are similar in length"
        )
    kind = "a gain" if gain > 0 else "a loss"
    return f"{kind} of {abs(gain):.2f} s, beyond the {spread:.2f} s spread between repetitions"


def cold_build(facts: dict, runs, work: Path) -> Finding:
    """The build against the floor (and the stretch speed-up): one report's worker profiled."""
    name = Counter(r.notebook for r in runs).most_common(1)[0][0]
    report = next(r.name for r in runs if r.notebook == name)
    b, text = profiles.report(report, work)
    cells = "\n".join(f"  {c['seconds']:6.3f}s  {c['source']}" for c in b["slowest_cells"])
    per = re.findall(r"^ok\s+\S+\s+([\d.]+)s", facts["build_stdout"], re.M)
    mean = sum(map(float, per)) / len(per) if per else float("nan")
    profile = (
        f"{report}, the runner's worker steps done in-process:\n"
        f"  execute_notebook {fmt_s(b['execute'])} = cells {fmt_s(b['in_cells'])} + kernel start/shutdown "
        f"and messaging {fmt_s(b['outside_cells'])}\n"
        f"  normalise {fmt_s(b['normalise'])}, HTML export {fmt_s(b['html_export'])} "
        f"({fmt_bytes(b['html_bytes'])})\n"
        f"slowest cells (papermill's durations, inside the kernel):\n{cells}\n\n{text}"
    )
    diagnosis = (
        f"The floor counts a fresh kernel's start plus the setup cell ({fmt_s(facts['floor_per_report'])} per "
        f"report); the runner spends {mean:.2f} s per report on average (its own per-report times, which include "
        "waiting for the CPU the other job is using). The runner's kernels are forked from a server that has "
        "already imported the report stack, so a report pays neither part of the floor in full; what it pays: "
        f"(1) its own cells, {fmt_s(b['in_cells'])} in total in the profile above (first `load()` calls, "
        f"transformations, charts, tables); (2) {fmt_s(b['outside_cells'])} outside the cells in "
        "`execute_notebook`: the launcher's interpreter, IPython's per-kernel initialisation after the fork, "
        f"the kernel handshake, parameter injection and shutdown; (3) the HTML export, {fmt_s(b['html_export'])}. "
        f"The build's process tree used {fmt_s(facts['cpu'])} of CPU, {facts['cpu_util']:.0%} of the "
        f"{facts['jobs']} cores over its wall time."
    )
    fix = (
        "Done, after the profile of the 2026-11-22 01:47 UTC run (cold build 17.35 s, 2.74x the floor and 3.44x "
        "faster than the loop; HTML export 1.34 s per report, of which about 0.5 s was BeautifulSoup parsing and "
        "re-serialising the page and 0.25 s compiling the Jinja templates in every worker): `reporting/html.py` "
        "exports with an `HTMLExporter` subclass that adds nbconvert's `tabindex`/`alt` attributes with two "
        "regular expressions instead of the BeautifulSoup pass (a test checks that both pages parse to the same "
        "document) and skips the schema validation after each preprocessor; `html.prepare()` builds the exporter, "
        "compiles its templates and reads the vega bundle in the runner's parent before it forks. After the "
        "following profile showed the build CPU-bound on kernel start and imports (about 80% of both cores): "
        "`reporting/warm_kernels.py` starts one kernel server per build that imports ipykernel, polars, altair, "
        "great_tables and the toolkit once, and forks every report's kernel from it (`--cold-kernels` restores "
        "fresh kernels; tests check both give the same notebook and that no kernel outlives its launcher). The "
        "runner also starts the longest reports first by their recorded times (a fresh folder has no times, so "
        f"the cold builds run in grid order; the `--force` row above, {fmt_s(facts['forced_seconds'])} against "
        f"{fmt_s(facts['build_seconds'])}, {_ordering_verdict(facts)}). Next: cache the validated catalog tables "
        "as Parquet keyed by their content hash, so each report's first `load()` calls read typed columns instead "
        "of parsing and validating CSV (see the slowest cells above); and initialise IPython's shell in the "
        "server before forking, which would move most of the per-kernel set-up out of every report."
    )
    return Finding("cold build within 1.3x of the floor (and the 4x stretch)", profile, diagnosis, fix)


def rebuild_time(facts: dict) -> Finding:
    text = profiles.rebuild(facts["build_dir"])
    return Finding(
        "no-change rebuild < 2 s",
        text,
        "Nothing is executed, so the whole time is the CLI's fixed cost, all in the parent: reading the grid "
        "and the notebooks' parameters cells, loading and validating the catalog, deriving each report's "
        "dependencies and hashing code and data. The profile above shows which of these dominates.",
        "Skip what the profile shows is not needed when every report's key matches the manifest: compute the "
        "keys first and load or validate the catalog only when something will run; cache `datasets_read` per "
        "notebook hash in the manifest.",
    )


def one_file_change(facts: dict) -> Finding:
    traced, static = facts["traced"], facts["static"]
    lines = [f"{'notebook':<24} {'runner (static analysis)':<70} missed by the runner"]
    for nb in sorted(traced):
        missed = sorted(set(traced[nb]) - set(static[nb]))
        lines.append(f"{nb:<24} {', '.join(static[nb]):<70} {', '.join(missed) or '-'}")
    stale = ", ".join(facts["stale"]) or "-"
    return Finding(
        "a one-file change re-executes only (and all) the reports that read it",
        "Datasets read at run time (trace of `catalog.load`/`validate` calls, including those made inside the "
        "package) against the runner's static analysis:\n" + "\n".join(lines),
        f'The change to `financials` left stale: {stale}. `runner.datasets_read` only sees `load("name")` '
        "calls written in the notebook itself; `claims_check` calls `claims.check()`, which loads `volumes`, "
        "`financials` and `facts` inside the package, so its key never includes those files and the report is "
        "skipped although its inputs changed (an incremental build that is wrong, not just slow).",
        "Record what each report actually reads: have `catalog.load` append the table name to a file named by "
        "an environment variable that the runner's worker sets (e.g. `HIMA_READS_LOG`), store the list in the "
        "manifest next to the key, and hash exactly those tables' files on the next build (a report with no "
        "recorded reads, i.e. never built, depends on every table). Until then, add the package entry points "
        "that load data (`claims.check`, and any later helper) to `_ALL_TABLES` in `runner.py`.",
    )


def datalayer(facts: dict, rows: list[Row], work: Path) -> Finding:
    text = profiles.datalayer(facts["panel"], work)
    runs = facts["datalayer_runs"]

    def med(label: str, key: str) -> float:
        vals = sorted(r[key] for r in runs[label])
        return vals[len(vals) // 2]

    eager, stream, pd_ = "toolkit (Polars, eager)", "toolkit (Polars, streaming scan)", "pandas"
    return Finding(
        "data layer >= 5x faster than pandas with <= half its peak memory",
        text,
        "The metric functions themselves take milliseconds (`compute` in the profile: they run on the monthly "
        f"totals, one row per brand and month); the time and memory are in reading the {facts['rows']:,}-row CSV "
        f"({fmt_s(med(eager, 'read'))} for Polars, {fmt_s(med(pd_, 'read'))} for pandas) and in the eager "
        "two-key group-by to monthly brand totals (`monthly_totals` in the profile), which Polars runs on "
        "(month, String brand) over the fully materialised frame; the frame and the group-by's state together "
        f"give the eager peak of {fmt_bytes(med(eager, 'peak'))} against pandas' {fmt_bytes(med(pd_, 'peak'))}, "
        "whose brand column is a `category`. Scanning lazily and aggregating with the streaming engine gives "
        f"{fmt_s(med(stream, 'total'))} and {fmt_bytes(med(stream, 'peak'))}: "
        f"{med(pd_, 'total') / med(stream, 'total'):.1f}x faster than pandas at "
        f"{med(stream, 'peak') / med(pd_, 'peak'):.2f} of its memory. Both sides are bound by CSV parsing, so 5x "
        "is out of reach while the panel is CSV.",
        "Give the toolkit a lazy entry point for registration-level data, e.g. "
        "`hima_analytics.metrics.monthly_totals(frame: pl.LazyFrame | pl.DataFrame, *, by=...)` that truncates to "
        'the month and aggregates, collecting with `engine="streaming"` when given a LazyFrame, and document '
        "`pl.scan_csv`/`pl.scan_parquet` + that helper for big panels; read ids as `pl.Enum`/`Categorical` as the "
        "catalog loaders already do. Ship large panels as Parquet (adding `pyarrow` to the environment would also "
        "let pandas read it, for a like-for-like re-run); CSV parsing caps the achievable ratio.",
    )


def sizes(facts: dict, rows: list[Row]) -> Finding:
    """Byte breakdown of every page over its mode's limit."""
    import sizes as size_module

    profile = []
    for mode, per in facts["sizes"].items():
        over = sorted((n for n, b in per.items() if b > size_module.LIMITS[mode]), key=lambda n: -per[n])
        if over:
            profile.append(f"{mode} pages over {fmt_bytes(size_module.LIMITS[mode])}: {', '.join(over)}")
            profile += [size_module.breakdown(facts["size_dirs"][mode] / f"{n}.html") for n in over]
    smallest = min(facts["sizes"]["static"].values())
    return Finding(
        "report HTML size (interactive <= 1.5 MB, static <= 0.5 MB)",
        "\n".join(profile),
        f"Every page starts from about {fmt_bytes(smallest)} (the smallest page): the `lab` template's "
        "`notebook_css` block inlines JupyterLab's `index.css` and `theme-light.css` (the 240 KB <style> block "
        "above) in every report, although a report uses a handful of its rules. On the chart pages that "
        "stylesheet is about half the page, more than all the SVG charts together. The data appendix also "
        "renders the full sources list as a table (the largest <table> above: every source, 400 rows) and "
        "carries it a second time as the base64 `sources.csv` download (the largest data: URI); each "
        "great_tables table repeats its own ~9 KB stylesheet.",
        "In `reporting/templates/hima/index.html.j2`: override `notebook_css` with a small purpose-built "
        "stylesheet (the rules the rendered cells, outputs and tables use, tens of KB) instead of the whole "
        "JupyterLab CSS; this alone brings the chart pages under 0.5 MB static and cuts about 240 KB from every "
        "interactive page. In `notebooks/data_appendix.ipynb`: show a short summary of the sources (by publisher, "
        "or those cited by the reports) and leave the full list to its CSV download, one copy instead of two. "
        "Re-run `make bench` to confirm.",
    )


def findings(rows: list[Row], facts: dict, runs, work: Path) -> list[Finding]:
    """Profile and diagnose every missed target."""
    out = []
    if _missed(rows, "cold build"):
        out.append(cold_build(facts, runs, work))
    missed_rebuild = _missed(rows, "rebuild")
    if any("nothing changed" in r.metric for r in missed_rebuild):
        out.append(rebuild_time(facts))
    if any("one data file" in r.metric for r in missed_rebuild):
        out.append(one_file_change(facts))
    if _missed(rows, "data layer"):
        out.append(datalayer(facts, rows, work))
    if _missed(rows, "imports"):
        out.append(
            Finding(
                "import hima_analytics <= 1.5x import polars",
                profiles.importtime("import hima_analytics", facts["bytecode_env"]),
                "See the modules with the largest cumulative import time.",
                "Import them lazily (module `__getattr__`), as the package's `__init__` does for its API.",
            )
        )
    if _missed(rows, "report size"):
        out.append(sizes(facts, rows))
    if _missed(rows, "build memory"):
        out.append(
            Finding(
                "build peak memory <= 3 GB",
                f"peak {fmt_bytes(facts['peak'])}",
                "Each job holds a worker (forked from the runner) and a kernel.",
                "Lower the default --jobs on small-memory machines, or free the catalog in the parent before forking.",
            )
        )
    return out
