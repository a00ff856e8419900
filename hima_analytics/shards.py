"""Finding the CSV shards of every table, and refusing anything that is not a plain file.

A data root (the shipped ``data/`` folder or an analyst's overlay) holds one folder per table,
each with ``<shard>.csv`` files. :func:`scan` lists them without opening anything: every entry
is checked with ``lstat``/``stat`` first, so a named pipe, a device, a folder called ``x.csv``,
a symbolic link that leaves the root, or a shard over :data:`MAX_SHARD_BYTES` is reported as a
:class:`~hima_analytics.problems.Problem` and never read (a FIFO is never opened, so nothing
blocks). :func:`read_bounded` then reads a shard with a hard byte bound.

Entries that are not part of the layout (a folder that is not a table, a non-``.csv`` file in a
table folder) are errors in an overlay and warnings in the shipped data folder, whose
``README.md`` and ``research/`` notes are expected. Names starting with ``.`` (``.git``,
``.DS_Store``, editor lock files) are ignored, except ``.csv`` files, which are read as shards.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import did_you_mean
from .problems import Problem
from .schemas import TABLES

#: The largest shard read, in bytes (20 MB); a bigger file is refused unread.
MAX_SHARD_BYTES = 20_000_000
#: Entries of a data root that are not tables but belong there.
KNOWN_EXTRAS = frozenset({"README.md", "research"})
SHARD_SUFFIX = ".csv"
_CHUNK = 1 << 20
_ACCESS = "check that the file exists and that you may read it (permissions, a mounted drive)"
_NOT_PLAIN = "only plain files are read as shards: remove it, or replace it with a CSV file"


@dataclass
class Layout:
    """What :func:`scan` found: the readable shards of each table, in load order, and the rest.

    ``refused`` names the tables with a shard that was refused (their rows are incomplete) and
    ``refused_shards`` holds those problems by table. ``problems`` are every error (refused
    shards included); ``warnings`` are unexpected entries of the shipped data folder.
    """

    shards: dict[str, list[Path]] = field(default_factory=lambda: {name: [] for name in TABLES})
    refused: set[str] = field(default_factory=set)
    refused_shards: dict[str, list[Problem]] = field(default_factory=lambda: {name: [] for name in TABLES})
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    """A short, stable name for a file in messages: relative to the working directory if possible."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _kind(mode: int) -> str:
    """What a file-system entry is, in words."""
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return words
    return "a file" if stat.S_ISREG(mode) else "a special file"


def _inside(path: str, root: Path) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, path]) == real_root


def check_shard(path: Path, root: Path) -> Problem | None:
    """Why ``path`` cannot be read as a shard of ``root`` (None if it can). Never opens the file."""
    name = display_path(path)
    try:
        link = os.lstat(path)
    except OSError as exc:
        return Problem(name, None, None, "a readable file", f"an error from stat: {exc.strerror}", _ACCESS)
    real = os.path.realpath(path)
    if not _inside(real, root):
        return Problem(
            name,
            None,
            None,
            f"a file inside {display_path(root)}",
            f"a symbolic link that resolves to {real}, outside it",
            "copy the file into the folder instead of linking to it",
        )
    try:
        info = os.stat(path)
    except OSError:
        target = os.readlink(path) if stat.S_ISLNK(link.st_mode) else name
        return Problem(name, None, None, "an existing file", f"a broken symbolic link to {target}", "fix or remove it")
    if not stat.S_ISREG(info.st_mode):
        return Problem(
            name,
            None,
            None,
            "a regular file",
            _kind(info.st_mode),
            _NOT_PLAIN,
        )
    if info.st_size > MAX_SHARD_BYTES:
        return _too_big(name, f"{info.st_size:,} bytes")
    return None


def _too_big(name: str, got: str) -> Problem:
    return Problem(
        name,
        None,
        None,
        f"a shard of at most {MAX_SHARD_BYTES:,} bytes",
        got,
        "split the table into several shards; a curated table this large is probably not curated data",
    )


def read_bounded(path: Path, limit: int | None = None) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file, reading at most ``limit + 1`` bytes (default
    :data:`MAX_SHARD_BYTES`). Returns ``(data, None)`` or ``(None, problem)``.

    The file is opened non-blocking and checked with ``fstat`` before any read, so a file swapped
    for a pipe or a device after :func:`check_shard` is refused, not read forever.
    """
    limit = MAX_SHARD_BYTES if limit is None else limit
    name = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        return None, Problem(name, None, None, "a readable file", f"an error on open: {exc.strerror}", _ACCESS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(name, None, None, "a regular file", _kind(info.st_mode), _NOT_PLAIN)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return None, Problem(name, None, None, "a readable file", f"an error on read: {exc.strerror}", _ACCESS)
    finally:
        os.close(fd)
    if size > limit:
        return None, _too_big(name, f"more than {limit:,} bytes")
    return b"".join(chunks), None


def _entries(folder: Path) -> tuple[list[str], Problem | None]:
    try:
        return sorted(os.listdir(folder)), None
    except OSError as exc:
        return [], Problem(display_path(folder), None, None, "a readable folder", exc.strerror or str(exc), _ACCESS)


def _entry_kind(path: Path) -> str:
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return "a broken symbolic link"


def scan(roots: Sequence[Path]) -> Layout:
    """Every table's shards under ``roots`` (the shipped data first, then any overlay), checked.

    Unknown entries are warnings under the first root and errors under the others.
    """
    layout = Layout()
    tables = sorted(TABLES)
    for i, root in enumerate(roots):
        unknown = layout.warnings if i == 0 else layout.problems
        names, problem = _entries(root)
        if problem is not None:
            layout.problems.append(problem)
        for name in names:
            path = root / name
            if name.startswith(".") or name in KNOWN_EXTRAS:
                continue
            if name not in TABLES:
                is_file = os.path.isfile(path)
                close = did_you_mean(Path(name).stem if is_file else name, tables)
                match = next((t for t in tables if f"'{t}'" in close), "<table>")
                inner = f"; a shard goes inside its table folder, e.g. {match}/{name}" if is_file else ""
                unknown.append(
                    Problem(
                        display_path(path),
                        None,
                        None,
                        "a table folder (" + ", ".join(tables) + "), README.md or research/",
                        f"{_entry_kind(path)} named {name!r}",
                        f"only table folders are read{inner}.{close}" + ("" if close else " Remove or rename it."),
                    )
                )
                continue
            if not os.path.isdir(path):
                _refuse(
                    layout,
                    name,
                    Problem(
                        display_path(path),
                        None,
                        None,
                        f"a folder of {name} shards ({name}/<shard>.csv)",
                        _entry_kind(path),
                        f"make {name} a folder and put the CSV files inside it",
                    ),
                )
                continue
            _scan_table(root, path, name, layout, unknown)
    return layout


def _refuse(layout: Layout, table: str, problem: Problem) -> None:
    layout.refused.add(table)
    layout.refused_shards[table].append(problem)
    layout.problems.append(problem)


def _scan_table(root: Path, folder: Path, table: str, layout: Layout, unknown: list[Problem]) -> None:
    names, problem = _entries(folder)
    if problem is not None:
        _refuse(layout, table, problem)
    for name in names:
        path = folder / name
        if name.endswith(SHARD_SUFFIX):
            refused = check_shard(path, root)
            if refused is None:
                layout.shards[table].append(path)
            else:
                _refuse(layout, table, refused)
            continue
        if name.startswith("."):
            continue
        suffix = Path(name).suffix
        close = (
            f" Did you mean '{Path(name).stem}{SHARD_SUFFIX}'?"
            if suffix and did_you_mean(suffix, [SHARD_SUFFIX])
            else ""
        )
        unknown.append(
            Problem(
                display_path(path),
                None,
                None,
                f"only {SHARD_SUFFIX} shards in a table folder",
                f"{_entry_kind(path)} named {name!r}",
                f"only {SHARD_SUFFIX} files are read: rename it or move it out of the data folder.{close}",
            )
        )


def signature(roots: Sequence[Path]) -> tuple[tuple[str, int, int, int], ...]:
    """A cheap fingerprint of every entry that :func:`scan` looks at (names, modes, sizes and
    modification times), for caching. Uses ``stat`` only; nothing is opened."""
    out = []
    for root in roots:
        paths = [root / n for n in _entries(root)[0]]
        paths += [t / n for t in paths if t.name in TABLES and t.is_dir() for n in _entries(t)[0]]
        for path in paths:
            try:
                info = os.stat(path)
            except OSError:
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
            out.append((str(path), info.st_mode, info.st_mtime_ns, info.st_size))
    return tuple(sorted(out))
