"""Import cost in fresh interpreters: ``import hima_analytics`` against ``import polars``, and
what a notebook really does first (``import hima_analytics`` + the first ``load("volumes")``).

Every statement runs in its own new interpreter and is timed inside it (interpreter start-up
excluded). Compiled bytecode is guaranteed present for everything: the children use a private
``PYTHONPYCACHEPREFIX`` that a warm-up run fills, so the result does not depend on whether the
checkout's ``__pycache__`` folders exist (the environment sets ``PYTHONDONTWRITEBYTECODE=1``).
"""

from __future__ import annotations

from pathlib import Path

from common import PYTHON, Row, Section, child_env, fmt_runs, fmt_s, median, run

STATEMENTS = {
    "polars": "import polars",
    "hima_analytics": "import hima_analytics",
    "hima_analytics + load": "import hima_analytics; hima_analytics.load('volumes')",
    "setup cell imports": (
        "import polars as pl; import hima_analytics as ha; from hima_analytics import display, metrics, notebook"
    ),
}

TIMER = "import time; t0 = time.perf_counter(); exec({stmt!r}); print(time.perf_counter() - t0)"


def bytecode_env(prefix: Path) -> dict[str, str]:
    return child_env(PYTHONPYCACHEPREFIX=str(prefix), PYTHONDONTWRITEBYTECODE=None)


def time_statement(stmt: str, env: dict[str, str]) -> float:
    _secs, proc = run([PYTHON, "-c", TIMER.format(stmt=stmt)], env=env)
    return float(proc.stdout.strip().splitlines()[-1])


def measure(reps: int, work: Path) -> Section:
    sec = Section()
    env = bytecode_env(work / "pycache")
    for stmt in STATEMENTS.values():  # warm-up: writes the bytecode into the private prefix
        time_statement(stmt, env)
    times = {label: [] for label in STATEMENTS}
    for _ in range(reps):  # interleaved, so drift hits every statement alike
        for label, stmt in STATEMENTS.items():
            times[label].append(time_statement(stmt, env))
    med = {k: median(v) for k, v in times.items()}
    ratio = med["hima_analytics"] / med["polars"]
    sec.rows += [
        Row(
            "imports",
            "`import polars` (fresh interpreter, bytecode present)",
            fmt_s(med["polars"]),
            fmt_runs(times["polars"]),
        ),
        Row("imports", "`import hima_analytics`", fmt_s(med["hima_analytics"]), fmt_runs(times["hima_analytics"])),
        Row("imports", "`import hima_analytics` / `import polars`", f"{ratio:.2f}x", "", "<= 1.5x", ratio <= 1.5),
        Row(
            "imports",
            '`import hima_analytics` + first `load("volumes")`',
            fmt_s(med["hima_analytics + load"]),
            fmt_runs(times["hima_analytics + load"]),
        ),
        Row(
            "imports",
            "a report's setup-cell imports (polars, hima_analytics, charts, metrics, notebook, tables)",
            fmt_s(med["setup cell imports"]),
            fmt_runs(times["setup cell imports"]),
        ),
    ]
    sec.facts.update(
        import_ratio=ratio,
        bytecode_env=env,
        import_hima=med["hima_analytics"],
        import_and_load=med["hima_analytics + load"],
    )
    return sec
