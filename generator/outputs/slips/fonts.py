"""The fonts the slips embed: one subset of the system Noto CJK fonts per build, not per slip.

Why: WeasyPrint subsets the font of every PDF it writes, keeping glyph ids as they are.
Subsetting the 65,000-glyph system Noto CJK font keeps tables sized for all 65,000 ids, so
every PDF carried about 50 KB per face before any glyph was drawn (a one-page slip came to
about 260 KB). Here each face is cut once to a fixed, committed character set of about
6,000 characters ordered by frequency (``generator/outputs/slips/data/slip-charset.txt``,
made by ``scripts/make_slip_charset.py``) plus every character of the slip templates, with
glyph ids renumbered. HarfBuzz cuts it (through ``uharfbuzz``); fontTools renumbers and scales. WeasyPrint's own per-PDF subset of that small font is then a few KB of
overhead, and loading it is quicker too.

The character set does not depend on the matters, so a new matter never changes the font
(which would re-render every cached slip). A character outside it still prints: the CSS
names the full system family after the subset one, and Pango falls back per character.

The CFF faces are also scaled from 1000 to 256 units per em (:mod:`generator.outputs.slips.fontscale`):
one-byte coordinates make every PDF's copy of the serif about a fifth smaller, and 1/256
em is below a printer's dot at body size. That needs flat charstrings, so the subset is
desubroutinized here (WeasyPrint flattens each PDF's subset anyway).

The subsets live in the artifact cache, keyed by the source font file (path, size, mtime),
the character set, the units per em, the code and library versions that cut them and the
generator version; they are deterministic (no timestamps), so their content digests can go
into each slip's cache key.
"""

from __future__ import annotations

import importlib.metadata
import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.cache import ArtifactCache, code_digest, digest, file_digest
from generator.outputs.slips import fontscale

DATA = Path(__file__).parent / "data"
CHARSET_FILE = DATA / "slip-charset.txt"
TEMPLATES = Path(__file__).parents[1] / "templates" / "slips"
# Units per em of the CFF subsets (the system fonts have 1000): coarser coordinates make
# the outlines about a quarter smaller, and 1/256 em is below a printer's dot at body size
# (see :mod:`generator.outputs.slips.fontscale`).
UPEM = 256
# The libraries that cut the fonts: a new version of either must cut them again (as must a
# change to this code: ``code_digest``)
_LIBRARIES = ("uharfbuzz", "fonttools")


@dataclass(frozen=True)
class Face:
    family: str  # the name the slip CSS uses
    pattern: str  # fontconfig pattern of the system font it is cut from
    fallback: str  # the system family to fall back to per character
    weight: str
    charset: str  # "text" (the committed set and the templates) or the literal characters


FACES: tuple[Face, ...] = (
    # body text, 仿宋-like: a serif
    Face("GuideSerif", "Noto Serif CJK SC:style=Regular", "Noto Serif CJK SC", "400", "text"),
    # titles, headings, table headers and emphasis, 黑体-like. (A bold serif for the title,
    # 小标宋-like, would be a third CJK font in every PDF: about 20 KB more per slip.)
    Face("GuideSans", "Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "700", "text"),
    # the tick boxes of the correction slip: not in the CJK fonts
    Face("GuideSymbols", "DejaVu Sans:style=Book", "DejaVu Sans", "400", "☐☑☒✓"),
)


@dataclass(frozen=True)
class FontFile:
    face: Face
    path: Path | None  # None: the system font is used as it is (subsetting unavailable)
    sha256: str


def template_characters() -> str:
    chars: set[str] = set()
    for path in sorted(TEMPLATES.glob("*")):
        if path.is_file():
            chars.update(path.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c >= " "))


@lru_cache(maxsize=1)
def text_charset() -> str:
    committed = "".join(CHARSET_FILE.read_text(encoding="utf-8").split("\n"))
    # the templates' characters are on every slip: give them the lowest glyph ids
    return "".join(dict.fromkeys(template_characters() + committed))


def locate(pattern: str) -> tuple[Path, int] | None:
    """(file, index in a collection) of the font fontconfig picks for ``pattern``."""
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern], capture_output=True, text=True, check=False)
    lines = out.stdout.split("\n")
    if out.returncode != 0 or len(lines) < 3:
        return None
    family = pattern.split(":")[0]
    if family not in lines[2].split(","):  # fontconfig substituted another family: not installed
        return None
    return Path(lines[0]), int(lines[1] or 0)


# Horizontal Chinese needs no shaping tables, and vertical metrics are never used
_DROP_TABLES = ("BASE", "DSIG", "GDEF", "GPOS", "GSUB", "JSTF", "VORG", "vhea", "vmtx")


def _hb_subset(source: Path, index: int, chars: str) -> bytes:
    """Subset with HarfBuzz (uharfbuzz): about 0.2 s for a CJK face, where fontTools takes ~4 s."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(source)), index)
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(ord(char) for char in chars)
    subset_input.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(int.from_bytes(tag.encode(), "big") for tag in _DROP_TABLES)
    # no layout closure: glyph variants (vertical, other locales) would triple the font;
    # flat charstrings, which the UPM scaling needs (every PDF's subset is flattened anyway)
    flags = hb.SubsetFlags
    subset_input.flags = flags.NO_HINTING | flags.DESUBROUTINIZE | flags.NOTDEF_OUTLINE | flags.NO_LAYOUT_CLOSURE
    return hb.subset(face, subset_input).blob.data


def _frequency_order(font, chars: str) -> None:
    """Renumber glyphs in the order of ``chars`` (most frequent first).

    WeasyPrint keeps glyph ids when it subsets a font for one PDF, so every PDF carries
    metrics and an index entry for each id up to the highest one it uses. A subset keeps
    the source font's order (Adobe-GB1, where common and rare characters are mixed), so
    almost any slip reached the last id (about 30 KB per font per PDF); in frequency order
    a typical slip stops far earlier.

    The fonts are CID-keyed CFF, and PDF viewers look glyphs up by CID, so each glyph is
    renamed to the CID of its new position and the FDSelect follows it.
    """
    for tag in ("GDEF", "GSUB", "GPOS", "MATH"):  # unused here, and they pin glyph order
        if tag in font:
            del font[tag]
    top = font["CFF "].cff.topDictIndex[0]
    old = font.getGlyphOrder()
    cmap = font.getBestCmap()
    order = [old[0]]
    seen = {old[0]}
    for char in chars:
        name = cmap.get(ord(char))
        if name is not None and name not in seen:
            order.append(name)
            seen.add(name)
    order += [name for name in old if name not in seen]
    cid_keyed = hasattr(top, "ROS")
    new_names = [old[0]] + [f"cid{i:05d}" if cid_keyed else f"g{i}" for i in range(1, len(order))]
    rename = dict(zip(order, new_names))
    strings = top.CharStrings
    old_index = {name: i for i, name in enumerate(old)}
    glyphs = {}
    for name in order:
        glyph = strings[name]
        if hasattr(top, "FDSelect"):
            glyph.fdSelectIndex = top.FDSelect[old_index[name]]
        glyphs[rename[name]] = glyph
    strings.charStrings = glyphs
    strings.charStringsAreIndexed = 0
    if hasattr(top, "FDSelect"):
        top.FDSelect.gidArray = []  # rebuilt from each glyph's fdSelectIndex on compile
        strings.fdSelect = top.FDSelect
        strings.fdArray = top.FDArray
    top.charset = new_names
    font["hmtx"].metrics = {rename[k]: v for k, v in font["hmtx"].metrics.items()}
    # variation sequences (format 14) are not used on slips
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format != 14]
    for table in font["cmap"].tables:
        table.cmap = {code: rename[name] for code, name in table.cmap.items()}
    font.setGlyphOrder(new_names)


def _prepare(data: bytes, chars: str, upem: int) -> bytes:
    """A CFF subset in frequency order, scaled to ``upem`` units per em (TrueType as it is)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=False)
    if "CFF " not in font:
        return data
    _frequency_order(font, chars)
    fontscale.scale_font(font, upem)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _subset(source: Path, index: int, chars: str) -> bytes:
    return _prepare(_hb_subset(source, index, chars), chars, UPEM)


def build_fonts(cache_dir: Path) -> list[FontFile]:
    """The subset font files for this build, cut now if the cache does not have them."""
    cache = ArtifactCache(cache_dir)
    result = []
    for face in FACES:
        found = locate(face.pattern)
        if found is None:
            result.append(FontFile(face, None, digest("missing", face.pattern)))
            continue
        path, index = found
        chars = text_charset() if face.charset == "text" else face.charset
        stat = path.stat()
        recipe = [code_digest(__name__), *(f"{lib} {importlib.metadata.version(lib)}" for lib in _LIBRARIES)]
        key = digest("slip-font", str(path), str(index), str(stat.st_size), str(stat.st_mtime_ns), chars, str(UPEM), *recipe)
        cached = cache.get("fonts", key, ".otf")
        if cached is None:
            cached = cache.put("fonts", key, ".otf", _subset(path, index, chars))
        result.append(FontFile(face, cached, file_digest(str(cached))))
    return result


def font_face_css(fonts: list[FontFile]) -> str:
    """@font-face rules for the subsets (file URLs: the fonts never leave the build machine)."""
    rules = []
    for font in fonts:
        if font.path is None:
            continue
        rules.append(
            f'@font-face {{ font-family: "{font.face.family}"; font-weight: {font.face.weight}; '
            f'src: url("{font.path.resolve().as_uri()}"); }}'
        )
    return "\n".join(rules) + "\n"
