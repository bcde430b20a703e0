"""The slips' fast HTML parser (generator/outputs/slips/parse.py) builds the tree WeasyPrint's
own HTML5 parser builds, or declines (None) so that the full parser is used."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5
from conftest import FIXTURES

from generator.outputs.slips.parse import parse

SITE_URL = "https://guides.example.gov.cn/"


def html5(text: str) -> ET.Element:
    return tinyhtml5.parse(text, namespace_html_elements=False)


def shape(root: ET.Element) -> list[tuple]:
    """Every node in document order with all it carries (tag, attributes in order, text, tail)."""
    return [(node.tag if isinstance(node.tag, str) else "#comment", list(node.attrib.items()), node.text, node.tail, len(node)) for node in root.iter()]


def assert_same_tree(text: str) -> None:
    fast = parse(text)
    assert fast is not None, "the fast parser declined a slip written by our own templates"
    assert shape(fast) == shape(html5(text))


def slips_of(corpus, **options):
    from generator.outputs.slips.html import KINDS, Fill, render_html

    for matter in corpus.sorted_matters():
        for kind in KINDS:
            yield render_html(matter, corpus.fingerprint(matter.code), kind, SITE_URL, **options)
        missing = frozenset(material.id for material in matter.materials[:2])
        fill = Fill(applicant="张三 & <李四>", received="2026年3月2日", deadline="2026年3月9日", within=5, year="2026")
        yield render_html(matter, corpus.fingerprint(matter.code), "correction", SITE_URL, fill=fill, missing=missing, created="2026-03-02")
        yield render_html(matter, corpus.fingerprint(matter.code), "correction", SITE_URL, stub=True)


def test_every_slip_of_the_sample_matters_parses_to_the_html5_tree(sample_corpus):
    count = 0
    for text in slips_of(sample_corpus):
        assert_same_tree(text)
        count += 1
    assert count == 6 * len(sample_corpus.matters)


def test_hostile_matters_parse_to_the_html5_tree():
    from generator.load.corpus import load_corpus

    corpus = load_corpus(FIXTURES / "foundation" / "hostile")
    texts = list(slips_of(corpus))
    assert any("&lt;script" in text for text in texts), "the hostile fixture should carry markup in its text"
    for text in texts:
        assert_same_tree(text)


def test_a_themes_combined_notice_parses_to_the_html5_tree(sample_corpus):
    from generator.outputs.slips.html import combined_notice_html

    matter = sample_corpus.sorted_matters()[0]
    text = combined_notice_html(
        title="开办餐饮店“一件事”一次性告知单",
        issuer="莆田市行政服务中心",
        page_url=f"{SITE_URL}themes/open-restaurant/",
        members=[matter],
        conditions=[(matter.name, c.text) for c in matter.conditions],
        materials=[{"name": "<b>营业执照</b> & 副本", "form": "复印件", "copies": 1, "note": "“加盖公章”", "used_by": [matter.name]}],
        trace="主题 open-restaurant",
        created="2026-03-01",
    )
    assert_same_tree(text)


@pytest.mark.parametrize(
    "body",
    [
        '<table class="sign">\n<tr><td>受理人</td><td>日期</td></tr>\n<tr><td>a</td><td>b</td></tr>\n</table>',
        "<table><thead><tr><th>序号</th></tr></thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody></table>",
        '<p class="x" data-fill-box data-k="1" data-k="2">甲&amp;乙&lt;丙&gt;&#34;丁&#39;&nbsp;戊</p>',
        "<!-- 注释 --><p>一<br>二<br/>三</p><img src=\"data:image/png;base64,AAAA\" alt=\"&lt;x&gt;\">",
        "<ol>\n<li>一</li>\n<li>二<strong>加粗</strong><small>小</small></li>\n</ol>",
        '<style>@page slip { content: "<p>"; }</style><div><h2>标题</h2><span class="blank w8"></span></div>',
    ],
)
def test_markup_written_as_it_nests_parses_to_the_html5_tree(body):
    assert_same_tree(f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>题&amp;目</title>\n</head>\n<body class="slip">\n{body}\n</body>\n</html>\n')


@pytest.mark.parametrize(
    "body",
    [
        "<p>段落<div>块</div></p>",  # a block closes the paragraph
        "<ul><li>一<li>二</ul>",  # an item closes the open item
        "<p><span/>文字</p>",  # a self-closed span stays open
        "<table>文字<tr><td>1</td></tr></table>",  # text in a table is moved out of it
        "<table><span>1</span></table>",
        "<p>未闭合",
        "<p><strong><em>错</strong></em></p>",  # misnested formatting
        "<h2><h3>标题</h3></h2>",
        "<p>一\r\n二</p>",  # HTML5 rewrites CR
        "<p>\x00</p>",
        "<script>var a = 1;</script>",
        "<a href='#'>链接</a>",
        "</br>",
    ],
)
def test_markup_html5_would_rewrite_is_left_to_the_full_parser(body):
    text = f"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    assert parse(text) is None


def test_a_document_without_a_body_or_with_text_after_html_is_left_to_the_full_parser():
    assert parse("<p>no document</p>") is None
    assert parse("<!DOCTYPE html><html><head></head><body><p>一</p></body></html>尾") is not None  # text after the body stays in it
    assert shape(parse("<!DOCTYPE html><html><head></head><body><p>一</p></body></html>尾")) == shape(html5("<!DOCTYPE html><html><head></head><body><p>一</p></body></html>尾"))
    assert parse("<!DOCTYPE html><html><head></head>文字<body></body></html>") is None


def test_the_renderer_gives_the_same_pdf_with_either_parser(sample_corpus, tmp_path, monkeypatch):
    from generator.outputs.slips import fonts as slipfonts
    from generator.outputs.slips import parse as parse_module
    from generator.outputs.slips.html import render_html
    from generator.outputs.slips.pdf import Renderer

    renderer = Renderer(slipfonts.build_fonts(tmp_path / "cache"))
    matter = sample_corpus.sorted_matters()[0]
    text = render_html(matter, sample_corpus.fingerprint(matter.code), "notice", SITE_URL)
    real, calls = parse_module.parse, []
    monkeypatch.setattr(parse_module, "parse", lambda text: calls.append(text) or real(text))
    fast = renderer.render(text)
    assert calls == [text]  # the renderer took the fast path
    monkeypatch.setattr(parse_module, "parse", lambda text: None)
    assert renderer.render(text) == fast
