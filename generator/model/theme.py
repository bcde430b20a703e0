"""A 一件事 theme (一事联办): several matters that are one thing for the applicant.

One YAML file per theme in ``matters/themes/<id>.yml``. The file says only what a person
decides: which matters belong to the theme, under which of their situation options, who
waits for whose result, the one window that takes the application, and what the theme
promises. Everything else (the combined material list, the joint diagram, the critical
path, the savings) is computed from the member matters by :mod:`generator.outputs.themes`, so it
can never disagree with them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from generator.model.limits import MAX_DAYS, MAX_STEPS, MAX_VISITS
from generator.model.matter import Id, OptionRef, ServiceObject, Strict, Text

Code = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Z]{12}$"),
    Field(description="成员事项的12位基本编码。"),
]


class Intake(Strict):
    hall: Id | None = Field(
        default=None,
        title="受理办理点",
        description="一窗受理所在的办理点，写地区目录 regions.yml 中办理点的 id，如 putian-admin-center；成员事项的实施机关、咨询电话按这里所在的地区列出。",
    )
    window: Text = Field(
        title="综合受理窗口",
        description="一窗受理：申请人只在这个窗口递交一次材料，如 莆田市行政服务中心 一件事综合受理窗口。",
    )
    exit_window: Text = Field(
        default="综合出件窗口",
        title="统一出件窗口",
        description="各部门办结后，所有证照、批文在这个窗口一次领取（或一次寄出）。",
    )
    organiser: Text | None = Field(
        default=None,
        title="牵头单位",
        description="负责分发材料、督办各部门并统一出件的单位，如 莆田市行政审批服务局。",
    )


class Member(Strict):
    code: Code = Field(title="事项编码", description="成员事项的基本编码；必须是 matters/ 中已有的事项。")
    role: Text = Field(title="在本主题中的作用", description="这个事项为申请人解决什么，如 取得营业执照、取得食品经营许可证。")
    options: list[OptionRef] = Field(
        default_factory=list,
        title="适用情形选项",
        description=(
            "本主题适用的该事项情形选项，写作 情形id.选项id。某一情形列出了选项，只保留这些选项下的材料和条件；"
            "未列出的情形保持开放，材料按适用情形标注。"
        ),
    )
    depends_on: list[Code] = Field(
        default_factory=list,
        title="前置事项",
        description="须先取得哪些成员事项的办理结果才能办理本事项（如 先取得营业执照，再办食品经营许可）；留空表示受理后即可并联办理。",
    )


class CombinedForm(Strict):
    name: Text = Field(title="一表式申请表名称", description="一表申请：申请人只填这一张表，如 我要开饭店一件事联办申请表。")
    replaces: list[Id] = Field(
        min_length=1,
        title="替代的成员申请表",
        description="这张表替代的成员事项申请材料的标识（如 application-form）；各事项的这些材料在合并清单中合为这一张表。",
    )


class Theme(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)] = Field(
        title="主题标识", description="小写字母、数字和连字符，与文件名一致，如 open-restaurant；网址 themes/<id>/ 由它生成。"
    )
    name: Text = Field(title="主题名称", description="申请人的说法，如 我要开饭店。")
    summary: Text = Field(title="主题说明", description="一两句话说明这件事办成后申请人得到什么。")
    audience: list[ServiceObject] = Field(min_length=1, title="服务对象", description="自然人、法人。")
    audience_note: Text | None = Field(default=None, title="适用对象说明", description="如 在莆田市开办餐馆、小吃店的企业和个体工商户。")
    keywords: list[Text] = Field(default_factory=list, title="检索关键词", description="群众常用的说法，帮助站内搜索。")
    intake: Intake = Field(title="一窗受理", description="综合窗口：一次告知、一表申请、一窗受理、统一出件。")
    members: list[Member] = Field(min_length=2, max_length=MAX_STEPS, title="成员事项", description="一件事包含的政务服务事项，至少两个。")
    promised_days: int = Field(
        ge=0,
        le=MAX_DAYS,
        title="主题承诺时限（工作日）",
        description="一件事全部办结的承诺时限；不得长于按前置关系排列的成员承诺时限的关键路径。",
    )
    visits: int = Field(ge=0, le=MAX_VISITS, title="到办事现场次数", description="办成这件事申请人到现场的次数；不得多于各成员事项逐个办理的次数之和。")
    form: CombinedForm | None = Field(default=None, title="一表式申请表", description="一表申请：以一张联办申请表替代各事项的申请表。")
    consult_phone: Annotated[str, StringConstraints(pattern=r"^[0-9（）()\-－ 转]{3,32}$")] | None = Field(
        default=None, title="一件事咨询电话"
    )
