"""The register of laws (法规库): one source for every legal basis a matter cites.

``matters/laws.yml`` lists each law, regulation, rule or normative document once: its title,
issuing body, the document number and date of every version, its status, and the articles
that matters cite with their text. A matter's ``legal_basis`` names a law by ``law:`` and an
article; title, document number and excerpt come from here, so a revision is entered once
and ``guides diff`` lists every matter it affects.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from generator.model.matter import Id, Strict, Text

LawKind = Literal["法律", "行政法规", "部门规章", "地方性法规", "地方政府规章", "规范性文件"]
LawStatus = Literal["现行有效", "已修订", "已废止"]
VersionAction = Literal["公布", "修订", "修正"]
ArticleRef = Annotated[
    str,
    StringConstraints(pattern=r"^(第[一二三四五六七八九十百千零〇]+条(第[一二三四五六七八九十]+款)?(第[（(][一二三四五六七八九十]+[）)]项)?|全文)$"),
    Field(description="条款，如 第三十五条、第三十三条第二款；引用整个文件写 全文。"),
]


class LawVersion(Strict):
    date: dt.date = Field(title="日期", description="通过、公布、修订或修正的日期。")
    action: VersionAction = Field(title="类别", description="公布（首次公布）、修订或修正。")
    doc_number: Text | None = Field(default=None, title="文号", description="公布令号或文号，如 主席令第八十一号、国务院令第676号；没有单独令号的写 null。")
    effective: dt.date | None = Field(default=None, title="施行日期")


class Article(Strict):
    ref: ArticleRef = Field(title="条款")
    text: Text | None = Field(
        default=None,
        title="条文",
        description="按官方文本逐字摘录所引条款的全文（引某款、某项的只录该款、该项），分款连写，不要改写；未能核对官方文本的不写，页面只显示条款号。",
    )


class Law(Strict):
    id: Id = Field(title="法规标识", description="事项的 legal_basis 用 law: 这个标识引用，如 food-safety-law。")
    title: Text = Field(title="名称", description="不带书名号，如 中华人民共和国食品安全法。")
    kind: LawKind = Field(title="效力层级", description="法律、行政法规、部门规章、地方性法规、地方政府规章或规范性文件。")
    issuer: Text = Field(title="制定机关", description="如 全国人民代表大会常务委员会、国务院、国家市场监督管理总局。")
    status: LawStatus = Field(
        title="状态",
        description="现行有效；已修订（已公布新的修订，本库条文尚未按新文本核对，写 revised_on）；已废止（写 repealed_on，任何事项不得再引用）。",
    )
    revised_on: dt.date | None = Field(default=None, title="修订日期", description="状态为 已修订 时必填：新修订公布的日期，显示在引用它的事项页面上。")
    repealed_on: dt.date | None = Field(default=None, title="废止日期", description="状态为 已废止 时必填。")
    versions: list[LawVersion] = Field(min_length=1, title="版本", description="每个版本的文号和日期，新的在前；第一个是现行版本，条文按它摘录。")
    source: Text = Field(title="条文来源", description="条文摘录所依据的官方文本，如 中国人大网国家法律法规数据库 2021年4月29日修正文本。")
    verified_against: Text | None = Field(
        default=None,
        title="核对所据文本",
        description="条文逐字核对所依据的文本及其出处（网址，或公开资料库的仓库和文件路径）；未能取得官方文本核对的不写，并在 note 中说明原因。",
    )
    articles: list[Article] = Field(min_length=1, title="被引用的条款", description="事项引用到的条款及其条文。")
    note: Text | None = Field(default=None, title="说明")

    @model_validator(mode="after")
    def _dates(self) -> "Law":
        if self.status == "已修订" and self.revised_on is None:
            raise ValueError("状态为 已修订 时须写 revised_on（新修订公布的日期）")
        if self.status == "已废止" and self.repealed_on is None:
            raise ValueError("状态为 已废止 时须写 repealed_on（废止日期）")
        return self

    @property
    def current(self) -> LawVersion:
        return self.versions[0]

    def article(self, ref: str) -> Article | None:
        return next((a for a in self.articles if a.ref == ref), None)

    def version_named(self, name: str) -> LawVersion | None:
        """A version by its document number or its date (YYYY-MM-DD)."""
        return next((v for v in self.versions if name in (v.doc_number, v.date.isoformat())), None)


class LawRegister(Strict):
    laws: list[Law] = Field(min_length=1, title="法律法规", description="每部法律、法规、规章或规范性文件写一次。")
