"""`guides export --xlsx`: the standards in the import template, so that import(export(x)) == x."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.adopt.exporter import write_workbook
from generator.cli import main
from generator.load.corpus import load_corpus
from generator.model.matter import Matter
from generator.review.sides import read_directory, validate_side

ROOT = Path(__file__).resolve().parents[1]
STANDARD = Path(__file__).parent / "fixtures" / "adopt" / "standard"


def test_import_of_the_export_gives_the_same_files(tmp_path, capsys):
    matters = tmp_path / "matters"
    shutil.copytree(ROOT / "matters", matters)
    before = {p.name: p.read_bytes() for p in matters.rglob("*") if p.is_file()}
    assert main(["--matters", str(matters), "export", "--xlsx", str(tmp_path / "all.xlsx")]) == 0
    capsys.readouterr()
    assert main(["--matters", str(matters), "import", str(tmp_path / "all.xlsx")]) == 0
    count = len(list((ROOT / "matters").glob("[0-9A-Z]*.yml")))
    assert f"imported {count} matters (0 written, {count} unchanged)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in matters.rglob("*") if p.is_file()} == before
    # into an empty directory: the same matter files, byte for byte
    assert main(["--matters", str(tmp_path / "fresh"), "import", str(tmp_path / "all.xlsx")]) == 0
    for path in sorted((ROOT / "matters").glob("[0-9A-Z]*.yml")):
        assert (tmp_path / "fresh" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_export_lists_every_implementation_with_its_code(tmp_path):
    corpus = load_corpus(ROOT / "matters")
    assert main(["export", "--xlsx", str(tmp_path / "all.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "all.xlsx")["实施清单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    expected = {(m.code, i.place.code, i.agency.credit_code, i.code) for m in corpus.matters.values() for i in corpus.directory.implementations(m)}
    assert {(r[0], r[2], r[5], r[12]) for r in rows} == expected
    assert len(rows) == len(expected) > len(corpus.matters)


def test_text_is_written_as_text_never_as_a_formula(tmp_path):
    side = validate_side(read_directory(STANDARD, "standard"))
    data = side.matters["000117012000"].model_dump()
    data["summary"] = "=HYPERLINK(\"http://example.org\")"
    data["materials"][0]["spec"] = "+86 0593"
    write_workbook(tmp_path / "x.xlsx", [Matter.model_validate(data)], laws=side.laws)
    book = load_workbook(tmp_path / "x.xlsx")
    cell = book["事项"]["R2"]  # 服务内容
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://example.org\")", "s")
    assert book["事项"]["A2"].number_format == "@"  # codes stay text when edited in Excel
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "x.xlsx")]) == 0
    again = validate_side(read_directory(tmp_path / "out", "out")).matters["000117012000"]
    assert again.summary == data["summary"] and again.materials[0].spec == "+86 0593"


def test_export_needs_an_xlsx_name(tmp_path):
    assert main(["export", "--xlsx", str(tmp_path / "all.csv")]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["export"])
    assert exit_.value.code == 2
