"""Report building: run notebooks (``runner``), make them reproducible (``determinism``) and
export them to self-contained, offline HTML (``renderer`` for altair charts, ``html`` for the
page). Nothing heavy is imported here: import the submodule you need, e.g.
``from hima_analytics.reporting.html import notebook_to_html``.
"""
