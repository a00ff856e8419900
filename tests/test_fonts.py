"""Chinese text renders without the reader's fonts: each page embeds the CJK glyphs it uses."""

from __future__ import annotations

import base64
import io
import re
import subprocess

import pytest

from hima_analytics.reporting.fonts import FAMILY, cjk_text, embed_cjk, find_font

FONT = find_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font on this machine (apt-get install fonts-noto-cjk)")

# The inlined Vega bundle carries "</head><body>" in a string; the font must go in the real head.
PAGE = (
    "<html><head><script>const t = `<html><head></head><body>`;</script>"
    '<style>body { font-family: Arial, "HIMA CJK", sans-serif; }</style></head>\n'
    "<body><h1>问界 AITO</h1><p>鸿蒙智行 HIMA, 智界 Luxeed</p>"
    '<footer class="hima-provenance"><h2>Provenance</h2><dl>\n<dt>report</dt><dd>x</dd>\n</dl></footer></body></html>'
)


def embedded_font(page: str) -> bytes:
    match = re.search(r"base64,([A-Za-z0-9+/=]+)\) format\(\"woff2\"\)", page)
    assert match, "no embedded font"
    return base64.b64decode(match.group(1))


@needs_font
def test_the_page_embeds_exactly_its_glyphs_in_its_own_head(tmp_path):
    from fontTools.ttLib import TTFont

    page = embed_cjk(PAGE, FONT, cache=tmp_path)
    style = page.index('<style id="hima-cjk-font">')
    assert page.index("</style>") < style < page.index("</head>\n<body><h1>")
    assert embedded_font(page)[:4] == b"wOF2"  # WOFF2: the smallest web font container
    font = TTFont(io.BytesIO(embedded_font(page)))
    mapped = {chr(c) for c in font.getBestCmap()}
    assert set(cjk_text(PAGE)) <= mapped and "A" not in mapped  # CJK glyphs only
    assert f'font-family:"{FAMILY}"' in page and "unicode-range:U+2E80" in page
    assert f"<dt>Chinese text</dt><dd>{len(cjk_text(PAGE))} glyphs of {FONT.name} embedded" in page
    assert embed_cjk(PAGE, FONT, cache=tmp_path / "other") == page  # same bytes, cached or not


def test_without_a_font_the_footer_says_so_and_nothing_is_embedded():
    page = embed_cjk(PAGE, None)
    assert "hima-cjk-font" not in page
    assert "not embedded: the build machine had no CJK font" in page


def test_a_page_without_cjk_text_is_unchanged():
    plain = "<html><head></head><body><p>Li Auto</p></body></html>"
    assert embed_cjk(plain, FONT) == plain


@pytest.mark.browser
@needs_font
def test_chromium_without_cjk_fonts_draws_the_embedded_glyphs(tmp_path):
    from test_browser import find_chromium

    browser = find_chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    conf = tmp_path / "fonts.conf"  # a font configuration with no CJK font at all
    conf.write_text(
        '<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>'
        f"<cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    probe = (
        '<script>window.addEventListener("load", () => document.fonts.ready.then(() => {'
        "let s = []; document.fonts.forEach(f => s.push(f.family + ':' + f.status));"
        'document.body.setAttribute("data-fonts", s.join("|")); }));</script>'
    )
    page = tmp_path / "page.html"
    page.write_text(embed_cjk(PAGE, FONT, cache=tmp_path).replace("</body></html>", probe + "</body></html>"))
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
        + ["--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        env={"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert f'data-fonts="{FAMILY}:loaded"' in dom.stdout, dom.stderr[-2000:]
