"""Display: everything a report shows, in one place.

- :mod:`~.charts` and :mod:`~.tables`: the house style, showing bounds as bounds and gaps as
  gaps;
- :mod:`~.targets`: the targets table, with the same headers and definitions on every page;
- :mod:`~.formatting`: numbers, bounds and periods as text;
- :mod:`~.text`: narrative from literal templates with escaped fields and cited figures;
- :mod:`~.figures`: a figure with its sources line and CSV download;
- :mod:`~.names`: display names for ids and vocabulary values;
- :mod:`~.renderer`: the offline altair renderers used by the report build.

Report notebooks import it as ``from hima_analytics import display as hd``.
"""

from __future__ import annotations

from .chartkit import theme
from .charts import bars, monthly_bars, monthly_lines, monthly_panels
from .curves import band_forecast, ramp_curves
from .figures import show, sources_html
from .formatting import fmt_date, fmt_int, fmt_money, fmt_month, fmt_pct, fmt_period, fmt_pp, fmt_q, fmt_value
from .names import name_of
from .tables import Col, table
from .targets import target_table
from .text import Text, bullets, cite, count, key_points, md, text

__all__ = [
    "Col",
    "Text",
    "band_forecast",
    "bars",
    "bullets",
    "cite",
    "count",
    "fmt_date",
    "fmt_int",
    "fmt_money",
    "fmt_month",
    "fmt_pct",
    "fmt_period",
    "fmt_pp",
    "fmt_q",
    "fmt_value",
    "key_points",
    "md",
    "monthly_bars",
    "monthly_lines",
    "monthly_panels",
    "label_of",
    "name_of",
    "ramp_curves",
    "setup",
    "show",
    "sources_html",
    "table",
    "target_table",
    "text",
    "theme",
]


def label_of(metric: object) -> str:
    """The display label of a metric or column name (never its snake_case id)."""
    from .. import vocabulary

    return vocabulary.label("metric", metric)


def setup(mode: str | None = None) -> None:
    """Prepare display in a kernel: the house chart theme, the report renderer when the build
    asks for one (``$HIMA_REPORT_MODE``) or else the offline renderer (an interactive session
    in JupyterLab draws charts with the same Vega bundle as the reports, without the network),
    and quiet Polars reprs."""
    import os

    import polars as pl

    from . import renderer

    theme()
    pl.Config.set_tbl_hide_dataframe_shape(True)
    renderer.enable(mode or os.environ.get(renderer.MODE_ENV) or "offline")  # type: ignore[arg-type]
