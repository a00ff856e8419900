"""Stopping, killing and damaging builds: nothing survives, nothing is left half-written, and the
next build repairs what it finds.

Builds run as ``python -m hima_analytics.cli reports build`` subprocesses on fixture notebooks
that write a marker file once their kernel runs and then hold (until a release file appears, or
a number of seconds), with ``HIMA_DATA_DIR`` on a copy of the fixture data. Waits poll with a
deadline; the deadlines bound hangs and are not timing assertions.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from test_runner import write_notebook

from hima_analytics.cli import main
from hima_analytics.reporting.runner import state_dir

GOOD = Path(__file__).parent / "fixtures" / "good"
#: Bounds for hangs (seconds): a kernel to start and reach its cell, a stopped build to exit,
#: a killed build's processes to die.
START_DEADLINE = 90
STOP_DEADLINE = 20
DEATH_DEADLINE = 15

HOLD = """import pathlib, time
if marker:
    pathlib.Path(marker).write_text("running", encoding="utf-8")
deadline = time.monotonic() + seconds
while time.monotonic() < deadline and not (release and pathlib.Path(release).exists()):
    time.sleep(0.05)
print("done", label)"""
HOLD_PARAMS = 'label = "x"\nmarker = ""\nrelease = ""\nseconds = 0'


@dataclass
class Project:
    root: Path
    notebooks: Path
    out: Path
    env: dict[str, str]

    @property
    def state(self) -> Path:
        return state_dir(self.out)

    def grid(self, name: str, reports: dict[str, dict]) -> Path:
        """A grid of ``hold`` reports: name -> parameters (``label`` defaults to the name)."""
        entries = []
        for report, params in reports.items():
            values = ", ".join(f"{k} = {_toml(v)}" for k, v in {"label": report, **params}.items())
            entries.append(
                f'[[report]]\nname = "{report}"\nnotebook = "hold"\ntitle = "Hold {report}"\nparams = {{ {values} }}\n'
            )
        path = self.root / f"{name}.toml"
        path.write_text("\n".join(entries), encoding="utf-8")
        return path

    def command(self, grid: Path, *extra: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "hima_analytics.cli",
            "reports",
            "build",
            "--grid",
            str(grid),
            "--notebooks",
            str(self.notebooks),
            "--out",
            str(self.out),
            *extra,
        ]

    def start(self, grid: Path, *extra: str, log: str = "build", session: bool = False) -> subprocess.Popen:
        """The build in the background, its output in ``<log>.out`` and ``<log>.err``; with
        ``session``, in a session of its own, as a command started from a terminal."""
        with (
            open(self.root / f"{log}.out", "w", encoding="utf-8") as out,
            open(self.root / f"{log}.err", "w", encoding="utf-8") as err,
        ):
            return subprocess.Popen(
                self.command(grid, *extra),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=session,
            )

    def output(self, log: str = "build") -> str:
        return (self.root / f"{log}.out").read_text(encoding="utf-8") + (self.root / f"{log}.err").read_text(
            encoding="utf-8"
        )


def _toml(value) -> str:
    return str(value) if isinstance(value, int) else '"' + str(value).replace("\\", "\\\\") + '"'


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks, "hold", HOLD, params=HOLD_PARAMS)
    monkeypatch.setenv("HIMA_DATA_DIR", str(data))  # for the builds run in this process
    env = {**os.environ, "HIMA_DATA_DIR": str(data), "HIMA_DATA_OVERLAY": ""}
    return Project(tmp_path, notebooks, tmp_path / "html", env)


def wait_for(condition, deadline: float, what: str, build: subprocess.Popen | None = None, project=None) -> None:
    """Poll ``condition`` until it holds; fail after ``deadline`` seconds or if ``build`` exits."""
    end = time.monotonic() + deadline
    while not condition():
        if build is not None and build.poll() is not None:
            pytest.fail(f"the build exited ({build.returncode}) before {what}:\n{project.output() if project else ''}")
        if time.monotonic() > end:
            pytest.fail(f"not {what} after {deadline}s:\n{project.output() if project else ''}")
        time.sleep(0.05)


def alive(proc: psutil.Process) -> bool:
    """Running and not a zombie (a zombie runs nothing; it only waits to be reaped)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return ""


def related(marks: list[str]) -> list[str]:
    """Live processes (other than this one) whose command line mentions one of ``marks``."""
    found = []
    for proc in psutil.process_iter():
        if proc.pid != os.getpid() and alive(proc) and any(m in (line := cmdline(proc)) for m in marks):
            found.append(f"{proc.pid}: {line[:200]}")
    return found


def running_holds(project: Project, build: subprocess.Popen, markers: list[Path]) -> list[psutil.Process]:
    """Wait until every marker exists (each report's kernel is inside its cell); return the
    build's descendants at that moment."""
    wait_for(lambda: all(m.exists() for m in markers), START_DEADLINE, "every kernel was running", build, project)
    return psutil.Process(build.pid).children(recursive=True)


def kernels_among(procs: list[psutil.Process]) -> list[str]:
    lines = [cmdline(p) for p in procs]
    return [c for c in lines if "ipykernel_launcher" in c or "warm_kernels launch" in c or "warm_kernels serve" in c]


def assert_nothing_left(project: Project, pid: int, procs: list[psutil.Process]) -> None:
    """No process of the build alive, no runtime folder, connection file or half-written file."""
    end = time.monotonic() + DEATH_DEADLINE
    while any(alive(p) for p in procs) and time.monotonic() < end:
        time.sleep(0.1)
    survivors = [f"{p.pid}: {cmdline(p)[:200]}" for p in procs if alive(p)]
    assert survivors == [], "processes of the build survived it"
    runtime = project.state / f"runtime-{pid}"
    assert related([str(project.root), str(runtime), f"hima-kernels-{pid}-"]) == []
    assert list(project.state.glob("runtime-*")) == []
    assert [p for root in (project.state, project.root) for p in root.rglob("kernel-*.json")] == []
    assert list(Path(tempfile.gettempdir()).glob(f"hima-kernels-{pid}-*")) == []
    assert list(project.out.rglob(".*.tmp")) == []


def kill_all(build: subprocess.Popen, procs: list[psutil.Process]) -> None:
    """Clean-up after a failed assertion: the test's own processes, by pid."""
    for p in procs:
        try:
            if alive(p):
                p.kill()
        except psutil.NoSuchProcess:
            pass
    if build.poll() is None:
        build.kill()
    build.wait()
    psutil.wait_procs(procs, timeout=5)


# -- a clean stop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "to", "kernels"),
    [
        (signal.SIGTERM, "build", "--warm-kernels"),
        (signal.SIGINT, "build", "--warm-kernels"),
        (signal.SIGINT, "group", "--warm-kernels"),
        (signal.SIGTERM, "build", "--cold-kernels"),
        (signal.SIGINT, "group", "--cold-kernels"),
    ],
    ids=["SIGTERM-warm", "SIGINT-warm", "ctrl-c-warm", "SIGTERM-cold", "ctrl-c-cold"],
)
def test_a_signal_stops_the_build_and_everything_it_started(project, signum, to, kernels):
    markers = [project.root / "a.running", project.root / "b.running"]
    grid = project.grid(
        "hold", {"a": {"marker": markers[0], "seconds": 60}, "b": {"marker": markers[1], "seconds": 60}}
    )
    build = project.start(grid, "--jobs", "2", kernels, session=True)
    procs: list[psutil.Process] = []
    try:
        procs = running_holds(project, build, markers)
        assert len(kernels_among(procs)) >= 2, [cmdline(p) for p in procs]
        assert (project.state / f"runtime-{build.pid}").is_dir()
        build.send_signal(signum)
        if to == "group":  # what a terminal does on Ctrl-C: every process of the foreground group
            for p in procs:
                try:
                    if os.getpgid(p.pid) == build.pid:
                        p.send_signal(signum)
                except (ProcessLookupError, psutil.NoSuchProcess):
                    pass
        try:
            code = build.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the build did not exit within {STOP_DEADLINE}s of {signal.Signals(signum).name}")
        output = project.output()
        assert code == 130, output
        assert "stopped: the build was stopped by " + signal.Signals(signum).name in output
        assert "Traceback" not in output
        assert_nothing_left(project, build.pid, procs)
        assert not (project.out / "a.html").exists() and not (project.out / "b.html").exists()
    finally:
        kill_all(build, procs)


# -- a build killed outright -----------------------------------------------------------------------


@pytest.mark.parametrize("kernels", ["--warm-kernels", "--cold-kernels"])
def test_a_killed_builds_processes_die_with_it_and_the_next_build_cleans_up(project, kernels):
    marker = project.root / "a.running"
    build = project.start(project.grid("hold", {"a": {"marker": marker, "seconds": 60}}), kernels)
    procs: list[psutil.Process] = []
    try:
        procs = running_holds(project, build, [marker])
        assert kernels_among(procs), [cmdline(p) for p in procs]
        build.send_signal(signal.SIGKILL)
        assert build.wait(timeout=STOP_DEADLINE) == -signal.SIGKILL
        # PR_SET_PDEATHSIG: the workers (and with them the kernels) die with the build.
        end = time.monotonic() + DEATH_DEADLINE
        while any(alive(p) for p in procs) and time.monotonic() < end:
            time.sleep(0.1)
        assert [f"{p.pid}: {cmdline(p)[:200]}" for p in procs if alive(p)] == [], "processes outlived the build"
        # What a killed build cannot remove: its runtime folder (and the kernel server's socket folder).
        leftover = project.state / f"runtime-{build.pid}"
        assert leftover.is_dir()
        sockets = list(Path(tempfile.gettempdir()).glob(f"hima-kernels-{build.pid}-*"))
        assert sockets if kernels == "--warm-kernels" else not sockets

        again = subprocess.run(
            project.command(project.grid("quick", {"a": {"seconds": 0}}), kernels),
            env=project.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert "ok      a" in again.stdout
        assert not leftover.exists() and list(project.state.glob("runtime-*")) == []
        assert [p for p in sockets if p.exists()] == []
        assert list(project.root.rglob("kernel-*.json")) == []
        assert (project.out / "a.html").read_bytes().rstrip().endswith(b"</html>")
    finally:
        kill_all(build, procs)


# -- one build at a time ---------------------------------------------------------------------------


def test_a_second_build_of_the_same_folder_is_refused_and_the_first_completes(project):
    marker, release = project.root / "a.running", project.root / "a.release"
    grid = project.grid("hold", {"a": {"marker": marker, "release": release, "seconds": 120}})
    first = project.start(grid, log="first")
    procs: list[psutil.Process] = []
    try:
        procs = running_holds(project, first, [marker])
        second = subprocess.run(
            project.command(grid), env=project.env, capture_output=True, text=True, timeout=120, check=False
        )
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"error: another build of {project.state} is running (process {first.pid})" in second.stderr
        assert first.poll() is None, "the refused build disturbed the first"
        release.write_text("go", encoding="utf-8")
        try:
            code = first.wait(timeout=START_DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail("the first build did not finish after its report was released")
        output = project.output("first")
        assert code == 0, output
        assert "ok      a" in output and "1 built, 0 unchanged, 0 failed" in output
        assert "done a" in (project.out / "notebooks" / "a.ipynb").read_text(encoding="utf-8")
        assert_nothing_left(project, first.pid, procs)
    finally:
        kill_all(first, procs)


# -- damaged state ---------------------------------------------------------------------------------


def build_in_process(project: Project, grid: Path, *extra: str):
    result = CliRunner().invoke(
        main,
        ["reports", "build", "--grid", str(grid), "--notebooks", str(project.notebooks), "--out", str(project.out)]
        + list(extra),
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    ("damage", "warning"),
    [
        (b"\xff\xfe{ not UTF-8 \x80", "is not readable JSON (UnicodeDecodeError); every report is rebuilt."),
        (b'["a list", "not an object"]\n', "has entries of the wrong shape; they are ignored and rebuilt."),
    ],
    ids=["not-utf8", "a-list"],
)
def test_a_damaged_manifest_warns_and_rebuilds_and_force_does_not_read_it(project, damage, warning):
    grid = project.grid("quick", {"a": {"label": "a"}})
    manifest = project.state / "manifest.json"
    build_in_process(project, grid)
    assert "skipped a" in build_in_process(project, grid).output  # the control: an intact manifest skips

    manifest.write_bytes(damage)
    rebuilt = build_in_process(project, grid)
    assert f"warning: the build manifest {manifest} {warning}" in rebuilt.stderr
    assert "ok      a" in rebuilt.output
    assert "skipped a" in build_in_process(project, grid).output  # the rewritten manifest is whole again

    manifest.write_bytes(damage)
    forced = build_in_process(project, grid, "--force")
    assert "manifest" not in forced.stderr
    assert "ok      a" in forced.output


@pytest.mark.parametrize("damage", ["truncated-page", "deleted-notebook"])
def test_a_damaged_page_or_notebook_is_rebuilt(project, damage):
    grid = project.grid("quick", {"a": {"label": "a"}})
    build_in_process(project, grid)
    page, notebook = project.out / "a.html", project.out / "notebooks" / "a.ipynb"
    whole = page.read_bytes()
    assert "skipped a" in build_in_process(project, grid).output  # the control: nothing to do
    if damage == "truncated-page":
        page.write_bytes(whole[: len(whole) // 2])
    else:
        notebook.unlink()
    again = build_in_process(project, grid)
    assert "ok      a" in again.output and "skipped" not in again.output
    assert page.read_bytes() == whole
    assert "done a" in notebook.read_text(encoding="utf-8")
