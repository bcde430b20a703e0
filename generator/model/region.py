"""The region directory (地区目录): where matters are handled, never how.

``matters/regions.yml`` holds the administrative tree 省 → 市 → 县（区）→ 乡镇（街道）→ 村（社区）
with the 12-digit national division codes, and for each region its service halls. A region
says only where and by whom a matter is handled: the local agencies that implement it, halls,
windows, addresses, phones and hours. Everything that is the standard (materials, time limits, fees, conditions...) lives
once in the matter file; :mod:`generator.outputs.regions` rejects any attempt to set it here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from generator.model.matter import Function, Id, Level, Phone, Strict, Text

CreditCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
    Field(description="18位统一社会信用代码（GB 32100），最后一位是校验码，guides check 会核对。"),
]
MatterCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{12}$"), Field(description="事项的12位基本编码。")]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$"), Field(description="https 地址。")]

DivisionCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{12}$"),
    Field(description="12位统计用区划代码：省2位、市2位、县2位、乡镇3位、村3位，下级不足的位用0补齐，如 350926100000。"),
]
WindowType = Literal["综合窗口", "专业窗口", "帮办代办窗口", "出件窗口"]


class Window(Strict):
    name: Text = Field(title="窗口名称", description="如 综合受理窗口、不动产登记专窗。")
    type: WindowType = Field(title="窗口类型", description="综合窗口（无差别受理）、专业窗口、帮办代办窗口或出件窗口。每个办理点至少有一个综合窗口。")
    departments: list[Function] = Field(
        default_factory=list,
        title="受理部门",
        description="窗口为哪些部门的全部事项收件，写部门的职能名称、不带地名，如 公安局；留空表示综合受理。",
    )
    matters: list[MatterCode] = Field(
        default_factory=list,
        title="受理事项",
        description="窗口只受理某几个事项时写它们的基本编码，如 不动产登记专窗只收不动产登记。事项先找列明它的窗口，再找列明其实施部门的窗口，都没有时在综合窗口受理。",
    )


class Agency(Strict):
    name: Text = Field(title="实施机关", description="本地区实施事项的机关全称，如 柘荣县住房和城乡建设局、莆田市城厢区行政审批局。")
    functions: list[Function] = Field(
        min_length=1,
        title="承担的职能",
        description="本机关实施哪些部门职能的事项，写职能名称、不带地名，如 [住房和城乡建设局]。行政审批局集中行使多个部门的许可权时逐一列出，如 [市场监督管理局, 交通运输局]。同一地区的两个机关不能承担同一职能。",
    )
    credit_code: CreditCode = Field(title="统一社会信用代码", description="本机关的18位统一社会信用代码（GB 32100）；实施编码由它和事项的基本编码组成。")
    credit_code_confirmed: bool = Field(
        default=True,
        title="统一社会信用代码已核实",
        description="false 表示这是示例代码（校验位正确，但未与全国组织机构统一社会信用代码数据服务中心核对）；guides check 会列出所有示例代码，发布前须核实。",
    )
    phone: Phone | None = Field(default=None, title="咨询电话", description="本机关的事项咨询电话；不填时用办理点的电话。")
    online_url: HttpsUrl | None = Field(default=None, title="网上办理地址", description="本机关在政务服务网上的办事入口；不填时用本地区的网上办事大厅。")
    reconsideration_body: Text | None = Field(
        default=None,
        title="行政复议机关",
        description="只在与本级人民政府不同时填写，如 实行垂直领导的机关由上一级主管部门复议（《中华人民共和国行政复议法》第二十七条）。",
    )
    court: Text | None = Field(default=None, title="行政诉讼管辖法院", description="只在与本地区的管辖法院不同时填写。")
    abbreviation: Text | None = Field(
        default=None,
        title="机关代字",
        description="本机关文书文号中的机关代字，如 城厢审批；通知书编号印作“城厢审批〔2026〕第　号”。不填时编号处留空手写。",
    )


class AppointmentQuota(Strict):
    daily: int = Field(gt=0, le=10000, title="每日预约名额", description="每个工作日可预约的号数，正整数。")
    window: Text | None = Field(default=None, title="窗口", description="名额属于本办理点的哪个窗口，写窗口名称；与 matter 都不写时为整个办理点的名额。")
    matter: MatterCode | None = Field(default=None, title="事项", description="名额只给某个事项时写它的基本编码（即本地实施机关办理该事项的名额）。")


class Appointment(Strict):
    url: HttpsUrl | None = Field(default=None, title="网上预约地址", description="如 闽政通 或 福建省网上办事大厅 的预约页面；不填时用本地区的 appointment_url。")
    phone: Phone | None = Field(default=None, title="预约电话")
    quotas: list[AppointmentQuota] = Field(
        default_factory=list,
        title="每日预约名额",
        description="按整个办理点、按窗口（window）或按事项（matter）写每个工作日的预约名额；一个事项先找写明它的名额，再找其受理窗口的，最后用整个办理点的。",
    )
    note: Text | None = Field(default=None, title="预约说明", description="如 可预约未来 5 个工作日、预约号保留 15 分钟。")


class Terminal(Strict):
    location: Text = Field(title="终端位置", description="自助终端放在哪里，如 莆田市行政服务中心一楼大厅东侧、城厢区龙桥街道便民服务中心。")
    hours: Text | None = Field(default=None, title="开放时间", description="如 24小时；不填时同办理点的办公时间。")
    matters: list[MatterCode] = Field(
        default_factory=list,
        title="可办事项",
        description="终端只能办某几个事项时写它们的基本编码；留空表示事项标准写明支持自助终端办理（handling.self_service）的事项都能办。",
    )


class MailAddress(Strict):
    address: Text = Field(title="收件地址", description="申请材料邮寄到哪里，如 福建省宁德市柘荣县双城镇东源路18号 柘荣县行政服务中心一楼综合窗口。")
    recipient: Text = Field(title="收件人", description="如 柘荣县行政服务中心综合受理窗口。")
    phone: Phone = Field(title="收件电话")
    postcode: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")] | None = Field(default=None, title="邮政编码", description="6位数字，如 355300。")


class Hall(Strict):
    id: Id = Field(title="办理点标识", description="全目录唯一，如 putian-admin-center。")
    name: Text = Field(title="办理点名称", description="如 莆田市行政服务中心、双城镇便民服务中心、城西社区便民代办点。")
    level: Level = Field(title="服务层级", description="办理点承接的事项层级，必须与所在地区的层级一致：省级、市级、县级、乡级或村级。")
    address: Text = Field(title="地址")
    hours: Text = Field(title="办公时间", description="如 法定工作日 上午8:00-12:00 下午14:30-17:30（夏令时）。")
    phones: list[Phone] = Field(min_length=1, title="咨询电话", description="至少一个。")
    windows: list[Window] = Field(min_length=1, title="窗口", description="至少包括一个综合窗口。")
    note: Text | None = Field(default=None, title="说明", description="如 周六上午延时服务、预约上门代办。")
    appointment: Appointment | None = Field(
        default=None,
        title="预约办理",
        description="本办理点的预约方式和每日预约名额；只对事项标准写明支持预约办理（handling.appointment）的事项显示。",
    )
    self_service_terminals: list[Terminal] = Field(default_factory=list, title="自助终端", description="本办理点管理的自助终端及其位置。")
    mail_address: MailAddress | None = Field(
        default=None,
        title="申请材料邮寄地址",
        description="申请人邮寄申请材料的收件地址；只对事项标准写明支持申请材料邮寄（handling.mail_materials）的事项显示。",
    )


class Region(Strict):
    code: DivisionCode = Field(title="区划代码")
    name: Text = Field(title="地区名称", description="如 福建省、莆田市、柘荣县、双城镇、城西社区。")
    level: Level = Field(title="地区层级", description="省级、市级、县级（区）、乡级（镇、街道）或村级（村、社区），与区划代码的位数一致。")
    halls: list[Hall] = Field(default_factory=list, title="政务服务办理点", description="本地区的政务服务中心、便民服务中心、便民代办点。")
    government: Text | None = Field(
        default=None,
        title="本级人民政府",
        description="如 柘荣县人民政府。对本地区机关的行政行为不服，向它申请行政复议（《中华人民共和国行政复议法》第二十四条）；乡镇、村不填，沿用上级。",
    )
    court: Text | None = Field(default=None, title="行政诉讼管辖法院", description="如 柘荣县人民法院；不填时沿用上级地区的。")
    complaint_phone: Phone | None = Field(default=None, title="监督投诉电话", description="如 12345；不填时沿用上级地区的。")
    online_url: HttpsUrl | None = Field(default=None, title="网上办事大厅", description="本地区的政务服务网地址；不填时沿用上级地区的。")
    appointment_url: HttpsUrl | None = Field(default=None, title="网上预约地址", description="本地区统一的预约入口，如 闽政通 的预约页面；办理点写了自己的 appointment.url 时用办理点的。不填时沿用上级地区的。")
    payment_url: HttpsUrl | None = Field(default=None, title="网上支付地址", description="缴纳行政事业性收费的网上入口，如 福建省非税收入缴款平台；只对事项标准写明支持网上支付（handling.online_payment）的事项显示。不填时沿用上级地区的。")
    progress_url: HttpsUrl | None = Field(default=None, title="办理进度查询地址", description="凭受理通知书编号查询办理进度的网址；不填时沿用上级地区的。")
    progress_phone: Phone | None = Field(default=None, title="办理进度查询电话", description="如 12345；不填时沿用上级地区的。")
    consult_url: HttpsUrl | None = Field(default=None, title="网上咨询地址", description="在线咨询的网址，如 福建省网上办事大厅的“我要咨询”；不填时沿用上级地区的。")
    complaint_url: HttpsUrl | None = Field(default=None, title="网上投诉地址", description="在线投诉、“好差评”的网址，如 12345 政务服务便民热线的网上入口；不填时沿用上级地区的。")
    agencies: list[Agency] = Field(
        default_factory=list,
        title="实施机关",
        description="本地区由谁实施：各职能部门在本地区的机关。标准（材料、时限、收费）仍只写在事项文件里；这里只写谁办。",
    )
    children: list[Region] = Field(default_factory=list, title="下级地区", description="下级地区的区划代码必须以本地区代码的有效位开头。")


class RegionDirectory(Strict):
    regions: list[Region] = Field(min_length=1, title="地区", description="最上级的地区（通常是一个省）。")


Region.model_rebuild()
