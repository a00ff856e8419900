"""Report size: bytes of each report's HTML, interactive (the cold build's output) and static
(one ``hima reports build --force --static``). Sizes are deterministic, so one static build is
enough; its time is reported as context."""

from __future__ import annotations

import re
from pathlib import Path

from cold_build import runner_build
from common import Row, Section, fmt_bytes, fmt_s

MB = 1024**2
LIMITS = {"interactive": 1.5 * MB, "static": 0.5 * MB}


def measure(runs, work: Path, build_dir: Path) -> Section:
    sec = Section()
    static_dir = work / "static"
    static = runner_build(static_dir, static=True)
    dirs = {"interactive": build_dir, "static": static_dir}
    sizes = {mode: {r.name: (d / f"{r.name}.html").stat().st_size for r in runs} for mode, d in dirs.items()}
    for mode, per in sizes.items():
        biggest = max(per, key=per.get)
        sec.rows.append(
            Row(
                "report size",
                f"{mode} HTML, largest report ({biggest})",
                fmt_bytes(per[biggest]),
                f"smallest {fmt_bytes(min(per.values()))}",
                f"<= {fmt_bytes(LIMITS[mode])} per report",
                per[biggest] <= LIMITS[mode],
            )
        )
    sec.rows.append(Row("report size", "static build time (`--force --static`, one run)", fmt_s(static["seconds"])))
    lines = ["| report | interactive | static |", "|---|---:|---:|"]
    lines += [f"| {r.name} | {sizes['interactive'][r.name]:,} B | {sizes['static'][r.name]:,} B |" for r in runs]
    sec.facts["size_table"] = "\n".join(lines)
    sec.facts.update(sizes=sizes, size_dirs=dirs)
    return sec


ELEMENTS = {
    "vega bundle (inlined once per interactive page)": r'<script id="hima-vega-bundle">.*?</script>',
    "CJK font subset (base64 WOFF)": r'<style id="hima-cjk-font">.*?</style>',
    "<style> blocks": r"<style\b.*?</style>",
    "<script> blocks": r"<script\b.*?</script>",
    "<svg> charts": r"<svg\b.*?</svg>",
    "<table> elements": r"<table\b.*?</table>",
    "data: URIs (CSV downloads, images)": r"data:[a-z/+.-]+(?:;[a-z0-9=-]+)*,[^\"' )]+",
}


def breakdown(path: Path, top: int = 4) -> str:
    """Where a page's bytes are: total per kind of element (kinds may nest: the font is also a
    <style> block and a data: URI, the bundle a <script> block) and the largest of each."""
    text = path.read_text(encoding="utf-8")
    total = len(text.encode())
    lines = [f"{path.name}: {total:,} bytes"]
    for label, pattern in ELEMENTS.items():
        found = [m.group(0) for m in re.finditer(pattern, text, re.S)]
        sizes = sorted((len(f.encode()) for f in found), reverse=True)
        extra = ""
        if label.startswith("<table"):
            rows = sorted(((len(f.encode()), f.count("<tr")) for f in found), reverse=True)[:top]
            extra = "; largest: " + ", ".join(f"{b:,} B ({r} rows)" for b, r in rows)
        elif sizes:
            extra = "; largest: " + ", ".join(f"{b:,} B" for b in sizes[:top])
        lines.append(f"  {label:<48} {sum(sizes):>10,} B ({sum(sizes) / total:5.1%}) in {len(sizes)}{extra}")
    downloads = sorted(
        (
            (len(tag.encode()), name.group(1))
            for tag in _A_TAG.findall(text)
            if 'href="data:' in tag and (name := _DOWNLOAD_NAME.search(tag))
        ),
        reverse=True,
    )[:top]
    if downloads:
        lines.append("  largest downloads: " + ", ".join(f"{name} {b:,} B" for b, name in downloads))
    return "\n".join(lines)


_A_TAG = re.compile(r"<a\b[^>]*>")
_DOWNLOAD_NAME = re.compile(r'\bdownload="([^"]*)"')
