"""Peak RSS of one command, measured by a small launcher process.

Usage: ``python peakrss.py CMD...``. Runs CMD (its output passes through), then prints a last
line ``{"peak_rss": <bytes>, "returncode": <int>}`` with ``getrusage(RUSAGE_CHILDREN).ru_maxrss``.

Why a launcher: on Linux a process's ``ru_maxrss`` starts at the high-water RSS of the address
space it replaced at ``exec``. A child spawned (vfork/posix_spawn) straight from the benchmark
process, which has held the panel in memory, would inherit that process's high-water mark. This
launcher's own address space is tiny, so the command's ``ru_maxrss`` is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys

if __name__ == "__main__":
    proc = subprocess.run(sys.argv[1:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.flush()
    print(json.dumps({"peak_rss": usage.ru_maxrss * 1024, "returncode": proc.returncode}), flush=True)
