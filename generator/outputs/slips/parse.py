"""The slips' own HTML, parsed into the tree WeasyPrint's HTML5 parser would build, 5× faster.

Why: WeasyPrint parses every slip with ``tinyhtml5``, a pure-Python HTML5 parser: about
15 ms of the 150 ms of CPU a slip costs (measured on 40 slips of the bench corpus), some
110 CPU-s of a 1,814-matter cold build. The slips are HTML this project writes from its
own templates (``templates/slips/``), with every value from YAML escaped by Jinja, so their
markup is well formed; Python's ``html.parser`` (a C-accelerated tokenizer) reads them in
about 3 ms.

:func:`parse` builds exactly the ``xml.etree`` tree that ``tinyhtml5.parse(text,
namespace_html_elements=False)`` builds for such markup: the doctype dropped, whitespace
before ``<head>`` dropped, an implicit ``<tbody>`` around rows written directly in a
``<table>``, text after ``</body>`` kept in the body, comments as comments, a valueless
attribute as ``""``. Anything whose HTML5 tree would differ from the nesting as written
(an end tag that does not close the open element, a ``<p>`` left open by a block, a
self-closed ``<span/>``, text directly in a table, a carriage return or NUL that HTML5
rewrites, a ``<script>``, ``<template>`` or foreign content) returns ``None``, and the caller
uses WeasyPrint's own parser: the fast path is never a different document, only a faster
one. ``site_tests/test_slips_parse.py`` compares both trees for every slip of the sample
matters and for hostile text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# start tags that close an open <p> in HTML5 ("has a p element in button scope"): with
# one of these inside a <p> the HTML5 tree differs from the nesting as written
CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "dd", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
        "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "xmp",
    }
)  # fmt: skip
# elements whose HTML5 parsing is not "insert as written" (raw text, foreign content, forms,
# frames, elements that reopen formatting): left to the full parser
UNSUPPORTED = frozenset(
    {
        "a", "b", "big", "body", "button", "caption", "code", "colgroup", "em", "font", "form", "frameset", "head",
        "html", "i", "iframe", "image", "math", "nobr", "noembed", "noframes", "noscript", "option", "optgroup",
        "plaintext", "s", "script", "select", "small", "strike", "strong", "svg", "template", "textarea", "title",
        "tt", "u", "xmp",
    }
)  # fmt: skip
# formatting elements are fine when nested as written (the adoption agency only runs for
# misnested ones, which the end-tag check catches)
FORMATTING = frozenset({"b", "big", "code", "em", "i", "s", "small", "strike", "strong", "tt", "u"})
LIST_ITEMS = frozenset({"li", "dd", "dt"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr"})


class _Unsupported(Exception):
    """The markup is outside what :func:`parse` reproduces exactly."""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html: ET.Element | None = None
        self.head: ET.Element | None = None
        self.body: ET.Element | None = None
        self.stack: list[ET.Element] = []
        self.implicit: set[int] = set()  # ids of <tbody> elements the parser inserted
        self.after_body = False

    # -------------------------------------------------------------------- structure

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html" or self.html is not None:
            raise _Unsupported(decl)

    def unknown_decl(self, data: str) -> None:
        raise _Unsupported(data)

    def handle_pi(self, data: str) -> None:
        raise _Unsupported(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        if tag in VOID:
            self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            raise _Unsupported(f"<{tag}/>")  # HTML5 ignores the slash: the element stays open
        self._start(tag, attrs)
        self.stack.pop()

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrib: dict[str, str] = {}
        for name, value in attrs:
            attrib.setdefault(name, "" if value is None else value)  # HTML5: the first one wins
        if tag == "html":
            if self.html is not None:
                raise _Unsupported(tag)
            self.html = ET.Element("html", attrib)
            self.stack = [self.html]
            return
        if self.html is None:
            raise _Unsupported(tag)
        if tag == "head":
            if self.head is not None or attrib or len(self.stack) != 1:
                raise _Unsupported(tag)
            self.head = ET.SubElement(self.html, "head")
            self.stack.append(self.head)
            return
        if tag == "body":
            if self.body is not None or self.head is None or len(self.stack) != 1:
                raise _Unsupported(tag)
            self.body = ET.SubElement(self.html, "body", attrib)
            self.stack.append(self.body)
            return
        if self.after_body or self.head is None or len(self.stack) < 2:
            raise _Unsupported(tag)
        parent = self.stack[-1]
        if parent is self.head:
            if tag not in ("meta", "title", "style", "link"):
                raise _Unsupported(tag)
        elif tag in ("title", "base", "link"):
            raise _Unsupported(tag)
        if tag in UNSUPPORTED and tag not in FORMATTING and tag != "title":
            raise _Unsupported(tag)
        if parent.tag in ("title", "style"):
            raise _Unsupported(tag)  # raw text in HTML5
        if tag in CLOSES_P and any(element.tag == "p" for element in self.stack):
            raise _Unsupported(tag)
        if tag in LIST_ITEMS and any(element.tag in LIST_ITEMS for element in self.stack):
            raise _Unsupported(tag)  # HTML5 closes the open item
        if tag in HEADINGS and parent.tag in HEADINGS:
            raise _Unsupported(tag)
        if parent.tag in TABLE_PARTS or tag in TABLE_PARTS or tag in ("td", "th"):
            parent = self._table_parent(parent, tag)
        element = ET.SubElement(parent, tag, attrib)
        self.stack.append(element)

    def _table_parent(self, parent: ET.Element, tag: str) -> ET.Element:
        """Where a table part goes: as written, except rows directly in a table, which HTML5
        puts in an implicit <tbody>. Anything else a table holds is rewritten by HTML5."""
        allowed = {
            "table": ("thead", "tbody", "tfoot", "tr"),
            "thead": ("tr",),
            "tbody": ("tr",),
            "tfoot": ("tr",),
            "tr": ("td", "th"),
        }
        if parent.tag in allowed:
            if tag not in allowed[parent.tag]:
                raise _Unsupported(tag)
            if parent.tag == "table" and tag == "tr":
                tbody = ET.SubElement(parent, "tbody")
                self.implicit.add(id(tbody))
                self.stack.append(tbody)
                return tbody
            return parent
        if tag in ("table",):
            return parent
        raise _Unsupported(tag)  # a row or cell outside its table part

    def handle_endtag(self, tag: str) -> None:
        if tag in ("body", "html"):
            # HTML5 keeps the body open: what follows still goes into it
            if self.body is None or self.stack[-1] is not self.body:
                raise _Unsupported(f"</{tag}>")
            self.after_body = True
            return
        if tag in VOID:
            raise _Unsupported(f"</{tag}>")
        top = self.stack[-1] if self.stack else None
        if tag == "table" and top is not None and id(top) in self.implicit:
            self.stack.pop()
            top = self.stack[-1]
        if top is None or top.tag != tag or len(self.stack) < 2:
            raise _Unsupported(f"</{tag}>")
        self.stack.pop()

    # ------------------------------------------------------------------------ text

    def handle_data(self, data: str) -> None:
        if not data:
            return
        if self.html is None or (len(self.stack) == 1 and self.head is None):
            if data.strip(" \t\n\f"):
                raise _Unsupported("text before <head>")
            return  # HTML5 drops whitespace before <head>
        top = self.stack[-1]
        if top is self.head or top.tag in TABLE_PARTS or (len(self.stack) == 1):
            if data.strip(" \t\n\f"):
                raise _Unsupported("text in a table or the head")
        if len(self.stack) == 1 and self.body is not None:
            raise _Unsupported("text after the body")
        _append_text(top, data)

    def handle_comment(self, data: str) -> None:
        if self.stack:
            self.stack[-1].append(ET.Comment(data))
        else:
            raise _Unsupported("comment outside <html>")


def _append_text(element: ET.Element, data: str) -> None:
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + data
    else:
        element.text = (element.text or "") + data


def parse(html: str) -> ET.Element | None:
    """The HTML5 tree of a slip's HTML, or ``None`` when only a full HTML5 parser gets it right."""
    if "\r" in html or "\x00" in html or "\x0c" in html:
        return None  # HTML5 rewrites these before tokenising
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except _Unsupported:
        return None
    if builder.body is None or builder.stack[-1] is not builder.body or not builder.after_body:
        return None
    if builder.rawdata:
        return None
    return builder.html
