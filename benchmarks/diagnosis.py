"""For each missed target: the profile that shows where the time (or the staleness, or the bytes)
comes from, the diagnosis and a concrete fix. The numbers in the text come from this run; the
fixes are proposals for code outside ``benchmarks/`` (module and function named)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import profiles
from common import HIMA, Finding, Row, child_env, fmt_bytes, fmt_s, median

# Stage ids (``module:attr``) as instrument.py records them.
GRID = "hima_analytics.reporting.grid:load_grid"
CATALOG = "hima_analytics.catalog:_load"
BUILD = "hima_analytics.reporting.runner:build"
SNAPSHOT = "hima_analytics.changes:snapshot"
READ_SNAPSHOT = "hima_analytics.changes:read_snapshot"
DIFF = "hima_analytics.changes:diff"
WRITE_SNAPSHOT = "hima_analytics.changes:write_snapshot"
RECORD = "hima_analytics.reporting.runner:record_change"
PLAN = "hima_analytics.reporting.runner:_plan"
HASH = "hima_analytics.reporting.manifest:hash_files"
CODE = "hima_analytics.reporting.runner:code_hash"
LIBS = "hima_analytics.reporting.provenance:library_versions"
INDEX = "hima_analytics.reporting.index:write_index"
FONT = "hima_analytics.reporting.fonts:find_font"
RUN = "hima_analytics.reporting.runner:_run"
SERVER = "hima_analytics.reporting.warm_kernels:KernelServer.wait_ready"
PREPARE = "hima_analytics.reporting.html:prepare"
RUN_JOBS = "hima_analytics.reporting.runner:run_jobs"


def _missed(rows: list[Row], section: str) -> list[Row]:
    return [r for r in rows if r.section == section and r.met is False]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _stage(timed: list[dict], sid: str) -> float:
    """Median seconds of one stage over instrumented runs (0 when never called)."""
    return median([t["by_id"].get(sid, {}).get("seconds", 0.0) for t in timed])


def _stage_lines(timed: list[dict]) -> list[str]:
    """Every stage that ran, in the order of STAGES: median ms and calls."""
    lines = []
    for label, first in timed[0]["stages"].items():
        calls = first["calls"]
        if first.get("missing"):
            lines.append(f"{'':>8}     {label}: NOT FOUND in the code (renamed?)")
        elif calls:
            secs = median([t["stages"][label]["seconds"] for t in timed])
            lines.append(f"{_ms(secs):>8} x{calls:<3} {label}")
    return lines


def _ordering_verdict(facts: dict) -> str:
    """Whether longest-first ordering showed a gain larger than the run-to-run spread."""
    gain = facts["build_seconds"] - facts["forced_seconds"]
    spread = facts["build_spread"]
    if abs(gain) <= spread:
        return f"a difference of {gain:+.2f} s, within the {spread:.2f} s spread between repetitions"
    kind = "a gain" if gain > 0 else "a loss"
    return f"{kind} of {abs(gain):.2f} s, beyond the {spread:.2f} s spread between repetitions"


# -- cold build ----------------------------------------------------------------------------------


def _report_profile(runs, work: Path) -> tuple[dict, str, str]:
    """One report of the grid's most common notebook through the worker's own steps
    (profile_report.py): (breakdown, its text, report name)."""
    name = Counter(r.notebook for r in runs).most_common(1)[0][0]
    report = next(r.name for r in runs if r.notebook == name)
    b, text = profiles.report(report, work)
    steps = b["steps"]

    def step(prefix: str) -> float:
        return sum(v["seconds"] for k, v in steps.items() if k.startswith(prefix))

    kernel = {k: v["seconds"] for k, v in steps.items() if k.startswith("execute:")}
    messaging = b["outside_cells"] - sum(kernel.values())
    lines = [
        f"{report}, the worker's own steps in-process (one run, no other report running):",
        f"  execute {fmt_s(b['execute'])} = cells {fmt_s(b['in_cells'])} + outside the cells "
        f"{fmt_s(b['outside_cells'])}:",
        *[f"    {fmt_s(v):>8}  {k[len('execute: ') :]}" for k, v in kernel.items()],
        f"    {fmt_s(messaging):>8}  the rest (papermill and nbclient: parameters, cell messages, notebook)",
        f"  export (`worker._export`) {fmt_s(b['export'])}, page {fmt_bytes(b['html_bytes'])}:",
        *[
            f"    {fmt_s(v['seconds']):>8}  {k[len('export: ') :]}"
            for k, v in steps.items()
            if k.startswith("export:") and v["calls"]
        ],
        "  slowest cells (papermill's durations):",
        *[f"    {c['seconds']:6.3f}s  {c['source']}" for c in b["slowest_cells"]],
    ]
    b["kernel_ready"] = sum(v for k, v in kernel.items() if "ready" in k)
    b["kernel_other"] = sum(v for k, v in kernel.items() if "ready" not in k)
    b["messaging"] = messaging
    b["html"] = step("export: HTML page")
    b["report"] = report
    return b, "\n".join(lines) + "\n\n" + text, report


def _per_report_table(facts: dict) -> str:
    per = facts["per_report"]
    lines = [f"  {'report':<28} {'worker':>8} {'cells':>8} {'outside':>8} {'cells (1 job)':>14}"]
    for name, v in sorted(per.items(), key=lambda kv: -kv[1]["worker"]):
        solo = facts["solo_per_report"].get(name, float("nan"))
        lines.append(
            f"  {name:<28} {v['worker']:7.2f}s {v['cells']:7.2f}s {v['worker'] - v['cells']:7.2f}s {solo:13.2f}s"
        )
    return "\n".join(lines)


def _timeline_lines(facts: dict) -> list[str]:
    tl, st = facts["timeline"], facts["stages_last"]
    if not tl:
        return ["(stage timers were not recorded)"]
    sid = st["by_id"]

    def s(key: str) -> float:
        return sid.get(key, {}).get("seconds", 0.0)

    parallel_ideal = facts["worker_sum"] / facts["jobs"]
    return [
        f"build {fmt_s(facts['build_seconds'])} (median) = interpreter start and exit {fmt_s(tl['interpreter'])}"
        f" + parent before the first report {fmt_s(tl['before'])} + reports running {fmt_s(tl['parallel'])}"
        f" + parent after the last {fmt_s(tl['after'])}",
        f"parent before the first report (last repetition): `hima` imports {fmt_s(st['imports'])}, grid + catalog "
        f"{fmt_s(s(GRID))} (catalog {fmt_s(s(CATALOG))}), data snapshot {fmt_s(s(SNAPSHOT) + s(READ_SNAPSHOT))}, "
        f"plan {fmt_s(s(PLAN))}, then in `_run`: HTML exporter prepared {fmt_s(s(PREPARE))}, CJK font lookup "
        f"{fmt_s(s(FONT))}, waiting for the kernel server {fmt_s(s(SERVER))} (it was started just before)",
        f"reports running: {fmt_s(tl['parallel'])} against {fmt_s(parallel_ideal)} for a perfect split of the "
        f"runner's per-report times ({fmt_s(facts['worker_sum'])} / {facts['jobs']} jobs)",
        f"parent after the last report: data change recorded {fmt_s(s(RECORD))}, index {fmt_s(s(INDEX))}",
    ]


def compute_limit(facts: dict, runs, work: Path) -> Finding:
    b, text, report = _report_profile(runs, work)
    facts["report_profile"] = b
    tl, n, jobs = facts["timeline"], len(runs), facts["jobs"]
    excess = facts["build_seconds"] - facts["compute_limit"]
    overhead_wall = facts["outside_cells"] / jobs
    serial = (tl["interpreter"] + tl["before"] + tl["after"]) if tl else float("nan")
    imbalance = (tl["parallel"] - facts["worker_sum"] / jobs) if tl else float("nan")
    profile = "\n".join(
        [
            *_timeline_lines(facts),
            "",
            "per report (median of the cold builds): the runner's time, the cells, the rest, and the cells in the "
            "`--jobs 1` build:",
            _per_report_table(facts),
            "",
            text,
        ]
    )
    diagnosis = (
        f"The build takes {fmt_s(facts['build_seconds'])} against a compute limit of "
        f"{fmt_s(facts['compute_limit'])} ({fmt_s(facts['compute'])} of cells / {jobs} cores): "
        f"{fmt_s(excess)} more. (1) Outside their cells the reports spend {fmt_s(facts['outside_cells'])} in all, "
        f"{fmt_s(facts['outside_cells'] / n)} per report, {fmt_s(overhead_wall)} of wall time over {jobs} jobs. "
        f"The profiled report ({report}) shows where: its kernel, forked from the warm server, takes "
        f"{fmt_s(b['kernel_ready'])} to connect and answer `wait_for_ready` (the warm-kernel row measures "
        f"{fmt_s(facts['warm_ready'])} from start to ready for a bare forked kernel: IPython's kernel application "
        f"initialising after the fork), another {fmt_s(b['kernel_other'])} to start and shut down, "
        f"{fmt_s(b['messaging'])} in papermill's and nbclient's own work around the cells, and "
        f"{fmt_s(b['export'])} in the export (of which the HTML page {fmt_s(b['html'])}). (2) The parent's serial "
        f"work and the interpreter take {fmt_s(serial)} before the first and after the last report. (3) The "
        f"reports-running phase is {fmt_s(imbalance)} longer than a perfect split of the per-report times, "
        "because the longest reports are not started first on a fresh folder. The cells themselves barely "
        f"depend on contention: {fmt_s(facts['compute'])} with {jobs} jobs, {fmt_s(facts['solo_compute'])} with one."
    )
    fix = (
        "In order of gain. (a) `reporting/warm_kernels.py` `_become_kernel`: each forked child runs "
        "`ipykernel.kernelapp.launch_new_instance()` from scratch (configuration, sockets and heartbeat thread, "
        "the IPython shell, its history database, display formatters), the largest per-report cost outside the "
        "cells; profile it once in a forked child (pyinstrument from the fork to the first `kernel_info` reply), "
        "then build in the server, before forking, what holds no socket or thread (the shell with "
        "`HistoryManager.enabled=False`, the formatters, the configuration) and keep only the sockets and the "
        "session for after the fork; check with the warm-kernel row and `profile_report.py`. "
        "(b) `reporting/runner.py`: "
        "start the `KernelServer` at the top of `_build_locked`, before `load_catalog()`, `changes.snapshot` and "
        "`_plan` (today it starts in `_run`, after them, and the parent then waits "
        f"{fmt_s(facts['stages_last']['by_id'].get(SERVER, {}).get('seconds', 0.0))} for it), so the server's "
        "imports overlap the parent's data work; and take the data snapshot after `run_jobs` rather than before. "
        "(c) `reporting/runner.py` `_build_locked`: when the output folder has no recorded times (a cold build), "
        "order by the times of the default build folder's `summary.json` if there is one, else by notebook "
        "(the outlook and the data appendix are the longest here), so the longest report does not start last; the "
        f"`--force` row over a folder with times ({fmt_s(facts['forced_seconds'])} against "
        f"{fmt_s(facts['build_seconds'])}) shows {_ordering_verdict(facts)}."
    )
    return Finding("cold build <= 2x the compute limit", profile, diagnosis, fix)


def speedup(facts: dict, runs, work: Path) -> Finding:
    n, jobs = len(runs), facts["jobs"]
    loop, limit = facts["loop_seconds"], facts["compute_limit"]
    best = loop / limit
    need = loop / 8
    cells = [(c["seconds"], name, c["source"]) for name, cs in facts["cells_last"].items() for c in cs]
    cells.sort(reverse=True)
    first_load = facts["import_and_load"] - facts["import_hima"]
    profile = "\n".join(
        [
            f"baseline loop {fmt_s(loop)} for {n} reports ({fmt_s(loop / n)} per report); its notebooks' cells "
            f"(fresh kernels, one report at a time) add up to "
            f"{fmt_s(sum(v['loop_cells'] for v in facts['per_report'].values()))}",
            f"runner build {fmt_s(facts['build_seconds'])}; the reports' own cells {fmt_s(facts['compute'])}, "
            f"compute limit {fmt_s(limit)} on {jobs} cores",
            f"best possible speed-up, a build at the compute limit: {fmt_s(loop)} / {fmt_s(limit)} = {best:.2f}x",
            f"8x needs a build of {fmt_s(need)}: at most {fmt_s(need * jobs)} of cells even with no other cost",
            "",
            "slowest cells of the grid (last cold build, papermill's durations):",
            *[f"  {s:6.3f}s  {name:<28} {src}" for s, name, src in cells[:12]],
        ]
    )
    diagnosis = (
        f"The build is {facts['speedup']:.2f}x faster than the loop. Even with no overhead at all (a build at "
        f"the compute limit) it would be {best:.2f}x: the reports' own cells take {fmt_s(facts['compute'])}, "
        f"and 8x on {jobs} cores leaves {fmt_s(need * jobs)} for them. So the runner's overhead (build / limit "
        f"{facts['limit_ratio']:.2f}x) is only part of the gap; the cells must get cheaper. Where their time goes: "
        "the cells listed above (the outlook's forecasts and back-tests, the appendix's validation and "
        "reconciliation, the chart and table cells); and in every report, the first cell that touches the data "
        "(the setup cell's `hn.start` when a parameter is checked against the catalog, else the first `load`) "
        "parses and validates the whole catalog in that kernel: the imports row puts "
        f"`import hima_analytics` + first `load` at {fmt_s(facts['import_and_load'])} against "
        f"{fmt_s(facts['import_hima'])} for the import, about {fmt_s(first_load)} per kernel, "
        f"{fmt_s(first_load * n)} over the {n} reports. The warm kernel server cannot load the catalog for its "
        "kernels: Polars' thread pool does not survive the fork."
    )
    fix = (
        "(a) `catalog.py` `_load`: keep the validated, typed catalog on disk (Arrow IPC, one file per table, in "
        "`cache_dir()`) keyed by the shards' content digest (`Catalog.fingerprint`); the runner's parent writes it "
        "when it validates before any kernel starts (`runner._build_locked` already calls `load_catalog()`), and "
        "each kernel's first load reads it instead of parsing and validating CSV. (b) The heaviest cells: cache "
        'the outlook\'s forecasts and back-tests (`statistics.try_forecast` with `method="auto"` fits and '
        "back-tests every candidate) keyed by the input series and method, and the data appendix's reconciliation "
        "keyed by the catalog digest, so a rebuild that did not change their inputs does not recompute them. "
        "(c) The runner overheads in the compute-limit finding. Re-run `make bench`; until (a) and (b) land, 8x "
        f"is not reachable on {jobs} cores with this grid."
    )
    return Finding(">= 8x faster than the naive papermill + nbconvert loop", profile, diagnosis, fix)


# -- rebuilds ------------------------------------------------------------------------------------


def rebuild_time(facts: dict) -> Finding:
    timed = facts["nochange_timed"]
    wall = median([t["seconds"] for t in timed])
    process = median([t["process"] for t in timed])
    imports = median([t["imports"] for t in timed])
    grid, catalog, build = _stage(timed, GRID), _stage(timed, CATALOG), _stage(timed, BUILD)
    snap = _stage(timed, SNAPSHOT) + _stage(timed, READ_SNAPSHOT)
    record, diff, write = _stage(timed, RECORD), _stage(timed, DIFF), _stage(timed, WRITE_SNAPSHOT)
    font, index, plan = _stage(timed, FONT), _stage(timed, INDEX), _stage(timed, PLAN)
    hashing, code, libs = _stage(timed, HASH), _stage(timed, CODE), _stage(timed, LIBS)
    other = process - imports - grid - build
    imp_text, heavy = profiles.command_importtime(
        [HIMA, "reports", "build", "--out", str(facts["build_dir"])], child_env()
    )
    polars = heavy.get("polars") or 0.0
    absent = [k for k, v in heavy.items() if v is None]
    present = [f"{k} {fmt_s(v)}" for k, v in heavy.items() if v is not None]
    saved = catalog + snap + record + font + polars
    profile = "\n".join(
        [
            f"no-change rebuild, whole command {fmt_s(facts['nochange_seconds'])} (median, plain `hima`); "
            f"the instrumented runs {fmt_s(wall)}:",
            f"  {_ms(wall - process):>8}  interpreter start and exit",
            f"  {_ms(imports):>8}  `import hima_analytics.cli` (click, every command module, polars)",
            f"  {_ms(other):>8}  click, the `reports build` command's own imports (runner, scheduler, worker)",
            "stages (median of the instrumented runs; nested lines are part of the line above):",
            *[f"  {ln}" for ln in _stage_lines(timed)],
            "",
            "`python -X importtime` of the same command (top modules by cumulative time):",
            imp_text,
            f"heavy packages imported: {', '.join(present) or 'none'}; not imported: {', '.join(absent) or 'none'}",
            "",
            profiles.rebuild(facts["build_dir"]),
        ]
    )
    diagnosis = (
        f"Nothing runs, yet the command takes {fmt_s(facts['nochange_seconds'])}, every part of it in the parent. "
        f"The exact costs: (1) the catalog is parsed and validated, {fmt_s(catalog)}, inside `grid.load_grid` "
        f"({fmt_s(grid)} in all): `_display_values` formats each title with display names "
        "(`display.names.name_of` -> `load_catalog()`), and `check_params` -> `notebook.check` checks brand "
        "parameters against the catalog (`hima_brands`) and imports `statistics` for `forecast_methods`; "
        f"(2) the data snapshot, {fmt_s(snap + record)}: `changes.snapshot` re-reads every shard as strings "
        f"and the previous snapshot is read ({fmt_s(snap)}), then `record_change` diffs every table "
        f"({fmt_s(diff)}) and rewrites the snapshot's Parquet files ({fmt_s(write)}), although every report's key "
        f"already shows the data unchanged; (3) the CJK font lookup for the index page, {fmt_s(font)} of the "
        f"{fmt_s(index)} `write_index` takes: `fonts.find_font` imports fontTools and opens the Noto CJK "
        "collection to read each face's name table, every build, although the subset itself is cached; "
        f"(4) importing polars, {fmt_s(polars)} under `-X importtime`, at `hima` start-up (`cli/data.py` and "
        f"`cli/common.py` import it at module level), needed today only by (1) and (2); (5) the keys, "
        f"{fmt_s(plan)}: {fmt_s(hashing)} hashing files (the package code, {fmt_s(code)}, then each report's data "
        f"files, the same shards re-read for every report) and {fmt_s(libs)} reading library versions. "
        f"Not on this path: {', '.join(a for a in absent if a != 'polars') or 'nothing'} (papermill and nbconvert "
        "are imported only when a report runs)."
    )
    fix = (
        "(1) `reporting/grid.py` and `reporting/runner.py`: keep the catalog off the no-change path: format titles "
        "with display names only for reports that run (the index takes its titles from the manifest), check grid "
        "parameters that need the data when the report runs or against a cached id list, and call the runner's "
        "fail-fast `load_catalog()` only when `_plan` leaves something to run (a build that runs nothing needs no "
        "validated data; a data change changes the keys and so runs, and validates). (2) `reporting/runner.py` + "
        "`reporting/data_changes.py`: store the content hash of every shard under `paths.data_roots()` (and the "
        "package code hash) beside the snapshot in `<out>-build/catalog/`; when both match, skip snapshot, diff "
        "and write and report 'no change'; remove the stored hash before writing a new snapshot, so a killed "
        "build cannot pair a new hash with an old snapshot. (3) `reporting/fonts.py`: memoise the font choice "
        "(path, face index, name) on disk next to the subsets, keyed by `FontChoice.key()` (path, size, mtime), "
        "so `find_font` opens the collection only when the font changes. (4) `cli/data.py`, `cli/common.py`: "
        "import polars inside the commands that print frames. (5) `reporting/manifest.py`: hash each data file "
        f"once per build and key reports on per-table digests. Together (1) to (4) remove about {fmt_s(saved)} "
        f"of the {fmt_s(facts['nochange_seconds'])}."
    )
    return Finding("no-change rebuild < 0.5 s", profile, diagnosis, fix)


def nochange_executed(facts: dict) -> Finding:
    return Finding(
        "a no-change rebuild executes no report",
        "reports executed per repetition: see the results table",
        "A report whose key changed between two builds with nothing edited: either the package code changed "
        "during the run (see the warning in the notes) or a key input is not deterministic.",
        "Compare two consecutive manifests (`<out>-build/manifest.json`) entry by entry and make the differing "
        "key input deterministic in `reporting/manifest.py` `run_key`.",
    )


def one_file_change(facts: dict) -> Finding:
    traced, static = facts["traced"], facts["static"]
    recorded = facts.get("recorded", {})
    lines = [f"{'notebook':<24} {'read at run time (trace)':<60} runner's key (manifest)"]
    for nb in sorted(traced):
        lines.append(f"{nb:<24} {', '.join(traced[nb]):<60} {', '.join(recorded.get(nb, static[nb]))}")
    stale, extra = ", ".join(facts["stale"]) or "-", ", ".join(facts["extra"]) or "-"
    return Finding(
        "a one-file change re-executes only (and all) the reports that read it",
        "Datasets each notebook reads (trace of `catalog.load`/`validate` calls, including those made inside the "
        "package) against those the runner keyed it on:\n" + "\n".join(lines),
        f"Changed table: `financials`. Stale (read it, not rebuilt): {stale}. Rebuilt without reading it: {extra}. "
        "The runner keys each report on the datasets its kernel recorded through `$HIMA_DATASETS_LOG` on its last "
        "successful run (`manifest.recorded_datasets`, plus the reference tables), and before a first run on "
        "`manifest.datasets_read`'s static analysis; a reader missing above was not recorded (a load that "
        "bypasses `catalog._record`), an extra one reads a table it does not need.",
        "Route every data access through `catalog.load` (or call `catalog._record` where a module reads frames "
        "itself) so the recorded list is complete; for an extra reader, load only the tables the notebook uses.",
    )


# -- other targets --------------------------------------------------------------------------------


def datalayer(facts: dict, rows: list[Row], work: Path) -> Finding:
    text = profiles.datalayer(facts["panel"], work)
    runs = facts["datalayer_runs"]

    def med(label: str, key: str) -> float:
        return median([r[key] for r in runs[label] if r[key] is not None])

    stream, pd_ = "toolkit (Polars, streaming scan)", "pandas"
    return Finding(
        "data layer >= 5x faster than pandas with <= half its peak memory",
        text,
        f"Toolkit (streaming scan of the Parquet panel + `metrics.monthly_totals`, then the metric functions): "
        f"{fmt_s(med(stream, 'total'))} and {fmt_bytes(med(stream, 'peak'))}; pandas: {fmt_s(med(pd_, 'total'))} "
        f"and {fmt_bytes(med(pd_, 'peak'))}. The profile above shows the eager toolkit variant: the metric "
        "functions run on the monthly totals (one row per brand and month), so the time is in the scan and the "
        "group-by to monthly totals.",
        "Look at the largest frames in the profile: read only the columns needed (already done for both sides) "
        "and keep ids as `pl.Enum`/`Categorical`; if the streaming group-by dominates, aggregate by month with "
        "`group_by_dynamic` on a sorted date column.",
    )


def sizes(facts: dict, rows: list[Row]) -> Finding:
    """Byte breakdown of every page over its mode's limit."""
    import sizes as size_module

    profile, over_all = [], set()
    for mode, per in facts["sizes"].items():
        over = sorted((n for n, b in per.items() if b > size_module.LIMITS[mode]), key=lambda n: -per[n])
        over_all |= set(over)
        if over:
            profile.append(f"{mode} pages over {fmt_bytes(size_module.LIMITS[mode])}: {', '.join(over)}")
            profile += [size_module.breakdown(facts["size_dirs"][mode] / f"{n}.html") for n in over]
    parts = []
    if "data_appendix" in over_all:
        parts.append(
            "The data appendix has no charts, so its static and interactive pages are the same bytes; it renders "
            "the full list of sources as a table (its largest <table> above) and carries the same list again as "
            "the base64 `sources.csv` download (its largest download)."
        )
    parts.append(
        "Every page with Chinese names embeds a CJK font subset (the 'CJK font subset' line: 400 to 500 glyphs "
        "on these pages, about 100 KB as base64 WOFF, where `reporting/fonts.py`'s docstring expects 10 to 40 "
        "KB); interactive pages with charts also inline the vega bundle once (about 0.9 MB)."
    )
    return Finding(
        "report HTML size (interactive <= 1.5 MB, static <= 0.5 MB)",
        "\n".join(profile),
        " ".join(parts),
        "`notebooks/data_appendix.ipynb`: show a short summary of the sources (by publisher and tier, or those "
        "the reports cite) and leave the full list to its CSV download, one copy instead of two. "
        "`reporting/fonts.py`: the subset is as small as its glyph count allows in WOFF; WOFF2 "
        "(`face.flavor = 'woff2'`) would be smaller but needs the `brotli` package, which the environment "
        "lacks; correct the docstring's 10 to 40 KB either way. "
        "Re-run `make bench` to confirm.",
    )


def findings(rows: list[Row], facts: dict, runs, work: Path) -> list[Finding]:
    """Profile and diagnose every missed target."""
    out = []
    missed_cold = _missed(rows, "cold build")
    if any("compute limit" in r.metric for r in missed_cold):
        out.append(compute_limit(facts, runs, work))
    if any("speed-up" in r.metric for r in missed_cold):
        out.append(speedup(facts, runs, work))
    missed_rebuild = _missed(rows, "rebuild")
    if any("nothing changed: `hima" in r.metric for r in missed_rebuild):
        out.append(rebuild_time(facts))
    if any("nothing changed: reports executed" in r.metric for r in missed_rebuild):
        out.append(nochange_executed(facts))
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
                "Each job holds a worker (forked from the runner) and a kernel (forked from the kernel server), "
                "beside the runner and the server themselves.",
                "Lower the default --jobs on small-memory machines, or free the catalog in the parent before forking.",
            )
        )
    return out
