"""Chinese, Japanese and Korean text that renders on any reader's machine.

Each page embeds a subset of a freely licensed CJK font (Noto Sans CJK, SIL Open Font License)
holding only the glyphs the page uses (typically 100 to 300 glyphs, 10 to 40 KB), declared
as the ``HIMA CJK`` family for the CJK code points only, so Latin text keeps the house fonts
and Chinese names draw the same everywhere, with or without fonts installed. The subset is
cached by font and glyph set, so a rebuild does not subset again, and it is the same bytes for
the same page.

When the build machine has no CJK font, nothing is embedded, the build says so once, and the
page's provenance footer says that Chinese text relies on the reader's fonts.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from pathlib import Path

from .. import paths

__all__ = ["FAMILY", "FontChoice", "cjk_text", "embed_cjk", "find_font", "missing_font_message"]

FAMILY = "HIMA CJK"
#: The code points the embedded font is used for (CSS ``unicode-range``).
UNICODE_RANGE = "U+2E80-2FFF, U+3000-30FF, U+3100-31FF, U+3200-9FFF, U+AC00-D7AF, U+F900-FAFF, U+FF00-FFEF"
_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
_HEAD_END = re.compile(r"</head>\s*<body\b")
_BUNDLE = re.compile(r'<script id="hima-vega-bundle">.*?</script>', re.S)


class FontChoice:
    """A CJK font on this machine: its file and the face index inside a collection."""

    def __init__(self, path: Path, index: int, name: str) -> None:
        self.path, self.index, self.name = path, index, name

    def key(self) -> str:
        st = self.path.stat()
        return f"{self.path}:{self.index}:{st.st_size}:{st.st_mtime_ns}"


def find_font() -> FontChoice | None:
    """The first CJK font found among :func:`hima_analytics.paths.cjk_fonts` (the Simplified
    Chinese face of a collection), or None."""
    for path in paths.cjk_fonts():
        if not path.is_file():
            continue
        if path.suffix.lower() == ".ttc":
            from fontTools.ttLib import TTCollection

            with TTCollection(str(path), lazy=True) as collection:
                faces = [f["name"].getDebugName(1) or "" for f in collection.fonts]
            index = next((i for i, n in enumerate(faces) if n.endswith(" SC") and "Mono" not in n), 0)
            return FontChoice(path, index, faces[index])
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as face:
            return FontChoice(path, 0, face["name"].getDebugName(1) or path.stem)
    return None


def missing_font_message() -> str:
    looked = ", ".join(str(p) for p in paths.cjk_fonts())
    return (
        f"no CJK font to embed (looked for {looked}); Chinese names in the pages rely on the reader's own "
        "fonts and show as boxes where there are none. Hint: sudo apt-get install fonts-noto-cjk, or set "
        f"{paths.CJK_FONT_ENV} to a .otf/.ttf/.ttc file."
    )


def cjk_text(page: str) -> str:
    """The distinct CJK characters a page shows: in its text and in its charts' specifications
    (where they may be written as ``\\uXXXX``), not in the vendored Vega bundle.

    >>> cjk_text('<p>鸿蒙智行 HIMA</p><script>{"a": "\\\\u95ee\\\\u754c"}</script>')
    '智界蒙行问鸿'
    """
    body = _BUNDLE.sub("", page)
    chars = set(_CJK.findall(html.unescape(body)))
    chars |= {c for c in (chr(int(h, 16)) for h in _ESCAPED.findall(body)) if _CJK.fullmatch(c)}
    return "".join(sorted(chars))


def _subset(font: FontChoice, chars: str) -> bytes:
    from fontTools.ttLib import TTFont

    with TTFont(str(font.path), fontNumber=font.index, lazy=True, recalcTimestamp=False) as face:
        return _subset_face(face, chars)


def _subset_face(face, chars: str) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(face)
    face.flavor = "woff2"  # brotli-compressed: about a third smaller than WOFF
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def subset_bytes(font: FontChoice, chars: str, cache: Path | None = None) -> bytes:
    """The WOFF2 subset of ``font`` for ``chars``, from the cache when it was made before."""
    from ..display.renderer import cache_dir
    from ..files import write_atomic

    folder = (cache or cache_dir()) / "fonts"
    key = hashlib.sha256(f"{font.key()}\0{chars}".encode()).hexdigest()[:32]
    cached = folder / f"{key}.woff2"
    if cached.is_file():
        return cached.read_bytes()
    data = _subset(font, chars)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(cached, data)
    return data


def embed_cjk(page: str, font: FontChoice | None, cache: Path | None = None) -> str:
    """``page`` with its CJK glyphs embedded before ``</head>`` and a line in the provenance
    footer saying which font was embedded, or that none could be."""
    chars = cjk_text(page)
    if not chars:
        return page
    if font is None:
        note = "not embedded: the build machine had no CJK font; the reader's fonts are used"
    else:
        data = base64.b64encode(subset_bytes(font, chars, cache)).decode("ascii")
        style = (
            f'<style id="hima-cjk-font">@font-face{{font-family:"{FAMILY}";font-display:block;'
            f'src:url(data:font/woff2;base64,{data}) format("woff2");unicode-range:{UNICODE_RANGE}}}</style>'
        )
        # The page's own </head><body>: the inlined Vega bundle has both in a string.
        ends = [m.start() for m in _HEAD_END.finditer(page)]
        head = ends[-1] if ends else -1
        if head >= 0:
            page = page[:head] + style + page[head:]
        note = f"{len(chars)} glyphs of {font.name} embedded (SIL Open Font License)"
    end = page.rfind("</dl></footer>")
    if end >= 0:
        row = f"<dt>Chinese text</dt><dd>{html.escape(note)}</dd>\n"
        page = page[:end] + row + page[end:]
    return page
