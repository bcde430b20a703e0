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

from generator.model.matter import Id, Level, Phone, Strict, Text

DivisionCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{12}$"),
    Field(description="12位统计用区划代码：省2位、市2位、县2位、乡镇3位、村3位，下级不足的位用0补齐，如 350926100000。"),
]
WindowType = Literal["综合窗口", "专业窗口", "帮办代办窗口", "出件窗口"]


class Window(Strict):
    name: Text = Field(title="窗口名称", description="如 综合受理窗口、不动产登记专窗。")
    type: WindowType = Field(title="窗口类型", description="综合窗口（无差别受理）、专业窗口、帮办代办窗口或出件窗口。每个办理点至少有一个综合窗口。")
    departments: list[Text] = Field(
        default_factory=list,
        title="受理部门",
        description="窗口为哪些部门收件，写部门的职能名称、不带地名，如 市场监督管理局、公安局；留空表示综合受理各部门事项。事项在列明其实施部门的窗口受理，否则在综合窗口受理。",
    )


class Agency(Strict):
    name: Text = Field(title="实施机关", description="本地区实施事项的部门全称，如 柘荣县住房和城乡建设局。")
    function: Text = Field(
        title="职能名称",
        description="部门的职能名称、不带地名，如 住房和城乡建设局、公安局、消防救援。事项的实施主体名称含有这个名称时，在本地区（及没有同职能部门的下级地区）由本机关实施。",
    )
    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")] | None = Field(
        default=None, title="统一社会信用代码", description="18位统一社会信用代码（GB 32100），已知时填写。"
    )


class Hall(Strict):
    id: Id = Field(title="办理点标识", description="全目录唯一，如 putian-admin-center。")
    name: Text = Field(title="办理点名称", description="如 莆田市行政服务中心、双城镇便民服务中心、城西社区便民代办点。")
    level: Level = Field(title="服务层级", description="办理点承接的事项层级，必须与所在地区的层级一致：省级、市级、县级、乡级或村级。")
    address: Text = Field(title="地址")
    hours: Text = Field(title="办公时间", description="如 法定工作日 上午8:00-12:00 下午14:30-17:30（夏令时）。")
    phones: list[Phone] = Field(min_length=1, title="咨询电话", description="至少一个。")
    windows: list[Window] = Field(min_length=1, title="窗口", description="至少包括一个综合窗口。")
    note: Text | None = Field(default=None, title="说明", description="如 周六上午延时服务、预约上门代办。")


class Region(Strict):
    code: DivisionCode = Field(title="区划代码")
    name: Text = Field(title="地区名称", description="如 福建省、莆田市、柘荣县、双城镇、城西社区。")
    level: Level = Field(title="地区层级", description="省级、市级、县级（区）、乡级（镇、街道）或村级（村、社区），与区划代码的位数一致。")
    halls: list[Hall] = Field(default_factory=list, title="政务服务办理点", description="本地区的政务服务中心、便民服务中心、便民代办点。")
    agencies: list[Agency] = Field(
        default_factory=list,
        title="实施机关",
        description="本地区由谁实施：各职能部门在本地区的机关。标准（材料、时限、收费）仍只写在事项文件里；这里只写谁办。",
    )
    children: list[Region] = Field(default_factory=list, title="下级地区", description="下级地区的区划代码必须以本地区代码的有效位开头。")


class RegionDirectory(Strict):
    regions: list[Region] = Field(min_length=1, title="地区", description="最上级的地区（通常是一个省）。")


Region.model_rebuild()
