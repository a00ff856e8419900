"""What the data appendix says about the other reports holds: figures implied by published totals
are shown only in the appendix (its tables and coverage matrix), and no chart in any report draws
them, so an implied month is a gap in every chart."""

from __future__ import annotations

import re

import nbformat

from hima_analytics import paths

_IMPLIED = re.compile(r"implied\s*=\s*True|implied_(figures|months|brands)\(")
_CHARTS = re.compile(r"\bhd\.(monthly_panels|monthly_lines|monthly_bars|bars|band_forecast|ramp_curves)\(")


def _code(name: str) -> str:
    nb = nbformat.read(paths.notebooks_dir() / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_only_the_data_appendix_loads_implied_figures_and_it_draws_no_chart():
    loading = sorted(p.stem for p in paths.notebooks_dir().glob("*.ipynb") if _IMPLIED.search(_code(p.stem)))
    assert loading == ["data_appendix"], "the appendix's key point says no chart draws implied figures"
    assert not _CHARTS.search(_code("data_appendix"))
