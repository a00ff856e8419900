"""Incremental rebuilds: nothing changed, then one data file changed.

The no-change rebuild is timed as the user runs it (``hima reports build``, whole command, wall
clock); further runs through :mod:`instrument` time each stage of the parent (grid, catalog,
data snapshot, keys, index, ...) for the diagnosis.

The runner keys each report on content hashes of its notebook, parameters, package code and
the CSV files of the datasets it read on its last run (recorded at run time through
``$HIMA_DATASETS_LOG``; before a report's first run, static analysis of its ``load("name")``
calls plus the reference tables). A touch that keeps the content changes nothing, so the one-file case
makes a real change: ``HIMA_DATA_DIR`` points at a temporary copy of ``data/`` and each
repetition appends one new, valid, non-preferred row to ``financials/peer_fin.csv`` (a copy of
the first row attributed to a later source of the same table). The shipped data is never touched.

The expected set of reports is derived from a run-time trace of what each notebook reads
(:mod:`readers`), so a report the static analysis misses shows up as stale.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from cold_build import runner_build
from common import DATA, Row, Section, child_env, fmt_runs, fmt_s, median
from readers import static_reads, traced_reads

NOCHANGE_TARGET = 0.5  # seconds

CHANGED_TABLE = "financials"
CHANGED_FILE = Path("financials") / "peer_fin.csv"
_OK = re.compile(r"^ok\s+(\S+)", re.M)


def code_hash() -> str:
    from hima_analytics.reporting.manifest import code_hash as h

    return h()


def append_financials_row(data: Path, i: int) -> str:
    """Append the ``i``-th benchmark row to the copy's ``peer_fin.csv``; returns a description."""
    path = data / CHANGED_FILE
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    first = rows[0]
    later = list(dict.fromkeys(r["source_id"] for r in rows if r["period_start"] > first["period_end"]))
    row = {**first, "source_id": later[i], "preferred": "false", "note": f"benchmark row {i + 1} (not preferred)"}
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(first), lineterminator="\n").writerow(row)
    return f"{first['company']} {first['metric']} {first['period_start']} from {later[i]}, preferred=false"


def recorded_reads(runs, build_dir: Path) -> dict[str, list[str]]:
    """{notebook: the datasets the runner keyed its report on}, from the build's manifest (the
    first report of each notebook)."""
    from hima_analytics.reporting.manifest import read_manifest
    from hima_analytics.reporting.runner import state_dir

    manifest = read_manifest(state_dir(build_dir) / "manifest.json")
    out: dict[str, list[str]] = {}
    for r in runs:
        if r.name in manifest:
            out.setdefault(r.notebook, sorted(manifest[r.name].datasets))
    return out


def measure(runs, reps: int, work: Path, build_dir: Path) -> Section:
    sec = Section()
    before = code_hash()
    nochange = [runner_build(build_dir, force=False) for _ in range(reps)]
    counts = [b["counts"][0] for b in nochange]
    secs = [b["seconds"] for b in nochange]
    timed = [runner_build(build_dir, force=False, instrument=work / f"nochange{i}") for i in range(reps)]
    sec.rows.append(
        Row(
            "rebuild",
            "nothing changed: `hima reports build` again (whole command, wall clock)",
            fmt_s(median(secs)),
            fmt_runs(secs),
            f"< {NOCHANGE_TARGET:g} s",
            median(secs) < NOCHANGE_TARGET,
            issue15=True,
        )
    )
    sec.rows.append(
        Row(
            "rebuild",
            "nothing changed: reports executed",
            str(max(counts)),
            f"per repetition {counts}",
            "0",
            max(counts) == 0,
            issue15=True,
        )
    )

    data = work / "data"
    shutil.copytree(DATA, data)
    env = child_env(HIMA_DATA_DIR=str(data))
    same = runner_build(build_dir, force=False, env=env)  # a copy with identical content changes nothing
    changed, built_sets, described, change_lines = [], [], [], []
    for i in range(reps):
        described.append(append_financials_row(data, i))
        b = runner_build(build_dir, force=False, env=env)
        changed.append(b["seconds"])
        built_sets.append(sorted(_OK.findall(b["stdout"])))
        change_lines += [ln for ln in b["stdout"].splitlines() if ln.startswith("data since the previous build")]
    traced, static = traced_reads(runs, work), static_reads(runs)
    recorded = recorded_reads(runs, build_dir)
    readers = sorted(r.name for r in runs if CHANGED_TABLE in traced[r.notebook])
    static_readers = sorted(r.name for r in runs if CHANGED_TABLE in static[r.notebook])
    built = built_sets[-1]
    stale = sorted(set(readers) - set(built))
    extra = sorted(set(built) - set(readers))
    ok = not stale and not extra and all(s == built for s in built_sets)
    sec.rows.append(
        Row("rebuild", f"one data file changed ({CHANGED_FILE}): time", fmt_s(median(changed)), fmt_runs(changed))
    )
    detail = ", ".join(built)
    if stale:
        detail += f"; STALE (read {CHANGED_TABLE} but not rebuilt): {', '.join(stale)}"
    if extra:
        detail += f"; not readers: {', '.join(extra)}"
    sec.rows.append(
        Row(
            "rebuild",
            "one data file changed: reports executed",
            f"{len(built)} of {len(runs)}",
            detail,
            "only (and all) the readers",
            ok,
            issue15=True,
        )
    )
    if code_hash() != before:
        sec.notes.append(
            "WARNING: the package code changed while the rebuilds ran (someone edited "
            "`hima_analytics/`); the runner then rebuilds every report, so the rebuild rows of this run "
            "are not meaningful. Rerun `make bench` on a quiet tree."
        )
    sec.facts.update(
        stale=stale,
        extra=extra,
        built_sets=built_sets,
        traced=traced,
        static=static,
        readers=readers,
        static_readers=static_readers,
        recorded=recorded,
        build_dir=build_dir,
        nochange_seconds=median(secs),
        nochange_timed=[{"seconds": t["seconds"], **t["stages"]} for t in timed],
        onefile_seconds=median(changed),
    )
    sec.notes += [
        "The runner records at run time which datasets each report loads (the kernel appends each `load()` to the "
        "file `$HIMA_DATASETS_LOG` names; validation counts as every table) and keys the report on those files; "
        "before a report's first run it falls back to static analysis of the notebook's `load(\"name\")` calls. "
        "Keys are content hashes, so mtime alone changes nothing "
        f"(pointing `HIMA_DATA_DIR` at an identical copy executed {same['counts'][0]} reports).",
        f"Changed table: `{CHANGED_TABLE}` (`data/{CHANGED_FILE}` in a temporary copy; one new valid row per "
        f"repetition: {described[0]}, then the next later source). Readers by run-time trace: "
        f"{', '.join(readers)}. Readers by the runner's static analysis: {', '.join(static_readers)}. "
        f"What the build said about it: `{change_lines[-1] if change_lines else '(no data-change line)'}`.",
    ]
    return sec
