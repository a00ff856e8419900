"""Cold build of the full report grid: ``hima reports build --force`` against the loop a user
would otherwise write (papermill then ``jupyter nbconvert --to html``, one report after the other,
same environment, same kernel, same parameters), and against the floor.

The build runs under :class:`treemem.TreeSampler`, so the same repetitions give the peak memory
of the whole process tree (runner, forked workers, kernels).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from common import HIMA, KERNEL, NOTEBOOKS, Row, Section, child_env, fmt_bytes, fmt_runs, fmt_s, median, run
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


def parse_summary(stdout: str) -> tuple[int, int, int]:
    """(built, unchanged, failed) from the last line of ``hima reports build``."""
    m = _SUMMARY.search(stdout)
    if not m:
        raise RuntimeError(f"no summary line in the build output:\n{stdout[-2000:]}")
    return int(m[1]), int(m[2]), int(m[3])


def runner_build(
    out: Path, *, force: bool = True, static: bool = False, env: dict[str, str] | None = None, sample: bool = False
) -> dict:
    """One ``hima reports build`` into ``out``: wall seconds, (built, unchanged, failed), peak tree
    RSS when ``sample`` is set, and stdout."""
    cmd = (
        [HIMA, "reports", "build", "--out", str(out)]
        + (["--force"] if force else [])
        + (["--static"] if static else [])
    )
    env = env or child_env()
    if sample:
        seconds, peak, cpu, stdout, stderr, rc = run_sampled(cmd, env=env)
        if rc != 0:
            raise RuntimeError(f"build failed ({rc}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    else:
        seconds, proc = run(cmd, env=env)
        peak, cpu, stdout = None, None, proc.stdout
    return {"seconds": seconds, "counts": parse_summary(stdout), "peak": peak, "cpu": cpu, "stdout": stdout}


def loop_build(runs, work: Path) -> float:
    """One pass of the baseline shell loop over every run of the grid; returns wall seconds."""
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
    return seconds


def measure(runs, reps: int, work: Path, floor_per_report: float) -> Section:
    """Interleaved repetitions (runner, loop, runner, loop, ...) so drift hits both sides alike.
    ``facts['build_dir']`` is the last runner build's output, reused by the size and rebuild
    sections."""
    sec = Section()
    builds, loops = [], []
    for i in range(reps):
        b = runner_build(work / f"build{i}", sample=True)
        if b["counts"][2]:
            raise RuntimeError(f"cold build had failures:\n{b['stdout']}")
        builds.append(b)
        loops.append(loop_build(runs, work / f"loop{i}"))
    # --force over an existing output folder: the runner orders reports longest first by their
    # recorded times (a fresh folder has none, so the cold builds above run in grid order).
    forced = [runner_build(work / f"build{reps - 1}", sample=True) for _ in range(reps)]
    jobs = os.cpu_count() or 1
    n = len(runs)
    b_secs = [b["seconds"] for b in builds]
    f_secs = [b["seconds"] for b in forced]
    cpus = [b["cpu"] for b in builds]
    util = median(cpus) / (median(b_secs) * jobs)
    peaks = [b["peak"] for b in builds]
    t_build, t_loop = median(b_secs), median(loops)
    floor = floor_per_report * n / jobs
    speedup, vs_floor = t_loop / t_build, t_build / floor
    sec.facts.update(
        build_dir=work / f"build{reps - 1}",
        build_seconds=t_build,
        floor=floor,
        jobs=jobs,
        speedup=speedup,
        vs_floor=vs_floor,
        peak=median(peaks),
        cpu=median(cpus),
        cpu_util=util,
        forced_seconds=median(f_secs),
        build_spread=max(b_secs) - min(b_secs),
        build_stdout=builds[-1]["stdout"],
    )
    sec.rows += [
        Row(
            "cold build",
            f"`hima reports build --force`, {n} reports, {jobs} jobs (default)",
            fmt_s(t_build),
            fmt_runs(b_secs),
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
            f"{fmt_runs(f_secs)}; floor ratio {median(f_secs) / floor:.2f}x",
        ),
        Row(
            "cold build",
            "baseline: sequential shell loop of `papermill` + `jupyter nbconvert --to html`",
            fmt_s(t_loop),
            fmt_runs(loops),
        ),
        Row(
            "cold build",
            "speed-up over the baseline loop",
            f"{speedup:.2f}x",
            "",
            ">= 2.5x (stretch 4x)",
            speedup >= 2.5,
        ),
        Row("cold build", "stretch: speed-up >= 4x", f"{speedup:.2f}x", "", ">= 4x (stretch)", speedup >= 4),
        Row(
            "cold build",
            f"floor = per-report floor x {n} reports / {jobs} jobs",
            fmt_s(floor),
            f"{fmt_s(floor_per_report)} x {n} / {jobs}",
        ),
        Row("cold build", "build / floor", f"{vs_floor:.2f}x", "", "<= 1.3x", vs_floor <= 1.3),
        Row(
            "build memory",
            "peak summed RSS of the build's process tree (100 ms sampler)",
            fmt_bytes(median(peaks)),
            fmt_runs(peaks, fmt_bytes),
            "<= 3 GB",
            median(peaks) <= 3 * 1024**3,
        ),
    ]
    sec.notes.append(
        "Runner and baseline repetitions are interleaved (build, loop, build, loop, ...). The baseline "
        "passes each run's parameters with `papermill -f <report>.yaml` (strings stay strings, the "
        "`peers` list survives), uses `-k hima-analytics` and the notebooks folder as `--cwd`, "
        "exactly the grid's runs; see `LOOP_SCRIPT` in `benchmarks/cold_build.py`."
    )
    return sec
