"""The matter standard (事项标准): one pydantic model, the single source of the schema.

Every field carries a Chinese title and description; the JSON Schema that editors use
(``schema/matter.schema.json``) and the one integrators fetch are generated from here.
Cross-references between parts of a matter (``when:``, ``about:``, ``next:``) are checked
in :mod:`generator.load.validate`, because they need the whole matter at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from generator.model.limits import FIRST_DATE, LAST_DATE, MAX_COPIES, MAX_DAYS, MAX_FEE, MAX_ITEMS, MAX_STEPS, MAX_VISITS

MatterType = Literal["行政许可", "行政备案", "行政确认", "行政给付", "行政奖励", "行政裁决", "其他行政权力", "公共服务"]
Level = Literal["省级", "市级", "县级", "乡级", "村级"]
LEVELS: tuple[str, ...] = ("省级", "市级", "县级", "乡级", "村级")
ServiceObject = Literal["自然人", "法人", "个体工商户", "社会组织", "事业单位", "机关", "其他组织"]
BusinessItem = Literal["新设", "变更", "延续", "注销"]
OnlineDepth = Literal["一级", "二级", "三级", "四级"]
ONLINE_DEPTH_LABELS = {
    "一级": "一级（网上咨询）",
    "二级": "二级（网上预审）",
    "三级": "三级（网上受理）",
    "四级": "四级（全程网办）",
}
TongbanScope = Literal["不通办", "全市通办", "全省通办", "跨省通办"]
MaterialForm = Literal["原件", "复印件", "电子件", "电子证照", "原件和复印件"]
MaterialSource = Literal["申请人自备", "政府部门核发", "中介机构出具", "其他单位出具"]
Delivery = Literal["窗口领取", "邮寄送达", "电子证照", "自助终端打印"]
ChangeKind = Literal["major", "minor"]
HandlingType = Literal["即办件", "承诺件"]
Channel = Literal["窗口办理", "网上办理", "快递申请"]
MatterStatus = Literal["在用", "暂停", "取消"]
PowerSource = Literal["法定本级行使", "上级下放", "上级授权", "同级委托", "其他"]
ImplementerNature = Literal["法定机关", "授权组织", "受委托组织"]
SpecialKind = Literal["公示", "专家评审", "检验检测", "现场勘查", "听证", "其他"]

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64),
    Field(description="稳定标识：小写字母开头，只含小写字母、数字和连字符；一经发布不再改变，差异比对按它匹配。"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FileName = Annotated[
    str,
    StringConstraints(pattern=r"^[^/\\\s][^/\\]*\.[A-Za-z0-9]{2,5}$", max_length=120),
    Field(description="文件名（带扩展名，如 申请表.pdf），不带目录；文件放在 matters/files/<基本编码>/ 下。"),
]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9（）()\-－ 转]{3,32}$")]
OptionRef = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$"),
    Field(description="情形选项引用，写作 情形id.选项id，例如 applicant.company。"),
]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a standard must never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# A department named by its function, without a place: who implements a matter, as the
# standard says it (the same everywhere). Which office that is in each place, with its credit
# code, is local: the agencies of the region directory (matters/regions.yml).
Function = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=40),
    Field(description="部门的职能名称，不带地名，如 市场监督管理局、公安局、消防救援机构。"),
]


class LegalBasis(Strict):
    """Either a reference to the register of laws (``law`` + ``article``; title, document
    number and excerpt come from ``matters/laws.yml``) or, in files written before the
    register, the citation written out (``title`` + ``article``)."""

    id: Id = Field(title="标识")
    law: Id | None = Field(
        default=None,
        title="法规库标识",
        description="引用法规库 matters/laws.yml 中的法规，如 food-safety-law；名称、文号和条文由法规库提供，不要再写 title、doc_number。",
    )
    version: Text | None = Field(
        default=None,
        title="引用版本",
        description="可选：所引用版本的文号或日期（YYYY-MM-DD）；必须是法规库中的现行版本，引用已被修订的旧版本会被 guides check 拒绝。",
    )
    title: Text | None = Field(default=None, title="法律法规名称", description="只在不引用法规库（不写 law）时填写：如 中华人民共和国食品安全法，不带书名号。")
    doc_number: Text | None = Field(default=None, title="文号", description="只在不引用法规库时填写：发布令号或文号，如 国务院令第645号。")
    article: Text = Field(title="条款", description="依据的条款，如 第三十五条、第三十三条第二款；多个条款用顿号分隔，如 第二百零九条、第二百一十四条。")
    excerpt: Text | None = Field(
        default=None,
        title="条文摘录",
        description="引用法规库时通常不写，由法规库提供；写了就必须是法规库条文中逐字一致的一段。",
    )

    @field_validator("version", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        return value.isoformat() if isinstance(value, dt.date) else value

    @model_validator(mode="after")
    def _law_or_title(self) -> "LegalBasis":
        if self.law is None and self.title is None:
            raise ValueError("写 law（法规库标识）引用法规库，或写 title（法律法规名称）")
        return self


class Option(Strict):
    id: Id = Field(title="选项标识")
    label: Text = Field(title="选项名称", description="如 企业、个体工商户。")


class Situation(Strict):
    id: Id = Field(title="情形标识")
    question: Text = Field(title="情形问题", description="如 申请人类型？是否委托代理人办理？")
    options: list[Option] = Field(min_length=2, max_length=MAX_ITEMS, title="选项", description="至少两个选项；申请人选一个（multiple 为 true 时可选多个）。")
    multiple: bool = Field(default=False, title="可多选", description="true 表示申请人可以同时选择多个选项，如 经营项目可同时包括冷藏冷冻药品和中药饮片。")


class Condition(Strict):
    id: Id = Field(title="条件标识")
    text: Text = Field(title="受理条件", description="一条完整、可核验的受理条件。")
    when: list[OptionRef] = Field(default_factory=list, title="适用情形", description="仅在这些情形选项之一成立时适用；留空表示始终适用。")
    when_all: list[OptionRef] = Field(default_factory=list, title="同时适用情形", description="仅在这些情形选项全部成立时适用（与 when 同时写时两者都要满足）；留空表示不限。")


class SharedData(Strict):
    certificate: Text = Field(title="可替代的电子证照或共享数据", description="如 电子营业执照、居民身份证电子证照。")
    note: Text | None = Field(default=None, title="说明")


class CopiesRule(Strict):
    when: list[OptionRef] = Field(min_length=1, title="适用情形", description="这些情形选项之一成立时，份数按本条。")
    copies: int = Field(gt=0, le=MAX_COPIES, title="份数", description="该情形下需提交的份数，正整数。")


class Material(Strict):
    id: Id = Field(title="材料标识")
    name: Text = Field(title="材料名称")
    form: MaterialForm = Field(title="材料形式", description="原件、复印件、电子件、电子证照或原件和复印件。")
    copies: int = Field(default=1, gt=0, le=MAX_COPIES, title="份数", description="需提交的份数，正整数。")
    copies_when: list[CopiesRule] = Field(default_factory=list, title="按情形的份数", description="份数因情形而不同时逐条写明，如 合伙企业每位合伙人各一份；未列出的情形按 copies。")
    source: MaterialSource = Field(title="来源渠道")
    source_note: Text | None = Field(default=None, title="来源说明", description="如 由不动产登记机构核发。")
    required: bool = Field(default=True, title="是否必要", description="true 为必要材料；false 为非必要（补充）材料。")
    when: list[OptionRef] = Field(default_factory=list, title="适用情形", description="仅在这些情形选项之一成立时需要；留空表示所有情形都需要。")
    when_all: list[OptionRef] = Field(default_factory=list, title="同时适用情形", description="仅在这些情形选项全部成立时需要（与 when 同时写时两者都要满足）；留空表示不限。")
    spec: Text | None = Field(default=None, title="材料规格", description="纸张、签章、有效期等要求。")
    acceptance_standard: Text | None = Field(default=None, title="受理标准", description="窗口人员据以判断材料合格的标准。")
    instructions: Text | None = Field(default=None, title="填报须知", description="填写和准备这份材料时要注意的事项，如 用黑色签字笔填写、不得涂改。")
    basis: list[Id] = Field(default_factory=list, title="材料依据", description="要求提交这份材料的法律依据，写设定依据（legal_basis）的标识。")
    blank_form: FileName | None = Field(default=None, title="空白表格", description="空白表格的文件名，文件放在 matters/files/<基本编码>/ 下；发布后在办事指南中提供下载。")
    sample: FileName | None = Field(default=None, title="示例样表", description="填写示例的文件名，文件放在 matters/files/<基本编码>/ 下；发布后在办事指南中提供下载。")
    shared_data: SharedData | None = Field(default=None, title="共享数据替代", description="可用电子证照或部门共享数据替代、申请人免于提交时填写。")


class ReviewPoint(Strict):
    id: Id = Field(title="要点标识")
    about: Id = Field(title="针对", description="所针对的材料或受理条件的标识。")
    question: Text = Field(title="问", description="审查时要回答的问题。")
    answer: Text = Field(title="答", description="统一的审查标准答案。")


class Step(Strict):
    id: Id = Field(title="环节标识")
    name: Text = Field(title="环节名称", description="如 受理、审查、现场核查、决定、送达。")
    actor: Text = Field(title="办理人员", description="谁来办：综合受理窗口、审查人员、分管领导等。")
    department: Text | None = Field(default=None, title="办理部门", description="环节由其他部门办理时填写（并联审批）；留空为实施主体。")
    days: int = Field(ge=0, le=MAX_DAYS, title="时限（工作日）", description="本环节的办理时限，以工作日计；当场办结为 0。")
    calendar_days: int | None = Field(
        default=None,
        gt=0,
        le=MAX_DAYS,
        title="另需自然日",
        description="本环节另需的、按自然日计且不计入办理时限的时间，如 批前公示 7 日、检验检测 15 日。填写后本环节不显示为即办。",
    )
    next: list[Id] = Field(default_factory=list, max_length=MAX_STEPS, title="后续环节", description="紧接着的环节标识；多个表示并联办理。最后一个环节留空。")
    description: Text | None = Field(default=None, title="环节说明")


class TimeLimit(Strict):
    statutory_days: int | None = Field(default=None, ge=0, le=MAX_DAYS, title="法定办结时限（工作日）", description="法律法规规定的时限；无规定时留空。")
    statutory_basis: Text | None = Field(default=None, title="法定时限依据")
    promised_days: int = Field(ge=0, le=MAX_DAYS, title="承诺办结时限（工作日）", description="向社会承诺的时限；即办件为 0。")
    not_counted: list[Text] = Field(default_factory=list, title="不计算在时限内的时间", description="如 听证、检验、检测、专家评审所需时间。")


class FeeItem(Strict):
    id: Id = Field(title="收费项目标识")
    name: Text = Field(title="收费项目")
    amount: Annotated[float, Field(ge=0, le=MAX_FEE, allow_inf_nan=False)] = Field(title="金额（元）", description="固定金额；有上下限时为下限。")
    amount_max: Annotated[float, Field(ge=0, le=MAX_FEE, allow_inf_nan=False)] | None = Field(default=None, title="金额上限（元）", description="收费有幅度时的上限，不小于 amount；固定金额不填。")
    unit: Text = Field(title="计费单位", description="如 每件、每证、每平方米。")
    basis: Text = Field(title="收费依据", description="收费的法律、法规或价格主管部门文件。")
    reduction: Text | None = Field(default=None, title="收费减免", description="可以减免的情形，如 小微企业免收。")
    reduction_basis: Text | None = Field(default=None, title="减免依据", description="减免的政策文件及文号。")


class Result(Strict):
    name: Text = Field(title="办理结果名称", description="如 食品经营许可证。")
    kind: Literal["证照", "批文", "登记", "证明", "其他"] = Field(title="结果类型")
    delivery: list[Delivery] = Field(min_length=1, title="送达方式")
    sample: FileName | None = Field(default=None, title="结果样本", description="结果样本的文件名，文件放在 matters/files/<基本编码>/ 下；发布后在办事指南中提供下载。")
    validity: Text | None = Field(default=None, title="证照有效期", description="如 5年；长期有效的写 长期。")
    annual_review: Text | None = Field(default=None, title="年检年审", description="需要年检、年审或定期报告时写明要求，如 每年1月1日至6月30日报送年度报告。")


class Remedy(Strict):
    """The time limits of the remedies are law and the same everywhere; the bodies that hear
    them (复议机关, 法院) are local and come from the region directory."""

    reconsideration_days: int = Field(default=60, gt=0, le=365, title="申请行政复议期限（日）", description="《中华人民共和国行政复议法》第二十条：自知道之日起六十日内；法律规定更长的从其规定。")
    litigation_months: int = Field(default=6, gt=0, le=24, title="提起行政诉讼期限（月）", description="《中华人民共和国行政诉讼法》第四十六条：自知道作出行政行为之日起六个月内。")


class IntermediaryService(Strict):
    id: Id = Field(title="中介服务标识")
    name: Text = Field(title="中介服务名称", description="如 建设工程设计方案编制、房屋安全鉴定。")
    provider: Text = Field(title="服务机构", description="由哪类机构提供，如 具有相应资质的设计单位；不写具体企业名称。")
    mandatory: bool = Field(default=True, title="是否必须", description="true 为法定必须的中介服务；false 为申请人可自行完成、也可委托中介。")
    fee: Text = Field(title="收费", description="如 市场调节价、不收费、按《……》标准收取。")
    days: int | None = Field(default=None, gt=0, le=MAX_DAYS, title="服务时限（工作日）", description="中介机构出具成果的时限，以工作日计；无约定时留空。")
    basis: Text | None = Field(default=None, title="设定依据", description="要求这项中介服务的法律、法规或文件。")
    material: Id | None = Field(default=None, title="形成的材料", description="中介服务出具的申请材料的标识。")


class SpecialProcedure(Strict):
    id: Id = Field(title="特别程序标识")
    kind: SpecialKind = Field(title="特别程序种类", description="公示、专家评审、检验检测、现场勘查、听证或其他。")
    name: Text = Field(title="特别程序名称", description="如 批前公示、专家评审。")
    days: int = Field(gt=0, le=MAX_DAYS, title="时限（日）", description="特别程序所需的时间。")
    calendar: bool = Field(default=True, title="按自然日计", description="true 为自然日（如公示7日）；false 为工作日。")
    counted: bool = Field(default=False, title="计入办理时限", description="false（默认）表示所需时间不计算在办理时限内，受理通知书上写明。")
    basis: Text = Field(title="设定依据", description="规定该程序的法律、法规条款，如《中华人民共和国城乡规划法》第二十六条。")
    step: Id | None = Field(default=None, title="所在环节", description="在哪个办理环节进行，写环节标识；该环节的 calendar_days 应与不计入时限的自然日一致。")


class Commitment(Strict):
    materials: list[Id] = Field(default_factory=list, title="以承诺替代的材料", description="申请人书面承诺后免于提交的材料的标识。")
    conditions: list[Id] = Field(default_factory=list, title="以承诺替代的条件", description="申请人书面承诺符合、事后核查的受理条件的标识。")
    text: Text = Field(title="承诺内容", description="告知承诺书中申请人承诺的文字，一次性告知单上照印。")
    verification: Text | None = Field(default=None, title="事后核查", description="部门何时、如何核查承诺，承诺不实的后果。")
    basis: Text | None = Field(default=None, title="依据", description="实行告知承诺制的文件，如《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）。")


class Deferral(Strict):
    material: Id = Field(title="容缺材料", description="可以先受理、后补交的材料的标识。")
    within_days: int = Field(gt=0, le=MAX_DAYS, title="补交期限（工作日）", description="自受理之日起多少个工作日内补交。")
    note: Text | None = Field(default=None, title="说明", description="如 补交前不予发证。")


class Authority(Strict):
    power_source: PowerSource | None = Field(default=None, title="权力来源", description="法定本级行使、上级下放、上级授权、同级委托或其他。")
    implementer_nature: ImplementerNature | None = Field(default=None, title="实施主体性质", description="法定机关、授权组织或受委托组织。")
    entrusting_department: Function | None = Field(default=None, title="委托部门", description="同级委托或受委托组织实施时，委托方的职能名称。")
    division: Text | None = Field(default=None, title="权限划分", description="各层级分别行使哪部分权限，如 设区市负责……，县级负责……。")
    content: Text | None = Field(default=None, title="行使内容", description="本事项在本层级行使的具体内容。")


class Handling(Strict):
    handling_type: HandlingType | None = Field(default=None, title="办件类型", description="即办件（当场办结，承诺时限为 0）或承诺件。")
    channels: list[Channel] = Field(default_factory=list, title="办理形式", description="窗口办理、网上办理、快递申请，可多选。")
    online_flow: list[Text] = Field(default_factory=list, title="网上办理流程", description="申请人在网上办理的步骤，逐条写。")
    offline_flow: list[Text] = Field(default_factory=list, title="窗口办理流程", description="申请人到窗口办理的步骤，逐条写。")
    mail_materials: bool = Field(default=False, title="支持申请材料邮寄", description="申请材料可以邮寄递交。")
    appointment: bool = Field(default=False, title="支持预约办理", description="可以预约办理；每日预约名额是各地的，写在地区目录办理点的 appointment_quota。")
    self_service: bool = Field(default=False, title="支持自助终端办理", description="可以在自助终端办理；终端位置写在地区目录办理点的 self_service_terminals。")
    online_payment: bool = Field(default=False, title="支持网上支付", description="费用可以在网上支付。")
    progress_query: bool = Field(default=False, title="支持进度查询", description="可以在网上或电话查询办理进度。")
    online_consultation: bool = Field(default=False, title="支持网上咨询", description="可以在网上咨询；地址是各地的，写在地区目录的 consult_url。")
    online_complaint: bool = Field(default=False, title="支持网上投诉", description="可以在网上投诉；地址是各地的，写在地区目录的 complaint_url。")


class ChangeNote(Strict):
    version: Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")] = Field(title="版本号")
    date: dt.date = Field(ge=FIRST_DATE, le=LAST_DATE, title="日期")
    kind: ChangeKind = Field(title="变更类别", description="major 为实质性变更（公开发布）；minor 为编辑性修改。")
    note: Text = Field(title="变更说明")
    basis: Text | None = Field(default=None, title="变更依据", description="收紧办事要求时必须写明法律依据。")


class Waiver(Strict):
    rule: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")] = Field(title="规则标识")
    reason: Text = Field(title="豁免理由")


class Matter(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{12}$")] = Field(
        title="基本编码", description="事项的12位基本编码，与文件名一致。"
    )
    name: Text = Field(title="事项名称")
    matter_type: MatterType = Field(title="事项类型")
    business_item: BusinessItem | None = Field(default=None, title="业务办理项", description="事项拆分办理时的业务办理项：新设、变更、延续、注销。")
    business_item_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{12}[0-9]{2,12}$")] | None = Field(
        default=None,
        title="业务办理项编码",
        description="业务办理项的编码：事项的12位基本编码后接2至12位数字，如 00011701200001；写了编码也要写 business_item。",
    )
    status: MatterStatus = Field(default="在用", title="事项状态", description="在用、暂停或取消；暂停和取消要写 status_date。")
    status_date: dt.date | None = Field(default=None, title="状态日期", description="暂停或取消的日期，写作 YYYY-MM-DD。")
    status_note: Text | None = Field(default=None, title="状态说明", description="暂停或取消的原因和依据，页面顶部醒目显示。")
    authority: Authority = Field(default_factory=Authority, title="权力属性", description="权力来源、实施主体性质、委托部门、权限划分和行使内容。")
    department: Function = Field(
        title="实施部门",
        description="由哪类部门实施，写职能名称、不带地名，如 市场监督管理局。各地由哪个机关实施（全称、统一社会信用代码）、在哪里办、电话和办公时间，写在地区目录 regions.yml，不写在这里。",
    )
    levels: list[Level] = Field(min_length=1, title="行使层级", description="行使该事项的层级。")
    service_objects: list[ServiceObject] = Field(min_length=1, title="服务对象")
    tongban: TongbanScope = Field(default="不通办", title="通办范围")
    summary: Text = Field(title="服务内容", description="一两句话说明这个事项办的是什么。")
    keywords: list[Text] = Field(default_factory=list, title="检索关键词", description="群众常用的说法，如 开饭店、开餐馆，帮助站内搜索。")
    legal_basis: list[LegalBasis] = Field(min_length=1, max_length=MAX_ITEMS, title="设定依据")
    situations: list[Situation] = Field(default_factory=list, max_length=MAX_ITEMS, title="办理情形")
    conditions: list[Condition] = Field(min_length=1, max_length=MAX_ITEMS, title="受理条件")
    materials: list[Material] = Field(min_length=1, max_length=MAX_ITEMS, title="申请材料")
    intermediary_services: list[IntermediaryService] = Field(default_factory=list, title="中介服务", description="办理本事项需要（或可以）委托中介机构完成的服务。")
    commitment: Commitment | None = Field(default=None, title="告知承诺制", description="以申请人书面承诺替代部分材料或条件时填写。")
    deferrals: list[Deferral] = Field(default_factory=list, title="容缺受理", description="可以先受理、限期补交的材料。")
    review_points: list[ReviewPoint] = Field(default_factory=list, title="审批要点", description="一问一答：针对材料或条件的统一审查标准。")
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS, title="办理流程")
    time_limit: TimeLimit = Field(title="办理时限")
    special_procedures: list[SpecialProcedure] = Field(default_factory=list, title="特别程序", description="公示、专家评审、检验检测、现场勘查、听证等，写明时限、依据和是否计入办理时限。")
    fees: list[FeeItem] = Field(default_factory=list, max_length=MAX_ITEMS, title="收费标准", description="收费项目；空列表表示不收费。")
    result: Result = Field(title="办理结果")
    quantity_limit: Text | None = Field(default=None, title="数量限制", description="有数量限制时写明限制和依据，如 本行政区域内药品零售企业布局……；无数量限制留空。")
    visits: int = Field(ge=0, le=MAX_VISITS, title="到办事现场次数")
    online_depth: OnlineDepth = Field(title="网办深度", description="一级网上咨询，二级网上预审，三级网上受理，四级全程网办。")
    handling: Handling = Field(default_factory=Handling, title="办理方式", description="办件类型、办理形式、线上线下流程，以及邮寄、预约、自助终端、网上支付、进度查询、网上咨询投诉是否支持。")
    remedy: Remedy = Field(
        default_factory=Remedy,
        title="救济期限",
        description="申请行政复议和提起行政诉讼的期限；复议机关和管辖法院是各地的，写在地区目录。",
    )
    version: Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")] = Field(title="标准版本号")
    effective_date: dt.date = Field(ge=FIRST_DATE, le=LAST_DATE, title="生效日期")
    changes: list[ChangeNote] = Field(default_factory=list, title="变更记录", description="新的在前。")
    waivers: list[Waiver] = Field(default_factory=list, title="规则豁免", description="对本事项关闭某条审核规则，并写明理由。")

    @property
    def is_free(self) -> bool:
        return not self.fees

    def option_labels(self) -> dict[str, str]:
        """'situation.option' -> '问题：选项' for every option of every situation."""
        return {
            f"{s.id}.{o.id}": f"{s.question.rstrip('？?')}：{o.label}" for s in self.situations for o in s.options
        }
