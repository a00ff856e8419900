"""The report index: every report with its title, a one-line description, its parameters in
words, its status and the data's as-of month, linking to each. Every value is escaped. The page
holds nothing that changes from build to build when the reports do not (build durations go to
the build's log and summary), so a forced rebuild gives the same bytes."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

_CSS = """
body{font-family:"Helvetica Neue",Helvetica,Arial,"HIMA CJK","PingFang SC","Noto Sans CJK SC",sans-serif;
margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}p.lede{color:#555;margin-top:0;max-width:75ch}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:.45rem .6rem;
border-bottom:1px solid #e3e3e3;vertical-align:top}th{border-bottom:2px solid #999}
details.change{margin-top:1.2rem}
details.change p{background:#f5f7fa;border-left:3px solid #8aa;padding:.4rem .7rem;max-width:75ch}
.ok{color:#1a7f37}.failed{color:#c7000b;font-weight:600}.desc{color:#555;font-size:13px}code{font-size:12px;color:#444}
"""
_STATUS = {"ok": "built", "failed": "failed (last good version kept)", "skipped": "unchanged"}


def _month(value: str | None) -> str:
    from ..display.formatting import fmt_month

    if not value:
        return "n/a"
    try:
        return fmt_month(dt.date.fromisoformat(value + "-01"))
    except ValueError:
        return value


def change_html(change: dict[str, Any] | None, manifest: dict[str, Any]) -> str:
    """The last recorded change to the data, in a sentence (empty before any change is recorded).

    It is for the analyst who refreshes the reports, so it sits in a closed section below the
    list of reports.

    >>> change_html({"summary": "volumes: 1 added", "rebuilt": ["a"]}, {"a": {"title": "A & B"}})[:60]
    '<details class="change"><summary>What changed in the data at'
    """
    if not change:
        return ""
    titles = [str((manifest.get(n) or {}).get("title") or n) for n in change.get("rebuilt") or []]
    rebuilt = f" Rebuilt because of it: {', '.join(titles)}." if titles else ""
    text = "Latest change to the data: " + str(change["summary"]) + "." + rebuilt
    return (
        '<details class="change"><summary>What changed in the data at the last refresh</summary><p>'
        + html.escape(text)
        + "</p></details>"
    )


def index_html(manifest: dict[str, Any], order: list[str], change: dict[str, Any] | None = None) -> str:
    from ..display.names import describe_params

    names = [n for n in order if n in manifest] + sorted(n for n in manifest if n not in order)
    rows = []
    asof = sorted({m.get("data_asof") for m in manifest.values() if m.get("data_asof")})
    for name in names:
        m = manifest[name]
        status = m.get("status", "unknown")
        link = f'<a href="{html.escape(name, quote=True)}.html">{html.escape(m.get("title") or name)}</a>'
        desc = f'<br><span class="desc">{html.escape(m["description"])}</span>' if m.get("description") else ""
        err = f"<br><code>{html.escape(m['error'])}</code>" if status == "failed" and m.get("error") else ""
        files = f' · <a href="{html.escape(name, quote=True)}.xlsx">Excel</a>' if m.get("workbook") else ""
        rows.append(
            f"<tr><td>{link}{files}{desc}</td><td>{html.escape(describe_params(m.get('params') or {}))}</td>"
            f'<td class="{html.escape(status)}">{html.escape(_STATUS.get(status, status))}{err}</td>'
            f"<td>{html.escape(_month(m.get('data_asof')))}</td></tr>"
        )
    body = "\n".join(rows)
    lede_asof = (
        f" The latest month with a published HIMA total is {_month(asof[-1])}; a rival's figures can run later, "
        "and every figure is shown with its source's date."
        if asof
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>HIMA analytics reports</title><style>{_CSS}</style></head><body>"
        "<h1>HIMA analytics reports</h1>"
        '<p class="lede">Huawei\'s Harmony Intelligent Mobility Alliance (鸿蒙智行 HIMA) and its rivals. Each report '
        "states its sources under every figure, offers the data behind it as a download, and ends with its "
        f"provenance.{html.escape(lede_asof)}</p>"
        "<table><thead><tr><th>Report</th><th>Parameters</th><th>Status</th><th>Latest HIMA month</th>"
        f"</tr></thead><tbody>\n{body}\n</tbody></table>{change_html(change, manifest)}</body></html>\n"
    )


def write_index(
    out_dir: Path, manifest: dict[str, Any], order: list[str], change: dict[str, Any] | None = None
) -> bool:
    """Write ``index.html`` if its content changed. Returns True when written."""
    from ..files import write_text_if_changed
    from .fonts import embed_cjk, find_font

    page = embed_cjk(index_html(manifest, order, change), find_font())
    return write_text_if_changed(out_dir / "index.html", page)
