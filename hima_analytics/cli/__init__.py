"""The ``hima`` command line.

hima data validate           check every table; list every problem; exit 1 if any
hima data list               the datasets, their rows and files
hima data show NAME          print a dataset (filters: --entity, --start, --end; --columns, --notes)
hima data add TABLE ...      record a figure and its source (or --from-csv FILE), validated first
hima data diff [REV]         figure-level changes against a git revision or the last build
hima data coverage           entity-by-month coverage of the monthly volumes
hima data docs [--write]     check or refresh the generated parts of data/README.md
hima data sources [ID]       each source and the figures it backs
hima data reconcile          parts against wholes, flagged beyond a tolerance
hima data summary            a short overview of what the data holds
hima reports list|build|pdf  the report grid, its build and its PDFs

Every command that prints data takes ``--csv`` or ``--json``.
"""

from __future__ import annotations

from .app import main  # the groups import their commands when first used

__all__ = ["main"]
