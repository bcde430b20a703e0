"""Downloads: blank forms, samples and result samples live in matters/files/<code>/, are checked
to exist (a positioned problem if not) and are published under the matter's URL, linked from
its page with file type and size."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import contract
from generator.domain.downloads import size_label
from generator.load.corpus import load_corpus
from generator.problems import InvalidInput

ROOT = Path(__file__).parents[1]
DRUG = "000118004000"
FORM = "药品经营许可证申请表.pdf"


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_missing_file_is_a_positioned_problem(tmp_path, monkeypatch):
    matters = shutil.copytree(ROOT / "matters", tmp_path / "matters")
    (matters / "files" / DRUG / FORM).unlink()
    (matters / "files" / DRUG / "药品经营许可证（样本）.pdf").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput) as caught:
        load_corpus(Path("matters"))
    lines = [str(p) for p in caught.value.problems]
    path = matters / f"{DRUG}.yml"
    assert lines == [
        f"matters/{DRUG}.yml:{line_of(path, 'blank_form: ' + FORM)}:5: materials[0].blank_form: 空白表格文件 matters/files/{DRUG}/{FORM} 不存在；请把文件放到那里，或删去 blank_form",
        f"matters/{DRUG}.yml:{line_of(path, 'sample: 药品经营许可证（样本）.pdf')}:3: result.sample: 结果样本文件 matters/files/{DRUG}/药品经营许可证（样本）.pdf 是空文件",
    ]


def test_missing_file_is_found_even_when_the_matter_comes_from_the_parse_cache(tmp_path):
    matters = shutil.copytree(ROOT / "matters", tmp_path / "matters")
    cache = tmp_path / "cache"
    load_corpus(matters, cache_dir=cache)
    (matters / "files" / DRUG / FORM).unlink()
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters, cache_dir=cache)
    assert [p.field for p in caught.value.problems] == ["materials[0].blank_form"]


def test_a_file_type_that_cannot_be_published(tmp_path):
    matters = shutil.copytree(ROOT / "matters", tmp_path / "matters")
    path = matters / f"{DRUG}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"blank_form: {FORM}", "blank_form: 申请表.exe"), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters)
    assert [p.message for p in caught.value.problems] == [
        "空白表格“申请表.exe”的文件类型 .exe 不能发布；可用的有：pdf、ofd、doc、docx、wps、xls、xlsx、et、jpg、jpeg、png、zip"
    ]


def test_a_path_instead_of_a_file_name_is_a_schema_problem(tmp_path):
    matters = shutil.copytree(ROOT / "matters", tmp_path / "matters")
    path = matters / f"{DRUG}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"blank_form: {FORM}", "blank_form: ../secret.pdf"), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters)
    assert [p.field for p in caught.value.problems] == ["materials[0].blank_form"]


def test_size_labels():
    assert size_label(5 * 1024 + 300) == "5.3 KB"
    assert size_label(221620) == "216 KB"
    assert size_label(3 * 1024 * 1024) == "3.0 MB"


def test_published_file_is_a_copy_linked_with_type_and_size(built_site):
    source = ROOT / "matters" / "files" / DRUG / FORM
    published = built_site / contract.download_path(DRUG, FORM)
    assert published.read_bytes() == source.read_bytes()
    assert not os.path.samefile(published, source) and published.stat().st_nlink == 1
    page = (built_site / "matters" / DRUG / "index.html").read_text(encoding="utf-8")
    size = size_label(source.stat().st_size)
    assert f'<a class="guide-download" href="files/{FORM}" download>空白表格：{FORM}</a>（PDF，{size}）' in page
    assert '<a class="guide-download" href="files/药品经营许可证（样本）.pdf" download>结果样本：药品经营许可证（样本）.pdf</a>（PDF，' in page
    # an old sample's Word form too
    docx = "食品经营许可申请书.docx"
    assert (built_site / contract.download_path("000117012000", docx)).is_file()
    assert f'href="files/{docx}" download>空白表格：{docx}</a>（Word，' in (built_site / "matters" / "000117012000" / "index.html").read_text(encoding="utf-8")
