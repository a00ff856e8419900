"""Make an executed notebook the same bytes on every run.

Two papermill runs of the same notebook differ in (see ``/work/shared/TOOLCHAIN.md``):

- papermill's run and per-cell ``start_time`` / ``end_time`` / ``duration`` / ``exception``
  metadata, and nbclient's ``execution`` timing metadata (also avoidable with
  ``record_timing=False``);
- the random id of the injected-parameters cell (all cell ids become ``cell-0001``, …);
- ``object at 0x…`` addresses in plain-text reprs;
- altair's uuid chart ids (``altair-viz-<uuid>``) when a non-hima renderer was used;
- great_tables' random 10-letter table id. Callers should pass ``GT(..., id="…")`` (as
  :func:`hima_analytics.display.tables.table` does); a random id that is left is renamed ``gt-<n>``.

Papermill's ``parameters`` and the rest of its metadata are kept; its ``input_path`` and
``output_path`` are reduced to file names, which differ between checkouts and temp dirs.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(object())")])
>>> nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="<object object at 0x7f3a2b>\\n")]
>>> clean = normalise_notebook(nb)
>>> clean.cells[0].id, clean.cells[0].outputs[0].text
('cell-0001', '<object object at 0x0>\\n')
>>> nb.cells[0].outputs[0].text  # the input is left alone
'<object object at 0x7f3a2b>\\n'
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = ["normalise_notebook", "normalise_text", "write_notebook"]

PAPERMILL_VOLATILE = ("start_time", "end_time", "duration", "exception")
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+\b")
_ALTAIR_UUID = re.compile(r"altair-viz-([0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})")
_GT_RANDOM_ID = re.compile(r'<div id="([a-z]{10})" style="padding-left:0px;padding-right:0px;')
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml")


def normalise_text(text: str) -> str:
    """Replace memory addresses (``object at 0x7f…``) with ``at 0x0``.

    >>> normalise_text("<Foo object at 0x7f0a1b2c3d>")
    '<Foo object at 0x0>'
    """
    return _ADDRESS.sub("at 0x0", text)


class _Renamer:
    """Maps volatile ids to ``<prefix><n>`` in order of first appearance across the notebook."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.names = prefix, {}

    def __call__(self, old: str) -> str:
        return self.names.setdefault(old, f"{self.prefix}{len(self.names) + 1}")


def _fix_html(text: str, altair: _Renamer, gt: _Renamer) -> str:
    text = _ALTAIR_UUID.sub(lambda m: "altair-viz-" + altair(m.group(1)), text)
    for old in dict.fromkeys(_GT_RANDOM_ID.findall(text)):
        text = re.sub(rf"\b{old}\b", gt(old), text)
    return text


def _join(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _fix_output(output: dict[str, Any], fix: Callable[[str], str]) -> None:
    if output.get("output_type") == "stream":
        output["text"] = fix(_join(output.get("text", "")))
    elif output.get("output_type") == "error":
        output["evalue"] = fix(output.get("evalue", ""))
        output["traceback"] = [fix(line) for line in output.get("traceback", [])]
    for mime in _TEXT_MIMES:
        if mime in output.get("data", {}):
            output["data"][mime] = fix(_join(output["data"][mime]))


def normalise_notebook(nb: NotebookNode) -> NotebookNode:
    """A normalised copy of ``nb`` (the argument is not changed); see the module docstring for
    what is removed or renamed. Normalising twice gives the same notebook."""
    import nbformat

    out = nbformat.from_dict(copy.deepcopy(dict(nb)))
    out.nbformat, out.nbformat_minor = 4, max(5, out.get("nbformat_minor", 0))
    pm = out.metadata.get("papermill")
    if pm is not None:
        for key in PAPERMILL_VOLATILE:
            pm.pop(key, None)
        for key in ("input_path", "output_path"):
            if pm.get(key):
                pm[key] = Path(str(pm[key])).name
    altair, gt = _Renamer(""), _Renamer("gt-")

    def fix(text: str) -> str:
        return _fix_html(normalise_text(text), altair, gt)

    for index, cell in enumerate(out.cells, start=1):
        cell["id"] = f"cell-{index:04d}"
        cell.metadata.pop("execution", None)
        cell_pm = cell.metadata.get("papermill")
        if cell_pm is not None:
            for key in PAPERMILL_VOLATILE:
                cell_pm.pop(key, None)
        for output in cell.get("outputs", []):
            _fix_output(output, fix)
    return out


def write_notebook(nb: NotebookNode, path: str | os.PathLike[str]) -> Path:
    """Write ``nb`` atomically as nbformat 4 JSON (sorted keys, one-space indent, UTF-8, final
    newline): the same notebook always gives the same bytes.

    >>> import nbformat, tempfile
    >>> nb = normalise_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")]))
    >>> path = write_notebook(nb, Path(tempfile.mkdtemp()) / "r.ipynb")
    >>> path.read_bytes() == write_notebook(nb, path).read_bytes(), path.read_text()[-2:]
    (True, '}\\n')
    """
    import nbformat

    text = nbformat.writes(nb, version=4)
    return write_atomic(path, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
