"""The register of laws (matters/laws.yml): every citation resolves in it, guides check
rejects what a reviewer would reject, and a change to one law shows every matter it affects."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.domain.codes import credit_code_problem
from generator.domain.laws import article_refs
from generator.load.corpus import load_corpus
from generator.problems import InvalidInput

ROOT = Path(__file__).resolve().parents[1]
FOOD = "000117012000"
TREE = "000121002000"


@pytest.fixture
def matters(tmp_path) -> Path:
    """A copy of the sample matters to break."""
    target = tmp_path / "matters"
    shutil.copytree(ROOT / "matters", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> str:
    with pytest.raises(InvalidInput) as caught:
        load_corpus(root)
    return "\n".join(str(p) for p in caught.value.problems)


FOOD_BASIS = "  - id: food-safety-law-35\n    law: food-safety-law\n    article: 第三十五条\n"


# --- the sample register ------------------------------------------------------------------

def test_every_sample_citation_resolves_in_the_register(sample_corpus):
    laws = sample_corpus.laws
    assert len(laws.by_id) >= 20
    for code, matter in sample_corpus.matters.items():
        for basis in matter.legal_basis:
            assert basis.law in laws.by_id, (code, basis.id)
            law = laws.by_id[basis.law]
            assert law.status == "现行有效", (code, law.id)
            assert all(law.article(ref) for ref in article_refs(basis.article)), (code, basis.article)
            # the published matter carries the register's title and current document number
            assert basis.title == law.title and basis.doc_number == law.current.doc_number
    assert not [w for w in sample_corpus.warnings if "[law-" in w.message]


def test_every_register_law_says_which_official_text_it_quotes(sample_corpus):
    for law in sample_corpus.laws.by_id.values():
        assert law.source and ("文本" in law.source), law.id


def test_published_json_carries_the_resolved_citation(sample_corpus):
    from generator.domain.standard import published_document

    doc = published_document(sample_corpus.matters[FOOD])
    basis = {b["id"]: b for b in doc["legal_basis"]}["food-safety-law-35"]
    assert basis["title"] == "中华人民共和国食品安全法"
    assert basis["doc_number"] == "主席令第八十一号"  # the 2021 amendment, not 主席令第二十一号 (2015)
    assert basis["law"] == "food-safety-law"
    assert basis["excerpt"].startswith("国家对食品生产经营实行许可制度。") and "仅销售预包装食品的，不需要取得许可" in basis["excerpt"]


# --- corrected facts ------------------------------------------------------------------------

def test_food_permit_statutory_limit_is_ten_working_days_with_its_article(sample_corpus):
    matter = sample_corpus.matters[FOOD]
    assert matter.time_limit.statutory_days == 10
    assert "《食品经营许可和备案管理办法》第二十五条" in matter.time_limit.statutory_basis
    assert "延长5个工作日" in matter.time_limit.statutory_basis
    measures = sample_corpus.laws.by_id["food-business-licensing-measures"]
    assert measures.current.doc_number == "国家市场监督管理总局令第78号"
    assert "10个工作日" in measures.article("第二十五条").text
    assert any(b.law == measures.id and "第二十五条" in b.article for b in matter.legal_basis)


def test_no_pruning_approval_based_on_urban_greening_article_24(sample_corpus):
    matter = sample_corpus.matters[TREE]
    assert matter.name == "砍伐城市树木审批"
    assert [(b.law, b.article, b.doc_number) for b in matter.legal_basis] == [("urban-greening-regulation", "第二十条", "国务院令第676号")]
    for m in sample_corpus.matters.values():
        assert not any(b.law == "urban-greening-regulation" and "第二十四条" in b.article for b in m.legal_basis)
    assert not any("修剪" in o.label for s in matter.situations for o in s.options)
    assert "修剪城市树木不需要审批" in matter.summary


def test_division_codes_and_courts(sample_corpus):
    directory = sample_corpus.directory
    assert directory.places["350302001000"].region.name == "龙桥街道"
    assert "350302002000" not in directory.places  # 002 is 凤凰山街道
    village = next(p for p in directory.places.values() if p.region.name == "靴岭尾村")
    assert directory.places[village.ancestors[-1]].region.name == "城郊乡"
    assert village.code.startswith("350926200")
    fire = sample_corpus.matters["000130001000"]
    licheng = directory.implementation(fire, directory.places["350304000000"])
    assert licheng.court == "莆田市城厢区人民法院"  # Fujian's centralised jurisdiction, not 荔城区人民法院
    chengxiang = directory.implementation(fire, directory.places["350302000000"])
    assert chengxiang.reconsideration_body == "莆田市城厢区人民政府"  # same-level government (行政复议法 第二十四条)
    marriage = sample_corpus.matters["000110001000"]
    assert directory.implementation(marriage, directory.places["350302000000"]).reconsideration_body == "莆田市城厢区人民政府"


def test_valid_check_digits_everywhere_and_examples_are_listed(sample_corpus):
    deliberately_bad = {"bad-agencies", "malformed-credit-codes"}
    for path in sorted([*(ROOT / "matters").rglob("*.yml"), *(ROOT / "site_tests" / "fixtures").rglob("*.yml")]):
        if deliberately_bad & set(path.parts):
            continue
        for code in re.findall(r"credit_code:\s*\"?([0-9A-Z]{18})\"?", path.read_text(encoding="utf-8")):
            assert credit_code_problem(code) is None, (path, code)
    listed = [w for w in sample_corpus.warnings if "[example-credit-code]" in w.message]
    assert len(listed) == 1 and "莆田市市场监督管理局 11350300MB192933X5" in listed[0].message


def test_social_security_card_is_one_card_nationally(sample_corpus):
    texts = [c.text for c in sample_corpus.matters["000112001000"].conditions]
    assert not any("未在福建省申领" in t for t in texts) and any("全国一人一卡" in t for t in texts)


def test_ordinary_shop_signs_are_not_sent_through_outdoor_advertising_approval(sample_corpus):
    for theme in ("open-restaurant", "car-repair"):
        text = (ROOT / "matters" / "themes" / f"{theme}.yml").read_text(encoding="utf-8")
        assert '"000121003000"' not in text


# --- guides check ----------------------------------------------------------------------------

def test_unknown_law_and_unknown_article_are_rejected(matters):
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, FOOD_BASIS.replace("law: food-safety-law", "law: food-law"))
    edit(matters / "000117013000.yml", "article: 第三十六条", "article: 第三十六条、第九十九条")
    found = problems_of(matters)
    assert re.search(rf"{FOOD}\.yml:\d+:\d+: legal_basis\[0\]\.law: 法规库中没有 'food-law'；已有：.*food-safety-law", found)
    assert re.search(r"000117013000\.yml:\d+:\d+: legal_basis\[0\]\.article: 法规库中《中华人民共和国食品安全法》没有列出 第九十九条", found)


def test_a_superseded_version_is_rejected(matters):
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, FOOD_BASIS + "    version: 主席令第二十一号\n")
    found = problems_of(matters)
    assert re.search(rf"{FOOD}\.yml:\d+:\d+: legal_basis\[0\]\.version: 引用了《中华人民共和国食品安全法》已被取代的版本 主席令第二十一号（2015年4月24日）；现行版本是 主席令第八十一号", found)


def test_the_current_version_may_be_named(matters):
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, FOOD_BASIS + "    version: 2021-04-29\n")
    load_corpus(matters)


def test_the_old_inline_form_still_loads_but_a_superseded_number_is_rejected(matters):
    inline = "  - id: food-safety-law-35\n    title: 中华人民共和国食品安全法\n    doc_number: {}\n    article: 第三十五条\n"
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, inline.format("主席令第八十一号"))
    corpus = load_corpus(matters)
    assert any("[law-register]" in w.message and "law: food-safety-law" in w.message for w in corpus.warnings)
    edit(matters / f"{FOOD}.yml", "主席令第八十一号", "主席令第二十一号")
    assert re.search(r"legal_basis\[0\]\.doc_number: 主席令第二十一号 是《中华人民共和国食品安全法》2015年4月24日的旧版本", problems_of(matters))


def test_an_inline_citation_outside_the_register_is_a_warning(matters):
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, "  - id: local\n    title: 某省食品经营条例\n    article: 第十条\n")
    corpus = load_corpus(matters)
    assert any("[law-register] 《某省食品经营条例》不在法规库" in w.message for w in corpus.warnings)
    assert corpus.matters[FOOD].legal_basis[0].title == "某省食品经营条例"


def test_a_repealed_law_is_rejected(matters):
    edit(matters / "laws.yml", "  - id: food-safety-law\n    title: 中华人民共和国食品安全法\n    kind: 法律\n    issuer: 全国人民代表大会常务委员会\n    status: 现行有效\n",
         "  - id: food-safety-law\n    title: 中华人民共和国食品安全法\n    kind: 法律\n    issuer: 全国人民代表大会常务委员会\n    status: 已废止\n    repealed_on: 2030-01-01\n")
    found = problems_of(matters)
    for code in (FOOD, "000117013000"):
        assert re.search(rf"{code}\.yml:\d+:\d+: legal_basis\[\d\]: 《中华人民共和国食品安全法》已于2030年1月1日废止，不能作为设定依据", found), found


def test_an_excerpt_that_differs_from_the_register_is_rejected(matters):
    edit(matters / f"{FOOD}.yml", FOOD_BASIS, FOOD_BASIS + "    excerpt: 国家对食品经营实行许可制度。\n")
    assert re.search(r"legal_basis\[0\]\.excerpt: 条文摘录与法规库中《中华人民共和国食品安全法》第三十五条的条文不一致", problems_of(matters))
    edit(matters / f"{FOOD}.yml", "excerpt: 国家对食品经营实行许可制度。", "excerpt: 从事食品生产、食品销售、餐饮服务，应当依法取得许可。")
    assert load_corpus(matters).matters[FOOD].legal_basis[0].excerpt == "从事食品生产、食品销售、餐饮服务，应当依法取得许可。"


def test_invalid_register_problems_are_positioned(matters):
    edit(matters / "laws.yml", "  - id: civil-code\n", "  - id: hukou-regulation\n")
    edit(matters / "laws.yml", "    status: 现行有效\n    versions:\n      - date: 2025-04-06", "    status: 已修订\n    versions:\n      - date: 2025-04-06")
    found = problems_of(matters)
    assert re.search(r"laws\.yml:\d+:\d+: laws\[1\]\.id: 法规标识 'hukou-regulation' 已在第\d+行使用", found)
    assert re.search(r"laws\.yml:\d+:\d+: laws\[2\]: .*状态为 已修订 时须写 revised_on", found)


# --- revision impact ------------------------------------------------------------------------

REVISED = ("    status: 现行有效\n    versions:\n      - date: 2021-04-29\n        action: 修正\n        doc_number: 主席令第八十一号\n",
           "    status: 已修订\n    revised_on: 2027-03-01\n    versions:\n      - date: 2021-04-29\n        action: 修正\n        doc_number: 主席令第八十一号\n")


def test_a_law_marked_revised_shows_on_its_matters_pages_with_the_date(matters):
    from generator.outputs.pages.matter import PageParts, render_matter_page

    edit(matters / "laws.yml", *REVISED)
    corpus = load_corpus(matters)
    page = render_matter_page(corpus.matters[FOOD], corpus, PageParts())
    assert '已修订：该法规已于<time datetime="2027-03-01">2027年3月1日</time>修订' in page
    assert "已修订" not in render_matter_page(corpus.matters["000117001000"], corpus, PageParts())
    revised = sorted(w.path.rsplit("/", 1)[-1] for w in corpus.warnings if "[law-revised]" in w.message)
    assert revised == [f"{FOOD}.yml", "000117013000.yml", "000117013000.yml"]


def _git(path: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args], cwd=path, check=True, capture_output=True)


def test_guides_diff_lists_every_matter_a_changed_law_affects(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "matters", repo / "matters")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    monkeypatch.chdir(repo)
    laws = repo / "matters" / "laws.yml"
    # a new amendment of the 食品安全法 changes the current document number and one article
    edit(laws, "    versions:\n      - date: 2021-04-29\n        action: 修正\n        doc_number: 主席令第八十一号\n",
         "    versions:\n      - date: 2027-03-01\n        action: 修正\n        doc_number: 主席令第九十九号\n      - date: 2021-04-29\n        action: 修正\n        doc_number: 主席令第八十一号\n")
    edit(laws, "取得健康证明后方可上岗工作。", "取得健康证明后方可上岗工作，健康证明有效期为一年。")
    assert main(["diff", "main", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [law] = report["laws"]
    assert law["id"] == "food-safety-law"
    assert [m["code"] for m in law["matters"]] == [FOOD, "000117013000"]
    assert any(c.startswith("现行版本 主席令第八十一号") and "主席令第九十九号" in c for c in law["changes"])
    assert any(c.startswith("第四十五条条文变更") for c in law["changes"])
    changed = {m["code"]: m for m in report["matters"]}
    assert set(changed) == {FOOD, "000117013000"}  # the matter files did not change; their basis did
    assert any(c["path"] == "legal_basis[food-safety-law-45].excerpt" for c in changed["000117013000"]["changes"])
    assert main(["diff", "main"]) == 0
    out = capsys.readouterr().out
    assert "### 法规库变更（1 部）" in out
    assert f"影响 2 个事项：{FOOD} 食品经营许可（新办）；000117013000 " in out
