"""Cold build of the full report grid: ``hima reports build --force`` against its compute limit
(the reports' own cell time divided by the cores) and against the loop a user would otherwise
write (papermill then ``jupyter nbconvert --to html``, one report after the other, same
environment, same kernel, same parameters).

The cold builds run through :mod:`instrument` (the same entry point as ``hima``), which keeps
each report's papermill cell durations (the runner's normalised notebooks drop them) and times
the parent's stages. They also run under :class:`treemem.TreeSampler`, so the same repetitions
give the peak memory of the whole process tree (runner, forked workers, kernel server, kernels).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from common import (
    HIMA,
    INSTRUMENT,
    KERNEL,
    NOTEBOOKS,
    PYTHON,
    Row,
    Section,
    child_env,
    fmt_bytes,
    fmt_runs,
    fmt_s,
    median,
    run,
)
from instrument import CELLS_ENV, STAGES_ENV, cell_durations, read_cells, read_stages
from reportgrid import write_param_files
from treemem import run_sampled

LOOP_SCRIPT = """\
#!/usr/bin/env bash
# What a user writes without the runner: every report through papermill, then nbconvert.
set -euo pipefail
while read -r name notebook; do
  papermill "{notebooks}/$notebook.ipynb" "$OUT/$name.ipynb" -k {kernel} -f "$PARAMS/$name.yaml" \\
    --cwd "{notebooks}" --no-progress-bar --log-level WARNING
  jupyter nbconvert --to html --log-level WARN "$OUT/$name.ipynb"
done < "$PARAMS/runs.txt"
"""

_SUMMARY = re.compile(r"(\d+) built, (\d+) unchanged, (\d+) failed")
SPEEDUP_TARGET = 8.0
LIMIT_TARGET = 2.0
RUN_JOBS = "hima_analytics.reporting.runner:run_jobs"


def parse_summary(stdout: str) -> tuple[int, int, int]:
    """(built, unchanged, failed) from the last line of ``hima reports build``."""
    m = _SUMMARY.search(stdout)
    if not m:
        raise RuntimeError(f"no summary line in the build output:\n{stdout[-2000:]}")
    return int(m[1]), int(m[2]), int(m[3])


def runner_build(
    out: Path,
    *,
    force: bool = True,
    static: bool = False,
    env: dict[str, str] | None = None,
    sample: bool = False,
    instrument: Path | None = None,
    jobs: int | None = None,
) -> dict:
    """One ``hima reports build`` into ``out``: wall seconds, (built, unchanged, failed), peak tree
    RSS and CPU seconds when ``sample`` is set, and stdout. With ``instrument`` (a folder), the
    build runs through :mod:`instrument` and the result also has ``cells`` ({report: cells}) and
    ``stages`` (the parent's stage timers)."""
    args = (
        ["reports", "build", "--out", str(out)]
        + (["--force"] if force else [])
        + (["--static"] if static else [])
        + ([f"--jobs={jobs}"] if jobs else [])
    )
    env = dict(env or child_env())
    if instrument is not None:
        instrument.mkdir(parents=True, exist_ok=True)
        cmd = [PYTHON, INSTRUMENT, *args]
        env.update({CELLS_ENV: str(instrument / "cells"), STAGES_ENV: str(instrument / "stages.json")})
    else:
        cmd = [HIMA, *args]
    if sample:
        seconds, peak, cpu, stdout, stderr, rc = run_sampled(cmd, env=env)
        if rc != 0:
            raise RuntimeError(f"build failed ({rc}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    else:
        seconds, proc = run(cmd, env=env)
        peak, cpu, stdout = None, None, proc.stdout
    result = {"seconds": seconds, "counts": parse_summary(stdout), "peak": peak, "cpu": cpu, "stdout": stdout}
    if instrument is not None:
        result["cells"] = read_cells(instrument / "cells")
        result["stages"] = read_stages(instrument / "stages.json")
    return result


def worker_seconds(out: Path) -> dict[str, float]:
    """The runner's own per-report times (worker start to report received) from the build's
    ``summary.json``."""
    from hima_analytics.reporting.runner import state_dir

    data = json.loads((state_dir(out) / "summary.json").read_text(encoding="utf-8"))
    return {r["name"]: float(r["seconds"]) for r in data["reports"] if r["status"] == "ok"}


def notebook_cells(folder: Path, names: list[str]) -> dict[str, list[dict]]:
    """{report: cells with a papermill duration} from the executed notebooks in ``folder``."""
    out = {}
    for name in names:
        path = folder / f"{name}.ipynb"
        if path.exists():
            out[name] = cell_durations(json.loads(path.read_text(encoding="utf-8")))
    return out


def total(cells: dict[str, list[dict]]) -> float:
    """Seconds in every cell of every report."""
    return sum(c["seconds"] for cs in cells.values() for c in cs)


def loop_build(runs, work: Path) -> tuple[float, dict[str, list[dict]]]:
    """One pass of the baseline shell loop over every run of the grid; returns wall seconds and
    the cells of the notebooks it executed (papermill's command line keeps their durations)."""
    params = work / "params"
    write_param_files(runs, params)
    out = work / "out"
    out.mkdir(parents=True, exist_ok=True)
    script = work / "loop.sh"
    script.write_text(LOOP_SCRIPT.format(notebooks=NOTEBOOKS, kernel=KERNEL), encoding="utf-8")
    seconds, _proc = run(["bash", str(script)], env=child_env(OUT=str(out), PARAMS=str(params)))
    missing = [r.name for r in runs if not (out / f"{r.name}.html").exists()]
    if missing:
        raise RuntimeError(f"baseline loop produced no HTML for {missing}")
    return seconds, notebook_cells(out, [r.name for r in runs])


def _timeline(b: dict) -> dict[str, float]:
    """Where a build's wall time went, from its stage timers: interpreter start and exit (outside
    the process's own clock), the parent's work before the first report starts, the reports
    running (``run_jobs``), the parent's work after."""
    st = b["stages"]
    rj = st["by_id"].get(RUN_JOBS, {})
    if not rj.get("calls"):
        return {}
    return {
        "interpreter": b["seconds"] - st["process"],
        "before": rj["first"],
        "parallel": rj["seconds"],
        "after": st["process"] - rj["last"],
    }


def measure(runs, reps: int, work: Path, floor_per_report: float) -> Section:
    """Interleaved repetitions (runner, loop, runner, loop, ...) so drift hits both sides alike.
    ``facts['build_dir']`` is the last runner build's output, reused by the size and rebuild
    sections."""
    sec = Section()
    names = [r.name for r in runs]
    builds, loops, loop_cells = [], [], []
    for i in range(reps):
        b = runner_build(work / f"build{i}", sample=True, instrument=work / f"instrument{i}")
        if b["counts"][2]:
            raise RuntimeError(f"cold build had failures:\n{b['stdout']}")
        b["workers"] = worker_seconds(work / f"build{i}")
        builds.append(b)
        secs, cells = loop_build(runs, work / f"loop{i}")
        loops.append(secs)
        loop_cells.append(cells)
    last = work / f"build{reps - 1}"
    # If a later runner keeps papermill's durations in its notebooks, they are the source.
    kept = notebook_cells(last / "notebooks", names)
    kept_durations = all(kept.get(n) for n in names)
    if kept_durations:
        builds[-1]["cells"] = kept
    missing = [n for n in names if n not in builds[-1]["cells"]]
    if missing:
        raise RuntimeError(f"no cell durations captured for {missing}")
    # --force over an existing output folder: the runner orders reports longest first by their
    # recorded times (a fresh folder has none, so the cold builds above run in grid order).
    forced = [runner_build(last, sample=True) for _ in range(reps)]
    jobs = os.cpu_count() or 1
    n = len(runs)
    b_secs = [b["seconds"] for b in builds]
    f_secs = [b["seconds"] for b in forced]
    cpus = [b["cpu"] for b in builds]
    peaks = [b["peak"] for b in builds]
    computes = [total(b["cells"]) for b in builds]
    limits = [c / jobs for c in computes]
    ratios = [s / lim for s, lim in zip(b_secs, limits)]
    t_build, t_loop, limit = median(b_secs), median(loops), median(limits)
    ratio = median(ratios)
    speedup = t_loop / t_build
    util = median(cpus) / (t_build * jobs)
    floor = floor_per_report * n / jobs
    # The same cells without CPU contention: one build with one job (one run; context only).
    solo = runner_build(work / "solo", jobs=1, instrument=work / "instrument-solo")
    solo_compute = total(solo["cells"])
    quiet_limit = solo_compute / jobs
    worker_sum = [sum(b["workers"].values()) for b in builds]
    outside = [w - c for w, c in zip(worker_sum, computes)]
    timelines = [_timeline(b) for b in builds]
    tl = {k: median([t[k] for t in timelines if t]) for k in (timelines[0] or {})}
    per_report = {
        name: {
            "worker": median([b["workers"][name] for b in builds]),
            "cells": median([sum(c["seconds"] for c in b["cells"][name]) for b in builds]),
            "loop_cells": median([sum(c["seconds"] for c in lc.get(name, [])) for lc in loop_cells]),
        }
        for name in names
    }
    sec.facts.update(
        build_dir=last,
        build_seconds=t_build,
        compute=median(computes),
        compute_limit=limit,
        limit_ratio=ratio,
        quiet_limit=quiet_limit,
        solo_compute=solo_compute,
        solo_per_report={k: sum(c["seconds"] for c in v) for k, v in solo["cells"].items()},
        floor=floor,
        floor_per_report=floor_per_report,
        jobs=jobs,
        speedup=speedup,
        peak=median(peaks),
        cpu=median(cpus),
        cpu_util=util,
        forced_seconds=median(f_secs),
        build_spread=max(b_secs) - min(b_secs),
        build_stdout=builds[-1]["stdout"],
        worker_sum=median(worker_sum),
        outside_cells=median(outside),
        timeline=tl,
        per_report=per_report,
        cells_last=builds[-1]["cells"],
        stages_last=builds[-1]["stages"],
        kept_durations=kept_durations,
        loop_seconds=t_loop,
    )
    tl_text = (
        f"interpreter start/exit {fmt_s(tl['interpreter'])}, parent before the first report {fmt_s(tl['before'])}, "
        f"reports running (`run_jobs`) {fmt_s(tl['parallel'])}, parent after the last {fmt_s(tl['after'])}"
        if tl
        else "stage timers not recorded"
    )
    sec.rows += [
        Row(
            "cold build",
            f"`hima reports build --force`, {n} reports, {jobs} jobs (default)",
            fmt_s(t_build),
            f"{fmt_runs(b_secs)}; {tl_text}",
        ),
        Row(
            "cold build",
            "reports' own cell time (sum over reports of papermill's per-cell durations in the build)",
            fmt_s(median(computes)),
            f"{fmt_runs(computes)}; the runner's per-report times add up to {fmt_s(median(worker_sum))}, so "
            f"{fmt_s(median(outside))} is spent outside the cells ({fmt_s(median(outside) / n)} per report)",
        ),
        Row(
            "cold build",
            f"compute limit = cell time / {jobs} cores",
            fmt_s(limit),
            fmt_runs(limits),
        ),
        Row(
            "cold build",
            "build / compute limit",
            f"{ratio:.2f}x",
            f"per repetition {', '.join(f'{r:.2f}x' for r in ratios)}",
            f"<= {LIMIT_TARGET:g}x",
            ratio <= LIMIT_TARGET,
            issue15=True,
        ),
        Row(
            "cold build",
            "context: the same cells without CPU contention (one `--force --jobs 1` build, one run)",
            fmt_s(solo_compute),
            f"compute limit {fmt_s(quiet_limit)}, build / this limit {t_build / quiet_limit:.2f}x; "
            f"that build took {fmt_s(solo['seconds'])}",
        ),
        Row(
            "cold build",
            "CPU time (user + system) of the build's process tree",
            fmt_s(median(cpus)),
            f"{fmt_runs(cpus)}; {util:.0%} of {jobs} cores over the build's wall time",
        ),
        Row(
            "cold build",
            "`--force` over the previous build's folder (longest reports first, by recorded time)",
            fmt_s(median(f_secs)),
            f"{fmt_runs(f_secs)}; compute limit ratio {median(f_secs) / limit:.2f}x",
        ),
        Row(
            "cold build",
            "baseline: sequential shell loop of `papermill` + `jupyter nbconvert --to html`",
            fmt_s(t_loop),
            f"{fmt_runs(loops)}; its notebooks' cells add up to {fmt_s(median([total(lc) for lc in loop_cells]))}",
        ),
        Row(
            "cold build",
            "speed-up over the baseline loop",
            f"{speedup:.2f}x",
            "",
            f">= {SPEEDUP_TARGET:g}x",
            speedup >= SPEEDUP_TARGET,
            issue15=True,
        ),
        Row(
            "cold build",
            f"context: kernel floor = (fresh kernel + setup cell) x {n} reports / {jobs} jobs",
            fmt_s(floor),
            f"{fmt_s(floor_per_report)} x {n} / {jobs}; build / floor {t_build / floor:.2f}x",
        ),
        Row(
            "build memory",
            "peak summed RSS of the build's process tree (100 ms sampler)",
            fmt_bytes(median(peaks)),
            fmt_runs(peaks, fmt_bytes),
            "<= 3 GB",
            median(peaks) <= 3 * 1024**3,
        ),
    ]
    source = (
        "the build's executed notebooks (`<out>/notebooks/<report>.ipynb`, `cell.metadata.papermill.duration`)"
        if kept_durations
        else (
            "the notebooks as papermill returned them inside each worker, just before the runner normalises them: "
            "the runner's notebooks in `<out>/notebooks/` keep no timings (`determinism.normalise_notebook` strips "
            "papermill's `start_time`/`end_time`/`duration`, and `record_timing=False` leaves out nbclient's), and "
            "the report logs have no timestamps, so `benchmarks/instrument.py` records the durations in the "
            "build's own workers (same entry point and arguments as `hima`; one small JSON file per report)"
        )
    )
    sec.notes += [
        "Runner and baseline repetitions are interleaved (build, loop, build, loop, ...). The baseline "
        "passes each run's parameters with `papermill -f <report>.yaml` (strings stay strings, the "
        "`peers` list survives), uses `-k hima-analytics` and the notebooks folder as `--cwd`, "
        "exactly the grid's runs; see `LOOP_SCRIPT` in `benchmarks/cold_build.py`.",
        f"Compute limit: the sum over the {n} reports of papermill's per-cell `duration` (every code cell, the "
        f"injected parameters included), divided by the {jobs} cores; each repetition's build is judged against "
        f"its own cells. The durations come from {source}. The cells ran {jobs} at a time, so they may include "
        "some waiting for the CPU; the context row 'without CPU contention' takes the same cells from one build "
        "with `--jobs 1`.",
        "Every build uses the on-disk cache (`hima_analytics.display.renderer.cache_dir()`) for the vega bundle "
        "and the CJK font subsets, as any build after a machine's first does; 'cold' means `--force` into a new "
        "output folder.",
    ]
    return sec
