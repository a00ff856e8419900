"""``getting_started.ipynb`` as an analyst runs it in JupyterLab (no report build around it):
its charts carry the Vega bundle themselves and point at no network address."""

from __future__ import annotations

import json
import os
import re

import papermill as pm

from hima_analytics import paths
from hima_analytics.display.renderer import MODE_ENV

#: The one address a chart may name: the Vega-Lite schema id, which is an identifier, not a fetch.
SCHEMA_URL = re.compile(r"https://vega\.github\.io/schema/vega-lite/v\d+(\.\d+)*\.json")


def test_getting_started_charts_need_no_network(tmp_path, monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)
    for var in [v for v in os.environ if v.startswith("HIMA_REPORT")]:
        monkeypatch.delenv(var, raising=False)
    out = tmp_path / "getting_started.ipynb"
    pm.execute_notebook(
        str(paths.notebooks_dir() / "getting_started.ipynb"),
        str(out),
        kernel_name="hima-analytics",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    charts = [
        "".join(o["data"]["text/html"]) if isinstance(o["data"]["text/html"], list) else o["data"]["text/html"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "data" in o and "vegaEmbed" in str(o["data"].get("text/html", ""))
    ]
    assert charts, "getting_started shows at least one chart"
    assert 'id="hima-vega-bundle"' in charts[0], "the first chart brings the Vega bundle with it"
    for html in charts:
        body = re.sub(r'<script id="hima-vega-bundle">.*?</script>', "", html, flags=re.S)
        assert not re.search(r"<script[^>]+src=", body), "no script is fetched"
        urls = [u for u in re.findall(r"https?://[^\s\"'<>)]+", body) if not SCHEMA_URL.fullmatch(u)]
        assert not urls, f"chart output names network addresses: {urls[:5]}"
