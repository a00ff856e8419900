"""The report runner on small fixture notebooks: failure isolation, parameter checks, atomic
writes, incremental skips and the parent-enforced time limit."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import psutil
import pytest
from click.testing import CliRunner
from nbformat import v4

from hima_analytics.cli import main
from hima_analytics.reporting.grid import GridError, Run, apply_overrides, load_grid
from hima_analytics.reporting.runner import build, state_dir


def write_notebook(folder: Path, name: str, body: str, params: str = 'label = "x"') -> None:
    cells = [v4.new_code_cell(params), v4.new_code_cell(body)]
    cells[0].metadata["tags"] = ["parameters"]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "hima-analytics",
        "display_name": "Python (hima_analytics)",
        "language": "python",
    }
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture
def workspace(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs, "good", 'print("hello", label)')
    write_notebook(nbs, "failing", "1 / 0")
    write_notebook(nbs, "slow", "import time\ntime.sleep(120)")
    (tmp_path / "grid.toml").write_text(
        '[[report]]\nnotebook = "good"\ntitle = "Good <b>report</b>"\n\n'
        '[[report]]\nnotebook = "failing"\ntitle = "Failing"\n',
        encoding="utf-8",
    )
    return tmp_path


def test_a_failing_report_does_not_stop_the_others(workspace):
    out = workspace / "html"
    runs = [Run("good", "good", "Good", {}), Run("failing", "failing", "Failing", {})]
    results = {r.name: r for r in build(runs, out_dir=out, jobs=2, notebooks=workspace / "notebooks")}
    assert results["good"].status == "ok" and (out / "good.html").exists()
    failed = results["failing"]
    assert failed.status == "failed" and "ZeroDivisionError" in failed.error and failed.cell == 2
    log = Path(failed.log).read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and "1 / 0" in log
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in index and 'href="good.html"' in index


def test_cli_lists_the_failure_and_exits_non_zero(workspace):
    result = CliRunner().invoke(
        main,
        [
            "reports",
            "build",
            "--grid",
            str(workspace / "grid.toml"),
            "--notebooks",
            str(workspace / "notebooks"),
            "--out",
            str(workspace / "html"),
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 1
    assert "ok      good" in result.output and "failed  failing" in result.output
    assert "FAILED failing: ZeroDivisionError: division by zero in cell 2" in result.output


def test_last_good_html_survives_a_failed_rebuild(workspace):
    out, nbs = workspace / "html", workspace / "notebooks"
    build([Run("good", "good", "Good", {})], out_dir=out, notebooks=nbs)
    before = (out / "good.html").read_bytes()
    write_notebook(nbs, "good", 'raise RuntimeError("broken data")')
    [result] = build([Run("good", "good", "Good", {})], out_dir=out, notebooks=nbs)
    assert result.status == "failed"
    assert (out / "good.html").read_bytes() == before
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]


def test_unchanged_reports_are_skipped_and_nothing_is_rewritten(workspace):
    out, nbs = workspace / "html", workspace / "notebooks"
    runs = [Run("good", "good", "Good", {})]
    build(runs, out_dir=out, notebooks=nbs)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "logs" not in p.parts}
    [again] = build(runs, out_dir=out, notebooks=nbs)
    assert again.status == "skipped"
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    [changed] = build([Run("good", "good", "Good", {"label": "y"})], out_dir=out, notebooks=nbs)
    assert changed.status == "ok"  # a parameter change is a change
    [forced] = build(runs, out_dir=out, notebooks=nbs, force=True)
    assert forced.status == "ok"


def test_unknown_parameters_are_rejected_before_running(workspace):
    grid = workspace / "bad.toml"
    grid.write_text('[[report]]\nnotebook = "good"\nparams = { labl = "x" }\n', encoding="utf-8")
    with pytest.raises(GridError, match=r"unknown parameter\(s\) \['labl'\].*declares \['label'\]"):
        load_grid(grid, workspace / "notebooks")
    runs, _ = load_grid(workspace / "grid.toml", workspace / "notebooks")
    with pytest.raises(GridError, match="has no parameter 'nope'"):
        apply_overrides(runs[:1], ["nope=1"], workspace / "notebooks")
    assert apply_overrides(runs[:1], ["label=2024"], workspace / "notebooks")[0].params == {"label": "2024"}


def test_bad_parameter_values_fail_with_a_clear_error(tmp_path):
    nbs = tmp_path / "nb"
    nbs.mkdir()
    write_notebook(
        nbs, "brand", "from hima_analytics import notebook as hn\np = hn.start(brand=brand)", params='brand = "AITO"'
    )
    [r] = build([Run("brand", "brand", "Brand", {"brand": "AITOO"})], out_dir=tmp_path / "out", notebooks=nbs)
    assert r.status == "failed" and "ParameterError" in r.error and "Did you mean 'AITO'" in r.error


def _kernel_processes() -> set[int]:
    """Ordinary kernels, warm-kernel servers and launchers, and kernels forked from a server
    (which keep the server's command line)."""
    marks = ("ipykernel_launcher", "hima_analytics.reporting.warm_kernels")
    return {
        p.pid for p in psutil.process_iter(["cmdline"]) if any(m in " ".join(p.info["cmdline"] or []) for m in marks)
    }


@pytest.mark.parametrize("warm", [True, False], ids=["warm-kernels", "cold-kernels"])
def test_time_limit_is_enforced_from_the_parent(workspace, warm):
    before = _kernel_processes()
    started = time.monotonic()
    [r] = build(
        [Run("slow", "slow", "Slow", {})],
        out_dir=workspace / "html",
        notebooks=workspace / "notebooks",
        timeout=8,
        warm_kernels=warm,
    )
    assert r.status == "failed" and "timed out after 8s" in r.error
    assert time.monotonic() - started < 60
    deadline = time.monotonic() + 5
    while _kernel_processes() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _kernel_processes() <= before, "the timed-out report's kernel (or its server) was left running"


def test_warm_and_cold_kernels_give_the_same_report(workspace):
    nbs = workspace / "notebooks"
    write_notebook(
        nbs, "env", 'import os, sys\nprint(label, os.getcwd() == os.path.abspath("."), "polars" in sys.modules)'
    )
    runs = [Run("env", "env", "Env", {"label": "x"})]
    pages = {}
    for warm in (True, False):
        out = workspace / f"html-{warm}"
        [r] = build(runs, out_dir=out, notebooks=nbs, warm_kernels=warm)
        assert r.status == "ok", r.error
        pages[warm] = (out / "notebooks" / "env.ipynb").read_text(encoding="utf-8")
    assert "x True" in pages[True]
    # The warm kernel has polars imported already; everything else about the run is identical.
    assert pages[True].replace("x True True", "x True False") == pages[False]


def test_builds_fall_back_to_ordinary_kernels_when_the_server_fails(workspace, monkeypatch):
    from hima_analytics.reporting import warm_kernels

    def broken(self):
        raise RuntimeError("the kernel server did not start: simulated.")

    monkeypatch.setattr(warm_kernels.KernelServer, "wait_ready", broken)
    warnings = []
    [r] = build(
        [Run("good", "good", "Good", {})],
        out_dir=workspace / "html",
        notebooks=workspace / "notebooks",
        on_warning=warnings.append,
    )
    assert r.status == "ok"
    assert len(warnings) == 1 and "simulated" in warnings[0] and "ordinary kernels" in warnings[0]


def test_rebuilds_follow_the_datasets_a_report_actually_read(tmp_path, monkeypatch):
    import json
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "good", data)
    monkeypatch.setenv("HIMA_DATA_DIR", str(data))
    nbs = tmp_path / "nb"
    nbs.mkdir()
    # The dataset name is built at run time, so only run-time tracking can see the dependency.
    write_notebook(nbs, "hidden", 'import hima_analytics as ha\nha.load("mar" + "ket").height')
    out, runs = tmp_path / "out", [Run("hidden", "hidden", "Hidden", {})]
    [first] = build(runs, out_dir=out, notebooks=nbs)
    assert first.status == "ok"
    manifest = json.loads((state_dir(out) / "manifest.json").read_text(encoding="utf-8"))
    assert "market" in manifest["hidden"]["datasets"]
    with open(data / "events" / "fixture.csv", "a", encoding="utf-8") as fh:  # not read: no rebuild
        fh.write("2024-03-01,day,AITO_M9,other,An unrelated event,,,fx-hima-2025-07,\n")
    assert build(runs, out_dir=out, notebooks=nbs)[0].status == "skipped"
    with open(data / "market" / "fixture.csv", "a", encoding="utf-8") as fh:  # read: rebuild
        fh.write("2025-05,nev_passenger,retail,900000,exact,fx-hima-2025-06,true,\n")
    assert build(runs, out_dir=out, notebooks=nbs)[0].status == "ok"


def test_longest_reports_start_first_once_their_times_are_known(workspace):
    # A fresh folder has no recorded times: reports run in grid order. On the next build the
    # report that took longest last time starts first, so it does not run alone at the end.
    out, nbs = workspace / "html", workspace / "notebooks"
    write_notebook(nbs, "quick", 'print("quick", label)')
    write_notebook(nbs, "long", 'import time\ntime.sleep(1.5)\nprint("long", label)')
    runs = [Run("quick", "quick", "Quick", {}), Run("long", "long", "Long", {})]
    first = build(runs, out_dir=out, jobs=1, notebooks=nbs)
    assert [r.name for r in first] == ["quick", "long"]
    assert first[1].seconds > first[0].seconds
    again = build(runs, out_dir=out, jobs=1, notebooks=nbs, force=True)
    assert [r.name for r in again] == ["long", "quick"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index('href="quick.html"') < index.index('href="long.html"')  # the index keeps grid order


def test_parameters_are_read_from_the_parameters_cell_with_their_types(tmp_path):
    from hima_analytics.reporting.grid import notebook_parameters

    write_notebook(
        tmp_path, "typed", "print(brand)", params='brand = "AITO"\nhorizon = 6\npeers = ["NIO"]\nnote: str = "x"'
    )
    declared = notebook_parameters(tmp_path / "typed.ipynb")
    assert {k: v["inferred_type_name"] for k, v in declared.items()} == {
        "brand": "str",
        "horizon": "int",
        "peers": "list",
        "note": "str",
    }
    assert declared["brand"]["default"] == '"AITO"'
    runs = apply_overrides([Run("typed", "typed", "Typed", {})], ["horizon=3", "brand=LUXEED"], tmp_path)
    assert runs[0].params == {"horizon": 3, "brand": "LUXEED"}  # '3' stays a whole number, 'LUXEED' a string
    with pytest.raises(GridError, match="expected a whole number"):
        apply_overrides([Run("typed", "typed", "Typed", {})], ["horizon=three"], tmp_path)
    write_notebook(tmp_path, "broken", "1", params="brand = (")
    with pytest.raises(GridError, match="parameters cell is not valid Python"):
        notebook_parameters(tmp_path / "broken.ipynb")


def test_a_build_after_adding_a_row_rebuilds_its_readers_and_says_what_changed(tmp_path, monkeypatch):
    import shutil

    data, overlay = tmp_path / "data", tmp_path / "overlay"
    shutil.copytree(Path(__file__).parent / "fixtures" / "good", data)
    monkeypatch.setenv("HIMA_DATA_DIR", str(data))
    monkeypatch.setenv("HIMA_DATA_OVERLAY", str(overlay))
    overlay.mkdir()
    nbs = tmp_path / "nb"
    nbs.mkdir()
    write_notebook(nbs, "deliveries", 'import hima_analytics as ha\nha.load("volumes").height')
    write_notebook(nbs, "market", 'import hima_analytics as ha\nha.load("market").height')
    grid = tmp_path / "grid.toml"
    grid.write_text(
        '[[report]]\nnotebook = "deliveries"\ntitle = "Deliveries"\n\n'
        '[[report]]\nnotebook = "market"\ntitle = "Market"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["reports", "build", "--grid", str(grid), "--notebooks", str(nbs), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    unchanged = CliRunner().invoke(main, args)
    assert "0 built, 2 unchanged" in unchanged.output and "data since the previous build: no change" in unchanged.output

    added = CliRunner().invoke(
        main,
        [
            "data",
            "add",
            "volumes",
            "--entity",
            "HIMA",
            "--month",
            "2025-07",
            "--value",
            "47752",
            "--qualifier",
            "exact",
            "--source-id",  # a known source: only volumes change, so only its reader is rebuilt
            "fx-hima-2025-07",
        ],
    )
    assert added.exit_code == 0, added.output
    assert (overlay / "volumes" / "local.csv").exists()
    rebuilt = CliRunner().invoke(main, args)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "ok      deliveries" in rebuilt.output and "skipped market" in rebuilt.output
    assert "data since the previous build: volumes: 1 added; rebuilt because of it: deliveries" in rebuilt.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Latest change to the data: volumes: 1 added. Rebuilt because of it: Deliveries." in index
    # The index keeps saying so until the data changes again, and stays byte-identical meanwhile.
    CliRunner().invoke(main, args)
    assert (out / "index.html").read_text(encoding="utf-8") == index
    diff = CliRunner().invoke(main, ["data", "diff", "--out", str(out)])
    assert diff.exit_code == 0 and "since the last build: no change" in diff.output


def _age(*files: Path, seconds: float = 60) -> None:
    """Move files' modification times into the past, out of the stamp's racy window."""
    import os

    past = time.time() - seconds
    for f in files:
        os.utime(f, (past, past))


def _build_in_child(args: list[str]) -> tuple[str, bool]:
    """Run ``hima`` in a fresh interpreter; its output and whether it imported Polars."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom hima_analytics.cli import main\ntry:\n    main(sys.argv[1:])\n"
        "finally:\n    print('polars imported:', 'polars' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300)
    return proc.stdout + proc.stderr, "polars imported: True" in proc.stdout


def test_a_no_change_build_answers_from_the_stamp_and_any_change_goes_the_full_way(workspace):
    nbs, out = workspace / "notebooks", workspace / "html"
    grid = workspace / "one.toml"
    grid.write_text('[[report]]\nnotebook = "good"\ntitle = "Good"\n', encoding="utf-8")
    _age(grid, *nbs.glob("*.ipynb"))
    args = ["reports", "build", "--grid", str(grid), "--notebooks", str(nbs), "--out", str(out)]
    first, _ = _build_in_child(args)
    assert "1 built, 0 unchanged" in first and (state_dir(out) / "stamp.json").exists()
    again, heavy = _build_in_child(args)
    assert "skipped good" in again and "0 built, 1 unchanged, 0 failed" in again
    assert "data since the previous build: no change" in again
    assert not heavy, "a no-change build must answer before Polars is imported"
    # A notebook edit, a truncated page, a different option or environment: the full path decides.
    write_notebook(nbs, "good", 'print("hello again", label)')
    _age(*nbs.glob("*.ipynb"))
    edited, heavy = _build_in_child(args)
    assert heavy and "ok      good" in edited and "1 built" in edited
    page = out / "good.html"
    page.write_bytes(page.read_bytes()[:200])
    truncated, _ = _build_in_child(args)
    assert "ok      good" in truncated and page.read_bytes().rstrip().endswith(b"</html>")
    static, _ = _build_in_child([*args, "--static"])
    assert "ok      good" in static
    import os

    os.environ["HIMA_CJK_FONT"] = "/nonexistent/font.ttc"
    try:
        other_env, heavy = _build_in_child([*args, "--static"])
    finally:
        del os.environ["HIMA_CJK_FONT"]
    assert heavy and "0 built, 1 unchanged" in other_env  # decided by content: nothing to rebuild
    # --force never trusts the stamp.
    forced, _ = _build_in_child([*args, "--static", "--force"])
    assert "ok      good" in forced


def test_a_stamp_is_not_written_while_an_input_is_racy(tmp_path):
    from hima_analytics.reporting import stamp

    out, nbs = tmp_path / "html", tmp_path / "nb"
    nbs.mkdir()
    grid = tmp_path / "grid.toml"
    grid.write_text("", encoding="utf-8")
    now = stamp.current(out, notebooks=nbs, grid=grid, options={})
    assert not stamp.write(out, now, [], [])  # the grid was written a moment ago
    assert stamp.matches(out, now) is None
    _age(grid)
    aged = stamp.current(out, notebooks=nbs, grid=grid, options={})
    assert stamp.write(out, aged, ["r"], ["skipped r"])
    assert stamp.matches(out, aged) == (["r"], ["skipped r"])
    assert stamp.matches(out, {**aged, "options": {"static": True}}) is None
