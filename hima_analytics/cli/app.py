"""The command groups. Their commands live in :mod:`.data`, :mod:`.entry` and :mod:`.reports`,
imported when a group first needs them, so that ``hima reports build`` with nothing to do
answers before Polars or the catalog are imported (see :mod:`hima_analytics.reporting.stamp`)."""

from __future__ import annotations

import importlib

import click


class _LazyGroup(click.Group):
    """A group whose commands register themselves when their modules are imported."""

    def __init__(self, *args, modules: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._modules = modules

    def _load(self) -> None:
        for module in self._modules:
            importlib.import_module(module, __package__)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hima_analytics")
def main() -> None:
    """Analytics on Huawei's Harmony Intelligent Mobility Alliance (HIMA) and its rivals."""


@main.group(cls=_LazyGroup, modules=(".data", ".entry"))
def data() -> None:
    """Inspect, check and add to the curated datasets."""


@main.group(cls=_LazyGroup, modules=(".reports",))
def reports() -> None:
    """Build, list and print the reports."""
