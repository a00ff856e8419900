"""Warm report kernels: fork each kernel from a process that has already imported the stack.

A fresh kernel spends about 0.6 s starting IPython and another 0.5 s importing polars, altair
and great_tables before a report's first line of real work (benchmarks/RESULTS.md). With many
reports that start-up is most of a build. Here one *kernel server* per build imports ipykernel
and the report stack once; every report kernel is then an ``os.fork()`` of it.

How the pieces fit:

- :class:`KernelServer` starts ``python -m hima_analytics.reporting.warm_kernels serve SOCKET``
  and waits until it has imported everything and listens on a Unix socket.
- :func:`kernel_manager_class` returns a ``jupyter_client`` ``KernelManager`` whose kernel
  command is this module's tiny *launcher* (``launch``): papermill starts it exactly as it would
  start ``ipykernel_launcher``, with the connection file, the working directory and the
  environment of the report.
- The launcher hands its connection file, working directory, environment and standard
  streams to the server; the server forks a child that becomes the kernel. The launcher relays
  signals (interrupt, terminate) to the kernel and exits with its exit status, so to papermill
  and ``jupyter_client`` it *is* the kernel process.
- The kernel watches its launcher and exits as soon as it is gone (``jupyter_client`` kills the
  launcher with SIGKILL on an immediate shutdown, which cannot be relayed).

Only modules are imported in the server, never run: no computation happens before the fork,
so no library thread pool or lock is inherited in use. Polars starts its thread pool lazily in
each kernel. If the server cannot start, the runner falls back to ordinary kernels.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

__all__ = ["PRELOAD", "KernelServer", "kernel_manager_class"]

# What a report's setup cell imports, and what starting a kernel imports.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "polars",
    "altair",
    "great_tables",
    "hima_analytics.catalog",
    "hima_analytics.display",
    "hima_analytics.display.renderer",
    "hima_analytics.metrics",
    "hima_analytics.narrative",
    "hima_analytics.notebook",
)
READY = b"ready\n"
_MAX_MESSAGE = 1 << 20


# -- the runner's side ----------------------------------------------------------------------------


class KernelServer:
    """The kernel server of one build: ``with KernelServer() as server: ...``.

    ``server.socket`` is the address launchers connect to; leaving the block stops the server
    (and with it any kernel still running)."""

    def __init__(self, preload: tuple[str, ...] = PRELOAD) -> None:
        # The build's process id is in the name, so the next build can remove a folder left by
        # a build that was killed.
        self._dir = tempfile.mkdtemp(prefix=f"hima-kernels-{os.getpid()}-")
        self.socket = os.path.join(self._dir, "server.sock")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__, "serve", self.socket, *preload],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._ready = False

    def wait_ready(self, timeout: float = 60.0) -> str:
        """Block until the server has imported the stack and listens; return its socket path.
        Raises RuntimeError (with the server's last error line) if it exited instead, or if it
        is not ready after ``timeout`` seconds."""
        if not self._ready:
            import select

            if not select.select([self._proc.stdout], [], [], timeout)[0]:
                raise RuntimeError(f"the kernel server did not start: not ready after {timeout:.0f}s.")
            line = self._proc.stdout.readline()  # the server prints READY once it listens
            if line != READY:
                self._proc.wait(timeout=5)
                lines = self._proc.stderr.read().decode(errors="replace").strip().splitlines()
                last = lines[-1] if lines else "no error output"
                raise RuntimeError(
                    f"the kernel server did not start: expected {READY!r} on its output, got "
                    f"{line!r}; exit code {self._proc.returncode}: {last}"
                )
            self._ready = True
        return self.socket

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream:
                stream.close()
        try:
            os.unlink(self.socket)
        except FileNotFoundError:
            pass
        import shutil

        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> KernelServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def kernel_manager_class(server_socket: str):
    """A ``KernelManager`` subclass whose kernels are forked by the server at ``server_socket``
    (pass it to papermill as ``kernel_manager_class=``)."""
    from jupyter_client.manager import KernelManager

    class WarmKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            # ``python -m ipykernel_launcher -f CONN`` becomes ``python -m <this module> launch SOCKET -f CONN``
            conn = cmd[cmd.index("-f") + 1] if "-f" in cmd else self.connection_file
            return [sys.executable, "-m", __name__, "launch", server_socket, "-f", conn]

    return WarmKernelManager


# -- the launcher (a child of the worker, seen by jupyter_client as the kernel) -------------------


def launch(server_socket: str, kernel_args: list[str]) -> int:
    """Ask the server for a kernel; relay signals to it; return its exit status."""
    from .worker import die_with_parent

    die_with_parent()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(server_socket)
    request = {"argv": kernel_args, "cwd": os.getcwd(), "env": dict(os.environ), "launcher": os.getpid()}
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
    reply = conn.makefile("rb")
    pid = int(reply.readline())

    def relay(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, relay)
    status = reply.readline()  # the server writes the kernel's exit status when it exits
    return int(status) if status.strip() else 1


# -- the server ------------------------------------------------------------------------------------


def _watch_launcher(launcher: int) -> None:
    """In the kernel: exit as soon as the launcher is gone."""
    import threading

    def loop() -> None:
        while True:
            time.sleep(0.2)
            try:
                os.kill(launcher, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=loop, name="hima-launcher-watch", daemon=True).start()


def _become_kernel(request: dict, fds: list[int], inherited: list[socket.socket]) -> None:
    """In the forked child: drop the server's sockets; take the launcher's streams, directory
    and environment; run ipykernel."""
    from .worker import die_with_parent

    die_with_parent()
    for sock in inherited:
        sock.close()
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
        os.close(fd)
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["cwd"]  # as ``python -m ipykernel_launcher`` started in that directory
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    _watch_launcher(int(request["launcher"]))
    # ipykernel would poll the process named by $JPY_PARENT_PID (the worker) and exit because its
    # own parent is the server; the launcher watch above replaces that poll. parent_handle=1
    # ("parent is init") turns the poll off, and with it the note for kernels started by hand.
    sys.argv = ["ipykernel_launcher", "--IPKernelApp.parent_handle=1", *request["argv"]]
    from ipykernel.kernelapp import launch_new_instance

    try:
        launch_new_instance()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def serve(path: str, preload: list[str]) -> None:
    """Import ``preload``, listen on ``path``, fork a kernel per launcher; exit with the parent."""
    import importlib
    import selectors

    from .worker import die_with_parent

    die_with_parent()
    for name in preload:
        importlib.import_module(name)
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
    stop = False

    def on_term(_signum, _frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    while not stop and os.getppid() == parent:
        for _key, _events in sel.select(timeout=0.05):
            conn, _ = listener.accept()
            msg, fds, _flags, _addr = socket.recv_fds(conn, _MAX_MESSAGE, 3)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the kernel
                _become_kernel(json.loads(msg), fds, [listener, conn, *kernels.values()])
            for fd in fds:
                os.close(fd)
            conn.sendall(f"{pid}\n".encode())
            kernels[pid] = conn
        while kernels:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = kernels.pop(pid, None)
            if conn is not None:
                try:
                    conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                conn.close()
    for pid in kernels:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    sys.stdout.flush()
    os._exit(0)  # skip tearing down the preloaded modules: nothing is left to clean up


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "serve":
        serve(argv[1], argv[2:])
        return 0
    if len(argv) >= 2 and argv[0] == "launch":
        return launch(argv[1], argv[2:])
    print(
        "usage: python -m hima_analytics.reporting.warm_kernels serve SOCKET [MODULE ...] | "
        "launch SOCKET -f CONNECTION_FILE",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
