"""Every change this project makes to WeasyPrint's internals, in one place.

Two patches replace a module attribute of ``weasyprint.pdf.fonts`` (the code that embeds
each PDF's fonts) by a thin wrapper, and :func:`html_document` makes WeasyPrint's document
object from a tree parsed outside it, styled by a trimmed copy of WeasyPrint's own
user-agent stylesheet; none changes what a slip shows:

- :class:`OpenArrayFFI` (speed): the per-PDF font subset asks cffi for arrays typed
  ``hb_codepoint_t[<count>]``, a new type string per count, each parsed by pycparser.
- :class:`BareCFF` (size): a CID-keyed CFF font is embedded as bare CFF instead of a whole
  OpenType file.
- :func:`html_document` (speed): a slip's HTML parsed by :mod:`generator.outputs.slips.parse`
  (the same tree as WeasyPrint's HTML5 parser, 5× faster) instead of by ``tinyhtml5``.
- :func:`slip_user_agent_css` (speed): the user-agent stylesheet without the rules for the
  footnotes and notes a slip never has, and with ``::marker`` only on ``li``.

They reach into private code, so they were written against a range of WeasyPrint versions
(:data:`TESTED`, the same bound as in ``pyproject.toml``). :func:`apply` checks the installed
version and the attributes it replaces; outside the range it leaves WeasyPrint as it is and
logs why: the slips are then still correct, only slower and larger (and the snapshot test
shows the new bytes). The WeasyPrint version is part of every slip's cache key, so a PDF
made with or without the patches is never served for the other.
"""

from __future__ import annotations

import logging
import re
import struct
from functools import cache, lru_cache
from typing import Any

log = logging.getLogger(__name__)

# [lowest, highest) WeasyPrint major version the patches were checked against; raise the
# upper bound (here and in pyproject.toml) only after reading the new weasyprint/pdf/fonts.py
TESTED = (62, 71)


@lru_cache(maxsize=1)
def weasyprint_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("weasyprint")


def _major(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else -1


class OpenArrayFFI:
    """WeasyPrint's cffi handle, except that ``new("T[n]", items)`` becomes ``new("T[]", items)``.

    Why: WeasyPrint subsets each PDF's fonts with arrays typed ``hb_codepoint_t[<count>]``;
    cffi parses every new type string with pycparser (about 7 ms) and the counts differ from
    slip to slip, so that parse ran two or three times per slip: about a tenth of its CPU.
    An open array filled from the same items is the same memory, so the PDF bytes do not
    change."""

    def __init__(self, ffi: Any):
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        if init is not None and cdecl.endswith("]") and "[" in cdecl and not isinstance(init, int):
            cdecl = cdecl[: cdecl.index("[")] + "[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def cff_of(otf: bytes) -> bytes | None:
    """The CFF table of an OpenType font, if it is a CID-keyed CFF (its Top DICT starts with ROS)."""
    if otf[:4] != b"OTTO":
        return None
    (count,) = struct.unpack_from(">H", otf, 4)
    for k in range(count):
        tag, _, offset, length = struct.unpack_from(">4sLLL", otf, 12 + 16 * k)
        if tag == b"CFF ":
            cff = otf[offset : offset + length]
            break
    else:
        return None

    def skip_index(pos: int) -> int:
        (n,) = struct.unpack_from(">H", cff, pos)
        if n == 0:
            return pos + 2
        size = cff[pos + 2]
        last = int.from_bytes(cff[pos + 3 + n * size : pos + 3 + (n + 1) * size], "big")
        return pos + 3 + (n + 1) * size + last - 1

    try:
        top_index = skip_index(cff[2])  # header, then the Name INDEX
        size = cff[top_index + 2]
        data = top_index + 3 + 2 * size  # the Top DICT INDEX of one dict: its data
        pos = data
        # ROS comes first in a CIDFont's Top DICT: three integer operands, then 12 30
        for _ in range(3):
            b0 = cff[pos]
            pos += 3 if b0 == 28 else 5 if b0 == 29 else 1 if 32 <= b0 <= 246 else 2 if 247 <= b0 <= 254 else 0
            if pos == data or b0 in (30, 255):
                return None
            data = pos
        if cff[pos : pos + 2] != b"\x0c\x1e":
            return None
    except (IndexError, struct.error):
        return None
    return cff


class BareCFF:
    """pydyf for WeasyPrint's font module, except that an OpenType font with a CID-keyed CFF
    is embedded as the bare CFF (FontFile3 /CIDFontType0C, the classic form every PDF reader
    takes) instead of the whole OpenType file (/OpenType).

    Why: the OpenType wrapper's cmap, hmtx, name and OS/2 tables serve no purpose in a PDF
    (the widths and the text mapping are PDF objects) and cost about 2 KB per face per slip."""

    def __init__(self, pydyf: Any):
        self._pydyf = pydyf

    def Stream(self, stream: Any = None, extra: Any = None, compress: bool = False) -> Any:
        if extra is not None and extra.get("Subtype") == "/OpenType" and stream and len(stream) == 1:
            cff = cff_of(bytes(stream[0]))
            if cff is not None:
                stream, extra = [cff], self._pydyf.Dictionary({"Subtype": "/CIDFontType0C"})
        return self._pydyf.Stream(stream, extra, compress=compress)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pydyf, name)


# (attribute of weasyprint.pdf.fonts, wrapper): each replaces one module global
_PATCHES = (("ffi", OpenArrayFFI), ("pydyf", BareCFF))


def apply() -> list[str]:
    """Patch WeasyPrint once per process; the names of the attributes patched.

    A WeasyPrint outside :data:`TESTED`, or without an attribute a patch replaces, is left
    unpatched with a warning naming the reason."""
    version = weasyprint_version()
    low, high = TESTED
    if not low <= _major(version) < high:
        _warn_once(
            f"WeasyPrint {version} is outside {low} ≤ major < {high}, the versions "
            f"{__name__} was written against: slips are rendered without its patches "
            "(slower, larger PDFs). Check weasyprint/pdf/fonts.py, then raise the bound here and in pyproject.toml."
        )
        return []
    import weasyprint.pdf.fonts as pdf_fonts

    applied = []
    for name, wrapper in _PATCHES:
        current = getattr(pdf_fonts, name, None)
        if current is None:
            _warn_once(f"weasyprint.pdf.fonts has no attribute {name!r} in WeasyPrint {version}: {wrapper.__name__} not applied")
            continue
        if not isinstance(current, wrapper):
            setattr(pdf_fonts, name, wrapper(current))
        applied.append(name)
    return applied


def html_document(text: str) -> Any:
    """``weasyprint.HTML(string=text)`` for a slip, with the tree from
    :func:`generator.outputs.slips.parse.parse` when it gives one and WeasyPrint is a
    version :data:`TESTED` (the attributes set here are those ``HTML.__init__`` sets there).

    Why: ``tinyhtml5`` took 5.3 ms of the 6.2 ms ``HTML()`` costs per slip, the fast parser
    1.1 ms (the 40 slips of 10 bench matters): some 35 CPU-s of a 1,814-matter cold build."""
    import cssselect2
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from generator.outputs.slips import parse as slip_parse

    low, high = TESTED
    tested = low <= _major(weasyprint_version()) < high
    root = slip_parse.parse(text) if tested else None
    if root is None:
        document = HTML(string=text, base_url=None)
    else:
        document = HTML.__new__(HTML)
        document.base_url = None  # a slip has no <base> (parse declines one) and loads nothing
        document.url_fetcher = URLFetcher()
        document.media_type = "print"
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        document.etree_element = document.wrapper_element.etree_element
    sheet = _user_agent_sheet() if tested else None
    if sheet is not None:
        # what HTML._ua_stylesheets(forms=False) returns, trimmed (a slip has no form fields)
        document._ua_stylesheets = lambda forms=False: [sheet]
    return document


# The user-agent rules a slip never needs. WeasyPrint's stylesheet gives every element six
# pseudo-elements (::marker, ::footnote-call, ::footnote-marker, ::note-call, ::note-marker,
# ::note-callback), each a computed style made for every element of every slip: 6 of the 7
# styles a slip computes. A slip has no footnotes and no notes (slip.css floats nothing
# there), and only ``li`` is a list item. Without them a slip takes 13 to 27 % less CPU (the
# 80 slips of the 20 sample matters: 18.9 against 16.4 CPU-s in one process; best of 3 with
# scripts/measure_slip_cpu.py, 0.201 against 0.146 s a slip) and its PDF is the same bytes.
_UNUSED_PSEUDO_RULES = re.compile(r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback)\s*\{[^}]*\}[ \t]*\n", re.M)
_MARKER_RULE = re.compile(r"^::marker(\s*\{)", re.M)
# what the slip stylesheet or templates would have to say for those rules to matter
_NEEDS_FULL_SHEET = re.compile(r"footnote|float\s*:\s*note|::note|list-item")


def slip_user_agent_css(ua_css: str, slip_css: str) -> str | None:
    """WeasyPrint's user-agent stylesheet ``ua_css`` as a slip styled by ``slip_css`` (its
    stylesheet and templates) needs it, or None when nothing can be left out (the stylesheet
    changed, or the slips use footnotes, notes or list items other than ``li``)."""
    if _NEEDS_FULL_SHEET.search(slip_css):
        return None
    trimmed, dropped = _UNUSED_PSEUDO_RULES.subn("", ua_css)
    trimmed, scoped = _MARKER_RULE.subn(r"li::marker\1", trimmed)
    if dropped != 5 or scoped != 1:
        return None
    return trimmed


@cache
def _user_agent_sheet() -> Any:
    from importlib.resources import files

    import weasyprint.css
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle

    from generator.outputs.slips.html import TEMPLATES

    # the stylesheet and every template of the slips (a style="" attribute counts too)
    styles = "\n".join(p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*")) if p.is_file())
    text = slip_user_agent_css((files(weasyprint.css) / "html5_ua.css").read_text("utf-8"), styles)
    if text is None:
        _warn_once(f"{__name__}: the slips use WeasyPrint's whole user-agent stylesheet (it or the slip templates changed): slower, same PDFs")
        return None
    # its @counter-style rules go to a counter store of its own: WeasyPrint's own
    # (html.UA_COUNTER_STYLE, filled from the same rules) still serves the list markers
    return CSS(string=text, counter_style=CounterStyle())


def remove_font_folder_at_exit(font_config: Any) -> None:
    """Delete the folder a ``FontConfiguration`` writes its ``@font-face`` files into
    (``/tmp/weasyprint-*``, 3.9 MB with the slip fonts) when the process ends.

    Why: WeasyPrint deletes it in ``FontConfiguration.__del__``, which never runs in a slip
    worker process (it ends through ``os._exit``) and fails at interpreter exit in the main
    one; a session of tests and benchmarks had left 621 such folders, 2.4 GB. A
    ``multiprocessing`` finaliser runs at the normal end of both, and a forked worker does
    not inherit its parent's."""
    import shutil
    from multiprocessing import util

    folder = getattr(font_config, "_folder", None)
    if folder is not None:
        util.Finalize(None, shutil.rmtree, args=(str(folder),), kwargs={"ignore_errors": True}, exitpriority=0)


@cache
def _warn_once(message: str) -> None:
    log.warning(message)
