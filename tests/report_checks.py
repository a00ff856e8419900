"""Checks on built report pages, shared by the report tests: every cited figure against the
page's own downloads, the visible text against raw ids and code names, and every chart spec
against bridged gaps and unencoded bounds."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
from html.parser import HTMLParser

import polars as pl

from hima_analytics.display import formatting as fmt
from hima_analytics.display.names import ID_COLUMNS, name_of

_DOWNLOAD = re.compile(r'<a download="[^"]+" data-download="([^"]+)" href="data:text/csv;base64,([A-Za-z0-9+/=]+)"')
_FIG = re.compile(
    r'<span class="hima-fig" data-download="([^"]*)" data-column="([^"]*)" data-key="([^"]*)" '
    r'data-style="([^"]*)">(.*?)</span>',
    re.DOTALL,
)


def plain(sentence) -> str:
    """A computed sentence (a Text, or its Markdown) as a reader sees it: citation spans, HTML
    entities and Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", html.unescape(re.sub(r"<[^>]+>", "", str(getattr(sentence, "markdown", sentence)))))


def downloads(page: str) -> dict[str, pl.DataFrame]:
    """Every CSV download on the page, by name, as strings (as a reader's spreadsheet sees them)."""
    out = {}
    for name, payload in _DOWNLOAD.findall(page):
        text = base64.b64decode(payload).decode("utf-8")
        out[name] = pl.read_csv(io.StringIO(text), infer_schema_length=0) if text.strip() else pl.DataFrame()
    return out


def _num(v: str | None) -> float | None:
    if v is None or v == "":
        return None
    return float(v.lstrip("'"))


def expected_text(frame: pl.DataFrame, key: dict, column: str, style: dict) -> str:
    """What the page should print for a cited figure, recomputed from the download."""
    if "_count" in key:
        return fmt.fmt_int(frame[key["_count"]].drop_nulls().filter(frame[key["_count"]].drop_nulls() != "").len())
    rows = frame
    for k, v in key.items():
        rows = rows.filter(pl.col(k) == v)
    assert rows.height == 1, f"cited row {key} found {rows.height} times in the download"
    row = rows.row(0, named=True)
    raw = row[column]
    q = row.get(style.get("qualifier")) if style.get("qualifier") else None
    kind = style.get("kind", "int")
    if kind == "month":
        return fmt.fmt_month(dt.date.fromisoformat(raw))
    if kind == "date":
        return fmt.fmt_date(dt.date.fromisoformat(raw))
    if kind == "text":
        return name_of(raw) if column in ID_COLUMNS else raw.lstrip("'")
    if kind == "unit":
        return fmt.fmt_bound(fmt.fmt_value(_num(raw), style.get("unit") or row.get("unit")), q)
    return fmt.fmt_q(
        _num(raw),
        q,
        kind=kind,
        unit=style.get("unit"),
        signed=style.get("signed", False),
        decimals=style.get("decimals", 1),
    )


def cited_figures(page: str) -> list[tuple[str, str, str]]:
    """(download, printed text, expected text) for every cited figure on the page."""
    files = downloads(page)
    out = []
    for download, column, key, style, shown in _FIG.findall(page):
        key_d, style_d = json.loads(html.unescape(key)), json.loads(html.unescape(style))
        assert download in files, f"a sentence cites download {download!r}, which is not on the page"
        printed = html.unescape(re.sub(r"<[^>]+>", "", shown))
        out.append((download, printed, expected_text(files[download], key_d, column, style_d)))
    return out


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg", "code", "pre"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "code", "pre") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The page's text as a reader sees it (scripts, styles and chart drawings left out)."""
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def text_problems(page: str, ids: list[str]) -> list[str]:
    """Raw ids, snake_case names, True/False cells and ISO dates in the visible text."""
    text = visible_text(page)
    found = []
    for ident in ids:
        if "_" in ident and re.search(rf"(?<![\w./-]){re.escape(ident)}(?![\w.-])", text):
            found.append(f"raw id {ident}")
    found += [
        f"snake_case {m}" for m in sorted(set(re.findall(r"(?<![\w./@-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])", text)))
    ]
    found += [f"boolean {m}" for m in sorted(set(re.findall(r"\b(True|False)\b", text)))]
    found += [f"ISO date {m}" for m in sorted(set(re.findall(r"(?<![\w/.-])20\d\d-\d\d(?:-\d\d)?(?![\w/-])", text)))]
    return found


def specs(page: str) -> list[dict]:
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'vegaEmbed\(\s*"#[^"]+",\s*', page):
        spec, _ = dec.raw_decode(page, m.end())
        out.append(spec)
    return out


def _units(spec: dict, datasets: dict | None = None, data=None):
    datasets = {**(datasets or {}), **spec.get("datasets", {})}
    d = spec.get("data", data)
    if "mark" in spec:
        rows = (
            datasets.get(d["name"], [])
            if isinstance(d, dict) and "name" in d
            else (d.get("values", []) if isinstance(d, dict) else [])
        )
        mark = spec["mark"] if isinstance(spec["mark"], dict) else {"type": spec["mark"]}
        yield mark, spec.get("encoding", {}), rows
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from _units(sub, datasets, d)


def chart_problems(page: str) -> list[str]:
    """Line layers that join points across a month with no row, and layers whose data holds
    bounds that no visual channel (shape, opacity, dash) encodes."""
    found = []
    for i, spec in enumerate(specs(page)):
        for mark, enc, rows in _units(spec):
            if mark.get("type") == "line" and enc.get("x", {}).get("type") == "temporal" and rows:
                x, y = enc["x"]["field"], enc["y"]["field"]
                group = (enc.get("color") or {}).get("field")
                series: dict = {}
                for r in rows:
                    m = r.get(x)
                    if isinstance(m, str) and len(m) >= 7:
                        series.setdefault(r.get(group), {})[int(m[:4]) * 12 + int(m[5:7])] = r.get(y)
                for name, s in series.items():
                    valid = sorted(k for k, v in s.items() if v is not None)
                    for a, b in zip(valid, valid[1:]):
                        if b - a > 1 and all(k not in s for k in range(a + 1, b)):
                            found.append(f"chart {i}: series {name} bridges a missing month")
            bound_fields = {k for r in rows for k, v in r.items() if v in ("over", "under")}
            if bound_fields:
                used = {
                    e.get("field")
                    for ch, e in enc.items()
                    if ch in ("shape", "opacity", "fillOpacity", "strokeDash") and isinstance(e, dict)
                }
                if not bound_fields & used:
                    found.append(f"chart {i}: bounds in {sorted(bound_fields)} are not encoded")
    return found
