"""Printable slips (WeasyPrint PDFs), working days and ``guides slip``."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, build_project, make_project

SLIPS = FIXTURES / "slips"
SAMPLE = "000117012000"
LONG = "000117012099"
SITE_URL = "https://guides.example.gov.cn/"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without whitespace: names wrap across lines in a table cell."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def long_corpus():
    from generator.load.corpus import load_corpus

    return load_corpus(SLIPS / "long")


@pytest.fixture(scope="module")
def slip_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("slip-cache")


@pytest.fixture(scope="module")
def long_pdfs(long_corpus, slip_cache, tmp_path_factory) -> dict[str, Path]:
    from generator.outputs.slips import html as slip_html
    from generator.outputs.slips import pdf as slip_pdf

    out = tmp_path_factory.mktemp("long-slips")
    matter = long_corpus.matters[LONG]
    paths = {}
    for kind in slip_html.KINDS:
        html = slip_html.render_html(matter, long_corpus.fingerprint(LONG), kind, SITE_URL)
        paths[kind] = out / f"{kind}.pdf"
        paths[kind].write_bytes(slip_pdf.render_pdf(html, slip_cache))
    return paths


# ------------------------------------------------------------------ working days


def test_working_days_skip_weekends_holidays_and_count_swapped_saturdays(sample_corpus):

    calendar = sample_corpus.calendar
    # Friday + 5: the weekend is skipped
    assert calendar.add_working_days(dt.date(2026, 11, 20), 5) == dt.date(2026, 11, 27)
    # 国庆节 1–7 October 2026 is skipped, Saturday 10 October (调休上班) counts
    assert calendar.add_working_days(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)
    # 中秋节 25–27 September 2026
    assert calendar.add_working_days(dt.date(2026, 9, 24), 3) == dt.date(2026, 9, 30)
    # 春节 2025: 28 Jan – 4 Feb off, Saturday 8 Feb worked
    assert calendar.add_working_days(dt.date(2025, 1, 27), 1) == dt.date(2025, 2, 5)
    assert calendar.is_working_day(dt.date(2025, 2, 8))
    assert calendar.add_working_days(dt.date(2026, 11, 20), 0) == dt.date(2026, 11, 20)
    assert calendar.uncovered(dt.date(2026, 12, 20), dt.date(2027, 1, 5)) == [2027]


def test_bad_holiday_file_is_reported_with_positions():
    from generator.load.corpus import load_corpus
    from generator.problems import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        load_corpus(SLIPS / "bad-holidays")
    lines = [str(p) for p in caught.value.problems]
    assert any(re.search(r"holidays\.yml:6:\d+: years\.2026\.holidays\[1\]\.from: 日期 2027-02-15 不在 2026 年；请写在 2027 年之下，或改正日期$", line) for line in lines)
    assert any(line.endswith("holidays[2].to: 结束日期 2026-09-25 早于开始日期 2026-09-27；请改正其中一处") for line in lines)
    assert any(re.search(r"holidays\.yml:8:\d+: years\.2026\.workdays\[0\]: 2026-10-12 是工作日（周一至周五）；workdays 只写调休上班的周六、周日$", line) for line in lines)
    assert any("workdays[2]: 调休上班日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「tomorrow」" in line for line in lines)


# ------------------------------------------------------------------ the built site


@needs_poppler
def test_each_kind_exists_with_matter_and_material_names(built_site, sample_corpus):
    from generator.outputs.slips import html as slip_html

    for code, matter in sample_corpus.matters.items():
        for kind, title in slip_html.KINDS.items():
            pdf = built_site / "matters" / code / "slips" / f"{kind}.pdf"
            assert pdf.is_file(), pdf
            text = squeeze(pdf_text(pdf))
            assert squeeze(title) in text
            assert squeeze(matter.name) in text
            assert sample_corpus.fingerprint(code) in text  # footer: traceable to the standard
            if kind == "rejection":  # reasons and remedies, no list of materials
                continue
            for material in matter.materials:
                assert squeeze(material.name) in text, (kind, material.name)
        page = (built_site / "matters" / code / "index.html").read_text(encoding="utf-8")
        for kind in slip_html.KINDS:
            assert f'href="slips/{kind}.pdf"' in page


@needs_poppler
def test_every_font_is_embedded(built_site, long_pdfs):
    pdfs = sorted(built_site.glob("matters/*/slips/*.pdf")) + list(long_pdfs.values())
    for pdf in pdfs:
        out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, f"{pdf}: no fonts"
        for row in rows:
            # name, type..., encoding, emb, sub, uni, object id
            emb, sub, uni = row.split()[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), f"{pdf}: {row}"


@needs_poppler
def test_cjk_fonts_are_bare_cff_at_256_units_per_em(long_pdfs):
    """The CJK faces go into the PDF as bare CID-keyed CFF (no OpenType wrapper), scaled to
    256 units per em, and the text still comes back out of them."""
    import zlib

    from fontTools.cffLib import CFFFontSet

    from generator.outputs.slips import fonts as slipfonts

    pdf = long_pdfs["correction"]
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    cjk = [row for row in rows if "GuideSerif" in row or "GuideSans" in row]
    assert len(cjk) == 2 and all("CID Type 0C " in row and "(OT)" not in row for row in cjk), rows
    data = pdf.read_bytes()
    matrices = []
    for match in re.finditer(rb"/Subtype /CIDFontType0C[^>]*/Length (\d+)[^>]*>>\s*stream\r?\n", data):
        start = match.end()
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(zlib.decompress(data[start : start + int(match.group(1))])), None)
        top = cff.topDictIndex[0]
        assert hasattr(top, "ROS")
        matrices.append(top.FontMatrix[0])
    assert matrices == [pytest.approx(1 / slipfonts.UPEM)] * 2
    assert "补正材料通知书" in pdf_text(pdf)


def test_qr_payload_is_the_page_url(sample_corpus):
    from generator.outputs.slips import html as slip_html

    assert slip_html.qr_payload(SITE_URL, SAMPLE) == f"{SITE_URL}matters/{SAMPLE}/"
    assert slip_html.qr_payload("https://x.gov.cn/guides", SAMPLE) == f"https://x.gov.cn/guides/matters/{SAMPLE}/"
    html = slip_html.render_html(sample_corpus.matters[SAMPLE], sample_corpus.fingerprint(SAMPLE), "notice", SITE_URL)
    assert slip_html.qr_svg(f"{SITE_URL}matters/{SAMPLE}/") in html
    from generator.outputs.slips.command import _site_url_from_config

    assert _site_url_from_config(ROOT / "mkdocs.yml") == SITE_URL


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar-tools not installed")
def test_qr_code_decodes_to_the_page_url(built_site, tmp_path):
    pdf = built_site / "matters" / SAMPLE / "slips" / "correction.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True)
    assert out.stdout.strip() == f"{SITE_URL}matters/{SAMPLE}/"


# ------------------------------------------------------------------ long and hostile matters


@needs_poppler
def test_hostile_text_is_escaped_and_long_names_wrap(long_corpus, long_pdfs):
    from generator.outputs.slips import html as slip_html

    matter = long_corpus.matters[LONG]
    html = slip_html.render_html(matter, long_corpus.fingerprint(LONG), "notice", SITE_URL)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    long_name = next(m.name for m in matter.materials if m.id == "very-long")
    assert len(long_name) >= 300
    for kind, pdf in long_pdfs.items():
        text = squeeze(pdf_text(pdf))
        assert "<script>alert(1)</script>" in text  # printed as text, not run or dropped
        if kind != "rejection":
            assert '<script>alert("材料")</script>' in text
            assert squeeze(long_name) in text
        # nothing runs off the page: every word's box lies inside the A4 width
        bbox = pdf_text(pdf, "-bbox")
        width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
        right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
        assert right_edges and max(right_edges) <= width - 20, (kind, max(right_edges), width)


@needs_poppler
def test_long_slip_paginates_with_repeated_header_and_page_numbers(long_pdfs):
    pdf = long_pdfs["notice"]
    pages = pdf_text(pdf).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in squeeze(page)
        assert LONG in page  # the footer's matter code on every page
    for page in pages[1:]:
        if "序号" in page.split("一次性告知单")[0] or "材料名称" in page:
            assert "材料名称" in page and "形式及份数" in page


def test_rejection_slip_states_remedies(long_pdfs, sample_corpus, slip_cache, tmp_path):
    from generator.outputs.slips import pdf as slip_pdf
    from generator.outputs.slips.command import filled_slip

    # blank: the time limits are the standard's; the bodies are local, so they are left blank
    text = squeeze(pdf_text(long_pdfs["rejection"]))
    assert "自收到本通知书之日起六十日内向申请行政复议" in text
    assert "自收到本通知书之日起六个月内向提起行政诉讼" in text
    assert "人民政府" not in text and "人民法院" not in text
    assert "逾期不告知的" not in text  # that is the correction slip's rule
    # for one place (guides slip --at): that place's 复议机关 and court
    html, _ = filled_slip(sample_corpus, SAMPLE, "rejection", [], "", None, 5, SITE_URL, at="350926000000")
    out = tmp_path / "rejection.pdf"
    out.write_bytes(slip_pdf.render_pdf(html, slip_cache))
    text = squeeze(pdf_text(out))
    assert "自收到本通知书之日起六十日内向柘荣县人民政府申请行政复议" in text
    assert "自收到本通知书之日起六个月内向柘荣县人民法院提起行政诉讼" in text


@needs_poppler
def test_same_input_gives_the_same_bytes(long_corpus, slip_cache, tmp_path):
    from generator.outputs.slips import fonts as slipfonts
    from generator.outputs.slips import html as slip_html
    from generator.outputs.slips import pdf as slip_pdf

    matter = long_corpus.matters[LONG]
    html = slip_html.render_html(matter, long_corpus.fingerprint(LONG), "correction", SITE_URL)
    first = slip_pdf.Renderer(slipfonts.build_fonts(slip_cache)).render(html)
    # fonts cut again into an empty cache: the subsets are deterministic too
    fresh = slipfonts.build_fonts(tmp_path / "empty-cache")
    assert [f.sha256 for f in fresh] == [f.sha256 for f in slipfonts.build_fonts(slip_cache)]
    second = slip_pdf.Renderer(fresh).render(html)
    assert first == second
    out = tmp_path / "slip.pdf"
    out.write_bytes(first)
    info = subprocess.run(["pdfinfo", "-isodates", str(out)], capture_output=True, text=True, check=True).stdout
    # the PDF's date is the standard's effective date, not the clock
    assert re.search(r"CreationDate:\s+2026-03-01", info), info


def test_weasyprint_patches_are_bounded_by_the_version_in_pyproject():
    """The patched WeasyPrint range is the one pyproject.toml allows, and it holds the installed one."""
    import tomllib

    from generator.outputs.slips import weasyprint_patches

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith("weasyprint"))
    low, high = weasyprint_patches.TESTED
    assert spec.replace(" ", "") == f"weasyprint>={low},<{high}"
    assert sorted(weasyprint_patches.apply()) == ["ffi", "pydyf"]


def test_weasyprint_patches_skip_an_untested_version(monkeypatch, caplog):
    from generator.outputs.slips import weasyprint_patches

    monkeypatch.setattr(weasyprint_patches, "weasyprint_version", lambda: f"{weasyprint_patches.TESTED[1]}.0")
    weasyprint_patches._warn_once.cache_clear()
    with caplog.at_level("WARNING", logger=weasyprint_patches.__name__):
        assert weasyprint_patches.apply() == []
    assert "outside" in caplog.text and "pyproject.toml" in caplog.text


def test_slips_use_a_trimmed_user_agent_stylesheet_and_print_the_same_bytes(sample_corpus, slip_cache, monkeypatch):
    """The footnote and note rules are left out of WeasyPrint's user-agent stylesheet (and
    ::marker kept for li only): the slips with lists, tables and a second page are the same
    PDFs with the whole stylesheet."""
    from generator.outputs.slips import fonts as slipfonts
    from generator.outputs.slips import weasyprint_patches
    from generator.outputs.slips.html import KINDS, render_html
    from generator.outputs.slips.pdf import Renderer

    sheet = weasyprint_patches._user_agent_sheet()
    assert sheet is not None, "the installed WeasyPrint's stylesheet was not trimmed"
    texts = {}
    for matter in sample_corpus.sorted_matters():
        for kind in KINDS:
            text = render_html(matter, sample_corpus.fingerprint(matter.code), kind, SITE_URL)
            if "<li" in text and "li" not in texts:
                texts["li"] = text
            if kind == "notice" and matter.code == SAMPLE:
                texts["notice"] = text
    assert set(texts) == {"li", "notice"}
    renderer = Renderer(slipfonts.build_fonts(slip_cache))
    trimmed = {name: renderer.render(text) for name, text in texts.items()}
    monkeypatch.setattr(weasyprint_patches, "_user_agent_sheet", lambda: None)
    assert {name: renderer.render(text) for name, text in texts.items()} == trimmed


def test_the_user_agent_stylesheet_is_trimmed_only_when_nothing_needs_the_rules_left_out():
    from importlib.resources import files

    import weasyprint.css

    from generator.outputs.slips.weasyprint_patches import slip_user_agent_css

    ua = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    trimmed = slip_user_agent_css(ua, "p { color: black }")
    assert trimmed is not None and "footnote-call" not in trimmed and "::note-callback" not in trimmed
    assert re.search(r"^li::marker \{", trimmed, re.M) and not re.search(r"^::marker", trimmed, re.M)
    assert len(ua) - len(trimmed) < 500  # five rules out, nothing else
    # slips that float a footnote, use notes or make another element a list item keep the whole sheet
    for css in (".n { float: footnote }", "p::note-call { content: none }", "dt { display: list-item }"):
        assert slip_user_agent_css(ua, css) is None
    # a stylesheet that no longer has the rules as written is left whole
    assert slip_user_agent_css(ua.replace("::note-callback", "::note-back"), "") is None


def test_combined_notice_for_a_theme(sample_corpus, slip_cache, tmp_path):
    from generator.outputs.slips import html as slip_html
    from generator.outputs.slips import pdf as slip_pdf

    matter = sample_corpus.matters[SAMPLE]
    html = slip_html.combined_notice_html(
        title="开办餐饮店“一件事”一次性告知单",
        issuer="莆田市行政服务中心",
        page_url=f"{SITE_URL}themes/open-restaurant/",
        members=[matter],
        conditions=[(matter.name, c.text) for c in matter.conditions],
        materials=[{"name": "<b>营业执照</b>", "form": "复印件", "copies": 1, "note": "", "used_by": [matter.name]}],
        trace="主题 open-restaurant",
        created="2026-03-01",
    )
    assert "&lt;b&gt;营业执照&lt;/b&gt;" in html
    pdf = tmp_path / "theme.pdf"
    pdf.write_bytes(slip_pdf.render_pdf(html, slip_cache))
    if shutil.which("pdftotext"):
        assert "<b>营业执照</b>" in squeeze(pdf_text(pdf))


# ------------------------------------------------------------------ guides slip


@pytest.fixture
def in_project(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project)
    return project


@needs_poppler
def test_filled_correction_ticks_missing_materials_and_dates_in_working_days(in_project, capsys):
    from generator.cli import main

    out = in_project / "out.pdf"
    code = main(["slip", SAMPLE, "--kind", "correction", "--missing", "business-license,proxy-id", "--applicant", "张三", "--date", "2026-09-30", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    layout = pdf_text(out, "-layout")
    text = squeeze(layout)
    assert "张三" in text and "2026年9月30日" in text
    ticks = {}
    for line in layout.splitlines():
        box = re.search(r"[☐☑]", line)
        if box and re.match(r"\s*\d+\s+[☐☑]", line):
            ticks[int(line.split()[0])] = box.group(0)
    assert ticks == {1: "☐", 2: "☑", 3: "☐", 4: "☐", 5: "☐", 6: "☐", 7: "☐", 8: "☑"}
    # 5 working days from 30 September 2026: 国庆节 1–7 Oct off, Sat 10 Oct worked, weekend 11 Oct
    assert "请于2026年10月13日前" in text
    assert "逾期不告知的，自收到申请材料之日起即为受理" in text
    assert "本通知书最迟应于2026年10月13日送达" in text


@needs_poppler
def test_filled_acceptance_promises_a_working_day_date(in_project, capsys):
    from generator.cli import main

    out = in_project / "acceptance.pdf"
    assert main(["slip", SAMPLE, "--kind", "acceptance", "--applicant", "莆田市某某餐饮有限公司", "--date", "2026-11-20", "-o", str(out)]) == 0
    text = squeeze(pdf_text(out))
    # promised 5 working days from Friday 20 November 2026; statutory 10 (《食品经营许可和备案管理办法》第二十五条)
    assert "承诺办结日期：2026年11月27日" in text
    assert "即2026年12月4日前" in text
    assert "莆田市某某餐饮有限公司" in text


def test_slip_command_errors(in_project, capsys):
    from generator.cli import main

    assert main(["slip", SAMPLE, "--kind", "correction", "--missing", "business-license,no-such-thing"]) == 1
    err = capsys.readouterr().err
    assert f"guides slip: 事项 {SAMPLE} 没有标识为 no-such-thing 的材料；可用的材料标识：\n" in err
    assert "application-form" in err and "proxy-id" in err  # the valid ids are listed
    assert main(["slip", "ZZZZZZZZZZZZ", "--kind", "notice"]) == 1
    err = capsys.readouterr().err
    assert "中没有基本编码为 ZZZZZZZZZZZZ 的事项；基本编码就是那里的文件名（ls " in err and "matters/*.yml），也是每个事项页面网址的末尾" in err
    assert main(["slip", SAMPLE, "--kind", "notice", "--missing", "proxy-id"]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["slip", SAMPLE, "--kind", "receipt"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        main(["slip", SAMPLE, "--kind", "correction", "--date", "2026-02-30"])
    assert usage.value.code == 2
    assert not list(in_project.glob("*.pdf"))


# ------------------------------------------------------------------ caching


def test_rebuild_without_changes_renders_no_pdf(tmp_path, monkeypatch):
    project = make_project(tmp_path / "site", SLIPS / "long")
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats))
    site = build_project(project)
    first = json.loads(stats.read_text(encoding="utf-8"))
    assert first["rendered"]["pdf"] == 4
    assert (site / "matters" / LONG / "slips" / "rejection.pdf").is_file()
    before = (site / "matters" / LONG / "slips" / "notice.pdf").read_bytes()
    site = build_project(project)
    again = json.loads(stats.read_text(encoding="utf-8"))
    assert again["rendered"].get("pdf", 0) == 0
    # rendered in a worker process before, taken from the cache now: the same bytes
    assert (site / "matters" / LONG / "slips" / "notice.pdf").read_bytes() == before


def test_serial_number_carries_the_agency_abbreviation_and_the_year(sample_corpus):
    """文号: the agency's 机关代字 from the region directory, the year of receipt, a blank number."""
    from generator.outputs.slips import command

    html, _ = command.filled_slip(sample_corpus, SAMPLE, "correction", [], "张三", dt.date(2026, 11, 20), 5, SITE_URL, "350302000000")
    text = re.sub(r"<[^>]+>", "", html)
    assert "城厢市监〔2026〕第号" in text
    assert "（存根）" not in text
    blank, _ = command.filled_slip(sample_corpus, SAMPLE, "correction", [], "", None, 5, SITE_URL)
    assert "〔〕第号" in re.sub(r"<[^>]+>", "", blank), "a blank slip: every part of the 文号 blank"


def test_stub_repeats_what_the_agency_keeps(sample_corpus):
    from generator.outputs.slips import command

    matter = sample_corpus.matters[SAMPLE]
    missing = [matter.materials[1].id]
    html, _ = command.filled_slip(sample_corpus, SAMPLE, "correction", missing, "张三", dt.date(2026, 11, 20), 5, SITE_URL, "350302000000", stub=True)
    stub = html[html.index('<section class="stub"'):]
    text = re.sub(r"<[^>]+>", "", stub)
    assert "补正材料通知书（存根）" in text and "城厢市监〔2026〕第号" in text
    assert "张三" in text and "2026年11月20日" in text and "2026年11月27日" in text
    assert matter.materials[1].name in text and matter.materials[0].name not in text
    assert " hidden" not in stub.split(">")[0], "the PDF's counterfoil is shown"


def test_stub_is_for_the_correction_notice_only(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "generator.cli", "slip", SAMPLE, "--kind", "notice", "--stub", "-o", str(tmp_path / "x.pdf")],
        cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2 and "--stub 只用于补正材料通知书（--kind correction）" in result.stderr


_FONT_FOLDERS = r"""
import os, sys, tempfile
from pathlib import Path
from generator.outputs.slips import fonts, pdf
from generator.outputs.slips.pdf import SlipJob, render_many
cache = Path(sys.argv[1])
html = '<html><body><p>申请材料</p></body></html>'
jobs = [SlipJob(key=f"k{i}", html=html + " " * i) for i in range(4)]
render_many(jobs, cache, fonts.build_fonts(cache), workers=2)
render_many(jobs[:1], cache, fonts.build_fonts(cache), workers=1)
render_many(jobs[:1], cache, fonts.build_fonts(cache), workers=1)  # (the same renderer again)
print(len(list(Path(tempfile.gettempdir()).glob("weasyprint-*"))))
"""


def test_weasyprint_font_folders_are_removed_when_the_processes_end(slip_cache, tmp_path):
    """WeasyPrint writes the slip fonts into a /tmp/weasyprint-* folder per renderer (3.9 MB)
    and removes it only in a finaliser that worker processes never run."""
    import os
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    cache = tmp_path / "cache"
    shutil.copytree(slip_cache, cache)
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _FONT_FOLDERS, str(cache)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    # after the pool has ended, only the process's own folder is left (its renderer is
    # reused for the second one-worker call); without the finaliser it was 3, and 3 after
    assert int(done.stdout.split()[-1]) == 1
    assert list(temp.glob("weasyprint-*")) == []
