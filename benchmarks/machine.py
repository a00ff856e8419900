"""A description of the machine and software the numbers were measured on."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

import psutil

LIBRARIES = (
    "polars",
    "pandas",
    "numpy",
    "altair",
    "statsmodels",
    "papermill",
    "nbconvert",
    "nbclient",
    "jupyter_client",
    "ipykernel",
    "great-tables",
    "vl-convert-python",
    "pyinstrument",
    "psutil",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name() -> str:
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            fields = dict(line.rstrip().split("=", 1) for line in f if "=" in line)
        return fields.get("PRETTY_NAME", "").strip('"') or platform.platform()
    except OSError:
        return platform.platform()


def describe(load_before: tuple[float, float, float]) -> list[tuple[str, str]]:
    """(label, value) pairs: CPU, cores, RAM, load before the run (other work on the machine skews
    timings), OS, Python, key library versions."""
    libs = []
    for lib in LIBRARIES:
        try:
            libs.append(f"{lib} {version(lib)}")
        except PackageNotFoundError:
            libs.append(f"{lib} (not installed)")
    return [
        ("CPU", cpu_model()),
        ("cores", f"{os.cpu_count()} logical ({psutil.cpu_count(logical=False) or '?'} physical)"),
        ("RAM", f"{psutil.virtual_memory().total / 1024**3:.1f} GB"),
        ("load average before the run (1/5/15 min)", " / ".join(f"{x:.2f}" for x in load_before)),
        ("OS", f"{os_name()} (kernel {platform.release()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"),
        ("libraries", ", ".join(libs)),
    ]
