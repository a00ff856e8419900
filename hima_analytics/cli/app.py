"""The command groups; the commands register themselves in :mod:`.data`, :mod:`.entry` and
:mod:`.reports`."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hima_analytics")
def main() -> None:
    """Analytics on Huawei's Harmony Intelligent Mobility Alliance (HIMA) and its rivals."""


@main.group()
def data() -> None:
    """Inspect, check and add to the curated datasets."""


@main.group()
def reports() -> None:
    """Build, list and print the reports."""
