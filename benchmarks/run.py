"""``make bench``: every benchmark side by side in one run, RESULTS.md written and its table
printed. See ``benchmarks/README.md`` for what is measured and how.

Usage: ``python benchmarks/run.py [--reps N] [--import-reps N] [--rows N] [--keep]``.
All work happens in a temporary folder (removed unless ``--keep``); the only file written in the
project is ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_build  # noqa: E402
import datalayer  # noqa: E402
import diagnosis  # noqa: E402
import imports  # noqa: E402
import kernels  # noqa: E402
import machine  # noqa: E402
import rebuild  # noqa: E402
import results  # noqa: E402
import sizes  # noqa: E402
from common import BENCH_DIR, Section  # noqa: E402
from reportgrid import load_runs  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=3, help="repetitions per measurement (median; at least 3)")
    p.add_argument("--import-reps", type=int, default=5, help="repetitions of the import timings (at least 5)")
    p.add_argument("--rows", type=int, default=10_000_000, help="rows of the synthetic registration panel")
    p.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    p.add_argument("--out", type=Path, default=BENCH_DIR / "RESULTS.md", help="where to write the results")
    return p.parse_args(argv)


def step(label: str):
    print(f"[bench] {time.strftime('%H:%M:%S')} {label}...", flush=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="hima-bench-"))
    try:
        runs = load_runs()
        done: list[Section] = []
        step("imports")
        done.append(imports.measure(args.import_reps, work / "imports"))
        step("kernel start, floor and empty notebook")
        k = kernels.measure(runs, args.reps)
        done.append(k)
        step(f"cold build vs papermill + nbconvert loop ({len(runs)} reports x {args.reps})")
        cold = cold_build.measure(runs, args.reps, work / "cold", k.facts["floor_per_report"])
        done.append(cold)
        step("rebuilds")
        done.append(rebuild.measure(runs, args.reps, work / "rebuild", cold.facts["build_dir"]))
        step("report sizes (static build)")
        done.append(sizes.measure(runs, work / "sizes", cold.facts["build_dir"]))
        step(f"data layer ({args.rows:,} rows)")
        done.append(datalayer.measure(args.reps, args.rows, work / "datalayer"))

        rows = [r for s in done for r in s.rows]
        facts = {k_: v for s in done for k_, v in s.facts.items()}
        notes = [n for s in done for n in s.notes]
        step("profiles of missed targets")
        findings = diagnosis.findings(rows, facts, runs, work / "profiles")
        wall = time.perf_counter() - started
        text = results.markdown(
            rows,
            machine.describe(load_before),
            notes,
            findings,
            facts["size_table"],
            reps=args.reps,
            import_reps=args.import_reps,
            wall=wall,
            command="make bench",
        )
        args.out.write_text(text, encoding="utf-8")
        print()
        print(results.table(rows))
        print()
        print(results.targets_summary(rows))
        print(f"\n[bench] wrote {args.out} in {wall / 60:.1f} min")
    finally:
        if args.keep:
            print(f"[bench] work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
