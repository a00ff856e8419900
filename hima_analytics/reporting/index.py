"""The report index: one table of every report with its title, parameters, status, data as-of
date and build time, linking to each. Every value is escaped. Written only when it changes."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

_CSS = """
body{font-family:"Helvetica Neue",Helvetica,Arial,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:2rem auto;
max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}p.lede{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:.45rem .6rem;
border-bottom:1px solid #e3e3e3;vertical-align:top}th{border-bottom:2px solid #999}
.ok{color:#1a7f37}.failed{color:#c7000b;font-weight:600}code{font-size:12px;color:#444}
td.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def index_html(manifest: dict[str, Any], order: list[str]) -> str:
    names = [n for n in order if n in manifest] + sorted(n for n in manifest if n not in order)
    rows = []
    for name in names:
        m = manifest[name]
        status = m.get("status", "unknown")
        params = ", ".join(f"{k}={v}" for k, v in sorted((m.get("params") or {}).items())) or "defaults"
        link = f'<a href="{html.escape(name, quote=True)}.html">{html.escape(m.get("title") or name)}</a>'
        err = f'<br><code>{html.escape(m["error"])}</code>' if status == "failed" and m.get("error") else ""
        secs = m.get("seconds")
        rows.append(
            f"<tr><td>{link}</td><td><code>{html.escape(params)}</code></td>"
            f'<td class="{html.escape(status)}">{html.escape(status)}{err}</td>'
            f"<td>{html.escape(m.get('data_asof') or 'n/a')}</td>"
            f'<td class="num">{"" if secs is None else f"{secs:.1f} s"}</td></tr>'
        )
    body = "\n".join(rows)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>HIMA analytics reports</title><style>{_CSS}</style></head><body>"
        "<h1>HIMA analytics reports</h1>"
        "<p class=\"lede\">Harmony Intelligent Mobility Alliance and its rivals. Each report states its sources "
        "under every figure and its provenance at the end. A failed report keeps its last good version.</p>"
        "<table><thead><tr><th>Report</th><th>Parameters</th><th>Status</th><th>Data as of</th>"
        f"<th>Build time</th></tr></thead><tbody>\n{body}\n</tbody></table></body></html>\n"
    )


def write_index(out_dir: Path, manifest: dict[str, Any], order: list[str]) -> bool:
    """Write ``index.html`` if its content changed. Returns True when written."""
    from .runner import _atomic_write_if_changed

    return _atomic_write_if_changed(out_dir / "index.html", index_html(manifest, order))
