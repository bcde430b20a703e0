"""The matter standard (事项标准): one pydantic model, the single source of the schema.

Every field carries a Chinese title and description; the JSON Schema that editors use
(``schema/matter.schema.json``) and the one integrators fetch are generated from here.
Cross-references between parts of a matter (``when:``, ``about:``, ``next:``) are checked
in :mod:`generator.load.validate`, because they need the whole matter at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from generator.model.limits import FIRST_DATE, LAST_DATE, MAX_COPIES, MAX_DAYS, MAX_FEE, MAX_LITIGATION_MONTHS, MAX_RECONSIDERATION_DAYS, MAX_STEPS, MAX_VISITS

MatterType = Literal["行政许可", "行政确认", "行政给付", "行政奖励", "行政裁决", "其他行政权力", "公共服务"]
Level = Literal["省级", "市级", "县级", "乡级", "村级"]
LEVELS: tuple[str, ...] = ("省级", "市级", "县级", "乡级", "村级")
ServiceObject = Literal["自然人", "法人"]
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

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64),
    Field(description="稳定标识：小写字母开头，只含小写字母、数字和连字符；一经发布不再改变，差异比对按它匹配。"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9（）()\-－ 转]{3,32}$")]
OptionRef = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$"),
    Field(description="情形选项引用，写作 情形id.选项id，例如 applicant.company。"),
]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a standard must never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(Strict):
    name: Text = Field(title="实施主体名称", description="负责实施该事项的部门全称。")
    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")] = Field(
        title="统一社会信用代码", description="实施主体的18位统一社会信用代码（GB 32100）。"
    )


class LegalBasis(Strict):
    id: Id = Field(title="标识")
    title: Text = Field(title="法律法规名称", description="如《中华人民共和国食品安全法》，不带书名号。")
    doc_number: Text | None = Field(default=None, title="文号", description="发布令号或文号，如 国务院令第645号；法律可不填。")
    article: Text = Field(title="条款", description="依据的条款，如 第三十五条第一款。")
    excerpt: Text | None = Field(default=None, title="条文摘录", description="条款原文摘录，供公众核对。")


class Option(Strict):
    id: Id = Field(title="选项标识")
    label: Text = Field(title="选项名称", description="如 企业、个体工商户。")


class Situation(Strict):
    id: Id = Field(title="情形标识")
    question: Text = Field(title="情形问题", description="如 申请人类型？是否委托代理人办理？")
    options: list[Option] = Field(min_length=2, title="选项", description="至少两个选项；申请人选一个。")


class Condition(Strict):
    id: Id = Field(title="条件标识")
    text: Text = Field(title="受理条件", description="一条完整、可核验的受理条件。")
    when: list[OptionRef] = Field(default_factory=list, title="适用情形", description="仅在这些情形选项之一成立时适用；留空表示始终适用。")


class SharedData(Strict):
    certificate: Text = Field(title="可替代的电子证照或共享数据", description="如 电子营业执照、居民身份证电子证照。")
    note: Text | None = Field(default=None, title="说明")


class Material(Strict):
    id: Id = Field(title="材料标识")
    name: Text = Field(title="材料名称")
    form: MaterialForm = Field(title="材料形式", description="原件、复印件、电子件、电子证照或原件和复印件。")
    copies: int = Field(default=1, gt=0, le=MAX_COPIES, title="份数", description="需提交的份数，正整数。")
    source: MaterialSource = Field(title="来源渠道")
    source_note: Text | None = Field(default=None, title="来源说明", description="如 由不动产登记机构核发。")
    required: bool = Field(default=True, title="是否必要", description="true 为必要材料；false 为非必要（补充）材料。")
    when: list[OptionRef] = Field(default_factory=list, title="适用情形", description="仅在这些情形选项之一成立时需要；留空表示所有情形都需要。")
    spec: Text | None = Field(default=None, title="材料规格", description="纸张、签章、有效期等要求。")
    acceptance_standard: Text | None = Field(default=None, title="受理标准", description="窗口人员据以判断材料合格的标准。")
    blank_form: Text | None = Field(default=None, title="空白表格", description="与事项文件同目录的空白表格文件名。")
    sample: Text | None = Field(default=None, title="示例样表", description="与事项文件同目录的填写示例文件名。")
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
    amount: Annotated[float, Field(ge=0, le=MAX_FEE, allow_inf_nan=False)] = Field(title="金额（元）")
    unit: Text = Field(title="计费单位", description="如 每件、每证。")
    basis: Text = Field(title="收费依据", description="收费的法律、法规或价格主管部门文件。")


class Result(Strict):
    name: Text = Field(title="办理结果名称", description="如 食品经营许可证。")
    kind: Literal["证照", "批文", "登记", "证明", "其他"] = Field(title="结果类型")
    delivery: list[Delivery] = Field(min_length=1, title="送达方式")
    sample: Text | None = Field(default=None, title="结果样本", description="与事项文件同目录的结果样本文件名。")


class Contact(Strict):
    consult_phone: Phone = Field(title="咨询电话")
    complaint_phone: Phone = Field(title="监督投诉电话")
    online_url: Annotated[str, StringConstraints(pattern=r"^https://")] | None = Field(
        default=None, title="网上办理地址", description="https 地址。"
    )
    window: Text = Field(default="综合受理窗口", title="受理窗口", description="在政务服务大厅的哪个窗口办理。")
    hours: Text = Field(default="法定工作日 上午9:00-12:00 下午13:30-17:00", title="办理时间")


class Remedy(Strict):
    reconsideration_body: Text = Field(
        title="行政复议机关", description="对决定不服时依法申请行政复议的机关，如 莆田市人民政府。印在不予受理通知书上。"
    )
    reconsideration_days: int = Field(default=60, gt=0, le=MAX_RECONSIDERATION_DAYS, title="申请行政复议期限（日）", description="《中华人民共和国行政复议法》第二十条：自知道之日起六十日内。")
    litigation_court: Text = Field(title="行政诉讼管辖法院", description="依法提起行政诉讼的人民法院，如 莆田市城厢区人民法院。")
    litigation_months: int = Field(default=6, gt=0, le=MAX_LITIGATION_MONTHS, title="提起行政诉讼期限（月）", description="《中华人民共和国行政诉讼法》第四十六条：自知道作出行政行为之日起六个月内。")


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
    department: Department = Field(title="实施主体")
    levels: list[Level] = Field(min_length=1, title="行使层级", description="行使该事项的层级。")
    service_objects: list[ServiceObject] = Field(min_length=1, title="服务对象")
    tongban: TongbanScope = Field(default="不通办", title="通办范围")
    summary: Text = Field(title="服务内容", description="一两句话说明这个事项办的是什么。")
    keywords: list[Text] = Field(default_factory=list, title="检索关键词", description="群众常用的说法，如 开饭店、开餐馆，帮助站内搜索。")
    legal_basis: list[LegalBasis] = Field(min_length=1, title="设定依据")
    situations: list[Situation] = Field(default_factory=list, title="办理情形")
    conditions: list[Condition] = Field(min_length=1, title="受理条件")
    materials: list[Material] = Field(min_length=1, title="申请材料")
    review_points: list[ReviewPoint] = Field(default_factory=list, title="审批要点", description="一问一答：针对材料或条件的统一审查标准。")
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS, title="办理流程")
    time_limit: TimeLimit = Field(title="办理时限")
    fees: list[FeeItem] = Field(default_factory=list, title="收费标准", description="收费项目；空列表表示不收费。")
    result: Result = Field(title="办理结果")
    visits: int = Field(ge=0, le=MAX_VISITS, title="到办事现场次数")
    online_depth: OnlineDepth = Field(title="网办深度", description="一级网上咨询，二级网上预审，三级网上受理，四级全程网办。")
    contact: Contact = Field(title="咨询与投诉")
    remedy: Remedy | None = Field(default=None, title="救济途径", description="申请人不服决定时的行政复议机关和行政诉讼法院；不予受理通知书据此告知权利。")
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
