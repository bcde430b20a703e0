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


UNVERIFIED = {
    # no official text could be found to compare with (see each law's note); only article numbers are cited
    "marriage-registration-regulation",
    "elderly-subsidy-notice",
    "real-estate-registration-rules",
    "food-business-licensing-measures",
    "drainage-permit-measures",
    "drug-business-measures",
    "notification-commitment-opinion",
}


def test_quoted_texts_come_only_from_a_text_that_was_compared(sample_corpus):
    laws = sample_corpus.laws.by_id
    for law in laws.values():
        if law.verified_against is None:
            assert law.note and ("未能取得" in law.note or "不摘录" in law.note), law.id
            assert not any(a.text for a in law.articles), law.id  # nothing quoted from memory
        else:
            assert "LawRefBook/Laws" in law.verified_against and ".md" in law.verified_against, law.id
    assert {law.id for law in laws.values() if law.verified_against is None} == UNVERIFIED


def test_register_texts_are_the_official_articles(sample_corpus):
    laws = sample_corpus.laws.by_id
    fire = laws["fire-protection-law"].article("第十五条").text
    # the first sentence was missing and 在 dropped before 投入使用 when the text was typed from memory
    assert fire.startswith("公众聚集场所投入使用、营业前消防安全检查实行告知承诺管理。公众聚集场所在投入使用、营业前，")
    assert fire.endswith("消防安全检查的具体办法，由国务院应急管理部门制定。")
    assert laws["fire-protection-law"].article("第七十三条第（三）项").text.startswith("公众聚集场所，是指宾馆、饭店")
    assert laws["urban-greening-regulation"].article("第二十条").text == (
        "任何单位和个人都不得损坏城市树木花草和绿化设施。"
        "砍伐城市树木，必须经城市人民政府城市绿化行政主管部门批准，并按照国家有关规定补植树木或者采取其他补救措施。"
    )
    assert laws["city-appearance-regulation"].article("第十一条").text.endswith(
        "大型户外广告的设置必须征得城市人民政府市容环境卫生行政主管部门同意后，按照有关规定办理审批手续。"
    )
    assert laws["administrative-licensing-law"].article("第四十二条").text.endswith("可以延长十五日，并应当将延长期限的理由告知申请人。")
    # versions the register had missed
    waterway = laws["waterway-transport-regulation"]
    assert (waterway.current.date.isoformat(), waterway.current.doc_number) == ("2023-07-20", "国务院令第764号")
    assert [v.doc_number for v in laws["marriage-registration-regulation"].versions] == ["国务院令第804号", "国务院令第797号", "国务院令第387号"]


def test_every_register_article_is_cited_by_a_sample_matter(sample_corpus):
    cited = {(b.law, ref) for m in sample_corpus.matters.values() for b in m.legal_basis for ref in article_refs(b.article)}
    # a statutory time limit names its article in free text: 《中华人民共和国行政许可法》第四十二条
    by_title = {law.title: law.id for law in sample_corpus.laws.by_id.values()}
    for m in sample_corpus.matters.values():
        for title, ref in re.findall(r"《([^》]+)》(第[^条]+条)", m.time_limit.statutory_basis or ""):
            cited.add((by_title.get(title), ref))
    for law in sample_corpus.laws.by_id.values():
        for article in law.articles:
            assert (law.id, article.ref) in cited, (law.id, article.ref)


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
    # no official text of the 办法 could be found to quote: the article is cited by number only,
    # and the register says so, until someone compares it with the 总局 text
    assert measures.article("第二十五条") is not None and measures.article("第二十五条").text is None
    assert measures.verified_against is None and "第二十五条" in measures.note
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


CREDIT_CODE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
DELIBERATELY_BAD = {"bad-agencies", "malformed-credit-codes"}  # fixtures of the check-digit error itself


def _texts_with_codes():
    """Every text file of the samples and the test fixtures, and every sheet of a workbook fixture."""
    import zipfile

    for path in sorted([*(ROOT / "matters").rglob("*"), *(ROOT / "site_tests" / "fixtures").rglob("*")]):
        if not path.is_file() or DELIBERATELY_BAD & set(path.parts) or "snapshot" in path.parts:
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    if name.endswith(".xml"):
                        yield f"{path}:{name}", book.read(name).decode("utf-8")
        elif path.suffix in {".yml", ".yaml", ".json", ".csv", ".md", ".txt", ".xml", ".html"}:
            yield str(path), path.read_bytes().decode("utf-8", "replace")  # some fixtures are GBK on purpose; codes are ASCII


def test_valid_check_digits_everywhere_and_examples_are_listed(sample_corpus):
    seen = 0
    for where, text in _texts_with_codes():
        for code in CREDIT_CODE.findall(text):
            seen += 1
            assert credit_code_problem(code) is None, (where, code)
    assert seen >= 60  # 67 when written: the samples' 45 agencies, the region fixtures and the 实施清单 workbooks
    listed = [w for w in sample_corpus.warnings if "[example-credit-code]" in w.message]
    assert len(listed) == 1 and "莆田市市场监督管理局 11350300MB192933X5" in listed[0].message
    assert "45 个机关的统一社会信用代码是示例" in listed[0].message


def test_the_scan_would_catch_a_wrong_check_digit():
    # the scan above finds codes wherever they are written; a wrong 18th character is reported
    assert CREDIT_CODE.findall("credit_code: 11350300MB6J09353E") == ["11350300MB6J09353E"]
    assert "应为 D" in credit_code_problem("11350300MB6J09353E")


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
    edit(matters / "000117015000.yml", "article: 第三十五条", "article: 第三十五条、第九十九条")
    found = problems_of(matters)
    assert re.search(rf"{FOOD}\.yml:\d+:\d+: legal_basis\[0\]\.law: 法规库中没有 'food-law'；已有：.*food-safety-law", found)
    assert re.search(r"000117015000\.yml:\d+:\d+: legal_basis\[0\]\.article: 法规库中《中华人民共和国食品安全法》没有列出 第九十九条", found)


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
    for code in (FOOD, "000117015000"):
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
    assert revised == [f"{FOOD}.yml", "000117015000.yml"]


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
    edit(laws, "食品安全监督管理部门备案。", "食品安全监督管理部门备案，备案不收取费用。")
    assert main(["diff", "main", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [law] = report["laws"]
    assert law["id"] == "food-safety-law"
    assert [m["code"] for m in law["matters"]] == [FOOD, "000117015000"]
    assert any(c.startswith("现行版本 主席令第八十一号") and "主席令第九十九号" in c for c in law["changes"])
    assert any(c.startswith("第三十五条条文变更") for c in law["changes"])
    changed = {m["code"]: m for m in report["matters"]}
    assert set(changed) == {FOOD, "000117015000"}  # the matter files did not change; their basis did
    for code in (FOOD, "000117015000"):
        assert any(c["path"] == "legal_basis[food-safety-law-35].excerpt" for c in changed[code]["changes"]), code
    assert main(["diff", "main"]) == 0
    out = capsys.readouterr().out
    assert "### 法规库变更（1 部）" in out
    assert f"影响 2 个事项：{FOOD} 食品经营许可（新办）；000117015000 " in out
