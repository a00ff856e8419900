"""Warm kernels: forked from a server that has imported the report stack, they must behave like
ordinary kernels (directory, environment, streams) and never outlive the process that
jupyter_client believes is the kernel."""

from __future__ import annotations

import os
import time

import psutil
import pytest

from hima_analytics.reporting.warm_kernels import KernelServer, kernel_manager_class

KERNEL = "hima-analytics"


@pytest.fixture(scope="module")
def server():
    with KernelServer() as s:
        s.wait_ready()
        yield s


def _run(client, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = client.execute_interactive(code, output_hook=hook, timeout=30)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


def _start(server, tmp_path, **env):
    km = kernel_manager_class(server.socket)(kernel_name=KERNEL)
    km.start_kernel(cwd=str(tmp_path), env={**os.environ, **env})
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=30)
    return km, client


def test_kernel_runs_where_and_with_what_the_launcher_was_given(server, tmp_path):
    km, client = _start(server, tmp_path, HIMA_PROBE="deliveries-42")
    try:
        out = _run(
            client,
            "import os, sys\nprint(os.getcwd(), os.environ.get('HIMA_PROBE'), 'polars' in sys.modules, sys.path[0])",
        )
        cwd, probe, preloaded, path0 = out.split()
        assert os.path.samefile(cwd, tmp_path) and os.path.samefile(path0, tmp_path)
        assert probe == "deliveries-42"
        assert preloaded == "True"  # imported once in the server, inherited by the fork
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_kernel_exits_when_its_launcher_is_killed(server, tmp_path):
    km, client = _start(server, tmp_path)
    try:
        pid = int(_run(client, "import os; print(os.getpid())"))
        launcher = km.provisioner.process.pid
        assert pid != launcher and psutil.pid_exists(pid)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)  # SIGKILL to the launcher: nothing can be relayed
    deadline = time.monotonic() + 5
    while (
        psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_kernel_error_reaches_the_client(server, tmp_path):
    km, client = _start(server, tmp_path)
    try:
        reply = client.execute_interactive("1 / 0", timeout=30)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "ZeroDivisionError"
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_server_that_cannot_start_says_why():
    with KernelServer(preload=("hima_analytics.no_such_module",)) as broken:
        with pytest.raises(RuntimeError, match=r"did not start.*exit code 1.*No module named"):
            broken.wait_ready()
