"""Data layer at scale: the toolkit (Polars + ``hima_analytics.metrics``) against an equivalent
pandas implementation on the synthetic registration panel (:mod:`panel`).

The panel is generated once, outside every timed region. Each implementation runs in its own
child process per repetition (interleaved), timed inside the child; its peak memory is the
child's own ``ru_maxrss`` (see :mod:`peakrss`), so one side never pollutes the other. Read time is
reported separately; the targets are judged on read + compute (what an analyst waits for), and
the compute-only ratio is shown too. Results of every implementation are asserted equal
(exact for keys and integers, 1e-9 relative for floats) before any number is reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import panel
from common import BENCH_DIR, PYTHON, Row, Section, fmt_bytes, fmt_runs, fmt_s, median, run

IMPLEMENTATIONS = {  # label: (folder slug, command after the interpreter)
    "toolkit (Polars, eager)": ("polars-eager", [str(BENCH_DIR / "datalayer_polars.py"), "{panel}", "{out}", "eager"]),
    "toolkit (Polars, streaming scan)": (
        "polars-streaming",
        [str(BENCH_DIR / "datalayer_polars.py"), "{panel}", "{out}", "streaming"],
    ),
    "pandas": ("pandas", [str(BENCH_DIR / "datalayer_pandas.py"), "{panel}", "{out}"]),
}
PRIMARY, BASELINE = "toolkit (Polars, streaming scan)", "pandas"
KEYS = {
    "totals": ["entity", "month"],
    "yoy": ["entity", "month"],
    "rolling": ["entity", "month"],
    "share_alliance": ["month", "entity"],
    "share_market": ["month", "entity"],
    "hhi": ["month"],
}


def run_child(args: list[str], panel_path: Path, out: Path) -> dict:
    """Run one implementation through :mod:`peakrss`; returns its timings plus its own peak RSS
    (bytes, ``ru_maxrss`` of the child)."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [PYTHON, str(BENCH_DIR / "peakrss.py"), PYTHON, *(a.format(panel=panel_path, out=out) for a in args)]
    _secs, proc = run(cmd)
    lines = proc.stdout.strip().splitlines()
    rss = json.loads(lines[-1])
    if rss["returncode"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return {**json.loads(lines[-2]), "peak": rss["peak_rss"]}


def assert_same(reference: Path, other: Path, label: str) -> None:
    """Every result frame of ``other`` equals ``reference``'s (keys exact, floats to 1e-9)."""
    import polars as pl
    from polars.testing import assert_frame_equal

    for name, keys in KEYS.items():
        a = pl.read_csv(reference / f"{name}.csv", infer_schema_length=None).sort(keys)
        b = pl.read_csv(other / f"{name}.csv", infer_schema_length=None).sort(keys)
        b = b.select(a.columns).cast(dict(a.schema), strict=False)
        try:
            assert_frame_equal(a, b, check_dtypes=False, rel_tol=1e-9, abs_tol=1e-12)
        except AssertionError as exc:
            raise AssertionError(f"{label}: result {name!r} differs from the toolkit's:\n{exc}") from None


def measure(reps: int, rows: int, work: Path) -> Section:
    sec = Section()
    work.mkdir(parents=True, exist_ok=True)
    panel_path = work / "panel.parquet"
    dims = panel.generate(rows, panel_path)
    runs: dict[str, list[dict]] = {k: [] for k in IMPLEMENTATIONS}
    for i in range(reps):
        for label, (slug, args) in IMPLEMENTATIONS.items():
            runs[label].append(run_child(args, panel_path, work / f"{slug}-{i}"))
    outs = {label: work / f"{slug}-{reps - 1}" for label, (slug, _args) in IMPLEMENTATIONS.items()}
    for label in IMPLEMENTATIONS:
        if label != PRIMARY:
            assert_same(outs[PRIMARY], outs[label], label)

    def med(label: str, key: str) -> float:
        return median([r[key] for r in runs[label]])

    for label in IMPLEMENTATIONS:
        totals = [r["total"] for r in runs[label]]
        read = (
            f"read {fmt_s(med(label, 'read'))}, compute {fmt_s(med(label, 'total') - med(label, 'read'))}; "
            if runs[label][0]["read"] is not None
            else "read and group-by fused; "
        )
        sec.rows.append(
            Row("data layer", f"{label}: read + compute", fmt_s(med(label, "total")), read + fmt_runs(totals))
        )
        sec.rows.append(
            Row(
                "data layer",
                f"{label}: peak RSS",
                fmt_bytes(med(label, "peak")),
                fmt_runs([r["peak"] for r in runs[label]], fmt_bytes),
            )
        )
    speed = med(BASELINE, "total") / med(PRIMARY, "total")
    eager = "toolkit (Polars, eager)"  # the variant with a separate read time
    compute = (med(BASELINE, "total") - med(BASELINE, "read")) / (med(eager, "total") - med(eager, "read"))
    mem = med(PRIMARY, "peak") / med(BASELINE, "peak")
    sec.rows += [
        Row(
            "data layer",
            "pandas time / toolkit time (read + compute)",
            f"{speed:.2f}x",
            f"toolkit: monthly_totals on a streaming scan; compute only (eager variant) {compute:.2f}x",
            ">= 5x",
            speed >= 5,
        ),
        Row("data layer", "toolkit peak RSS / pandas peak RSS", f"{mem:.2f}", "", "<= 0.5", mem <= 0.5),
    ]
    sec.facts.update(rows=rows, datalayer_speed=speed, datalayer_mem=mem, panel=panel_path, datalayer_runs=runs)
    sec.notes.append(
        f"Panel: {dims['rows']:,} rows (seed {panel.SEED}), {dims['days']} days 2022-01-01..2025-12-31 x "
        f"{dims['cities']} cities x {dims['brands']} brands ({dims['models']} models) x units, "
        f"{fmt_bytes(dims['bytes'])} of Parquet, generated once before any timing. Both sides read the same file "
        "and only the columns the metrics need (date, brand, units); pandas through pyarrow. The toolkit side is "
        "`hima_analytics.metrics.monthly_totals` on `pl.scan_parquet` (streaming), then the metric functions on "
        "the monthly frame. Every implementation's results were asserted "
        "equal to the toolkit's (keys exact, floats to 1e-9 relative). Peak RSS includes each interpreter and its "
        "library imports."
    )
    return sec
