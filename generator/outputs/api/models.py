"""The shapes of the published JSON files under ``api/v1/``, as pydantic models.

The outputs build plain dicts; these models describe them. The published JSON Schemas
(``api/v1/schema/<name>.schema.json``, :mod:`generator.outputs.api.schemas`) and the OpenAPI
description (:mod:`generator.outputs.api.openapi`) are generated from them, never written by
hand, and the tests validate every published file against those schemas with an independent
validator. Every model forbids unknown keys, so a key an output adds without adding it here
fails the tests: the schema always describes every key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from generator.model.theme import CombinedForm, Intake

Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Link = Annotated[str, Field(description="站内路径：相对于网站根目录；按 RFC 3986 以本文件顶层 base 解析（base 本身相对于本文件）。")]
Base = Annotated[str, Field(description="链接的基准：相对于本文件的网站根目录（如 ../../）。本文件中的链接先以本文件地址解析 base，再以其结果解析链接（RFC 3986）。")]
Modified = Annotated[dt.date, Field(title="最近修改日期", description="本条目内容最近一次改变的日期（北京时间）。事项取生效日期和变更记录；其他条目取发布台账（matters/ledger.json）。")]
Instant = Annotated[str, Field(description="ISO 8601 时刻，如 2026-06-01T00:00:00+08:00。")]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- catalogue


class SlipLinks(Out):
    notice: Link
    correction: Link
    acceptance: Link
    rejection: Link


class MatterLinks(Out):
    page: Link
    json_: Link = Field(alias="json")
    cpsv_ap: Link
    diagram: Link
    slips: SlipLinks


class CatalogueLinks(Out):
    schema_: Link = Field(alias="schema", description="事项标准的 JSON Schema")
    changes: Link
    changes_atom: Link
    cpsv_ap_concepts: Link
    docs: Link
    index: Link = Field(description="发现文档 api/v1/index.json")
    openapi: Link
    catalogue_schema: Link
    implementations: Link


class CatalogueEntry(Out):
    code: str
    name: str
    matter_type: str
    business_item: str | None
    department: str
    levels: list[str]
    tongban: str
    version: str
    effective_date: dt.date
    last_changed: dt.date
    modified: Modified
    fingerprint: Fingerprint
    links: MatterLinks


class Scope(Out):
    code: str | None
    name: str


class AppointmentOut(Out):
    url: str | None = Field(default=None, title="网上预约地址")
    phone: str | None = Field(default=None, title="预约电话")
    daily_quota: int | None = Field(default=None, title="每日预约名额", description="本办理点每个工作日可预约本事项的号数（按事项、受理窗口或整个办理点的名额）。")
    note: str | None = Field(default=None, title="预约说明")


class TerminalOut(Out):
    location: str = Field(title="终端位置")
    hours: str | None = Field(default=None, title="开放时间")


class MailAddressOut(Out):
    address: str = Field(title="收件地址")
    recipient: str = Field(title="收件人")
    phone: str = Field(title="收件电话")
    postcode: str | None = Field(default=None, title="邮政编码")


class HallServicesOut(Out):
    appointment: AppointmentOut | None = Field(default=None, title="预约办理", description="只在事项标准写明支持预约办理、且本办理点写了预约方式时出现。")
    self_service_terminals: list[TerminalOut] | None = Field(default=None, title="自助终端", description="可办理本事项的自助终端位置。")
    mail_address: MailAddressOut | None = Field(default=None, title="申请材料邮寄地址", description="只在事项标准写明支持申请材料邮寄时出现。")


class HallEntry(Out):
    id: str
    name: str
    region_code: str
    region_name: str
    level: str
    address: str
    hours: str
    phones: list[str]
    window: str
    scope: Scope
    services: HallServicesOut | None = Field(default=None, title="本办理点的办事服务", description="预约、自助终端、邮寄地址；都没有时不出现。")


class Remedy(Out):
    reconsideration_body: str
    reconsideration_days: int
    litigation_court: str
    litigation_months: int


class LocalServicesOut(Out):
    consult_url: str | None = Field(default=None, title="网上咨询地址")
    complaint_url: str | None = Field(default=None, title="网上投诉地址")
    progress_url: str | None = Field(default=None, title="办理进度查询地址")
    progress_phone: str | None = Field(default=None, title="办理进度查询电话")
    payment_url: str | None = Field(default=None, title="网上支付地址", description="只在事项标准写明支持网上支付时出现。")


class ImplementationEntry(Out):
    implementation_code: str = Field(description="实施编码：统一社会信用代码 + 层级码 + 基本编码，31 位")
    matter_code: str
    matter_name: str
    department: str
    agency: str
    agency_credit_code: str
    region_code: str
    region_name: str
    level: str
    tongban: str
    consult_phones: list[str]
    complaint_phone: str | None
    online_url: str | None
    services: LocalServicesOut | None = Field(default=None, title="网上服务渠道", description="本地区（或上级地区）的网上咨询、投诉、进度查询和支付渠道；都没有时不出现。")
    remedy: Remedy
    halls: list[HallEntry]
    url: Link
    fingerprint: Fingerprint = Field(description="事项的标准指纹（与 matters/<code>.json 相同）")
    record_fingerprint: Fingerprint = Field(description="本条实施信息的指纹：本条目去掉 fingerprint、record_fingerprint、modified 后的规范 JSON 的 SHA-256；办理点、电话、机关等任何一项变了它就变")
    modified: Modified


class Saving(Out):
    before: int
    after: int
    saved: int
    percent: int | None


class ThemeSummary(Out):
    id: str
    name: str
    summary: str
    members: list[str]
    promised_days: int
    critical_path_days: int
    visits: int
    savings: dict[str, Saving]
    url: Link
    json_: Link = Field(alias="json")
    notice_pdf: Link
    fingerprint: Fingerprint = Field(description="主题文件 api/v1/themes/<id>.json 的 fingerprint")
    modified: Modified


class Catalogue(Out):
    api_version: Literal["v1"]
    generated_at: Instant
    fingerprint: Fingerprint = Field(description="整个目录的指纹：{matters: {基本编码: 标准指纹}, implementations: {实施编码: record_fingerprint}, themes: {主题: fingerprint}} 的规范 JSON 的 SHA-256")
    matters_fingerprint: Fingerprint = Field(description="只覆盖事项的指纹：{基本编码: 标准指纹} 的规范 JSON 的 SHA-256（2026 年 12 月以前 fingerprint 的算法）")
    matter_count: int
    base: Base
    links: CatalogueLinks
    matters: list[CatalogueEntry]
    implementations: list[ImplementationEntry]
    themes: list[ThemeSummary]


class ImplementationsDocument(Out):
    api_version: Literal["v1"]
    generated_at: Instant
    fingerprint: Fingerprint = Field(description="{实施编码: record_fingerprint} 的规范 JSON 的 SHA-256")
    base: Base
    recipe: str
    implementations: list[ImplementationEntry]


# ---------------------------------------------------------------- changes


class ChangeLinks(Out):
    page: Link | None
    json_: Link | None = Field(alias="json")


ChangeKind = Literal["major", "minor", "implementation", "theme", "withdrawal"]


class ChangeRow(Out):
    id: str = Field(description="稳定的 tag: URI，与 Atom 条目的 id 相同")
    kind: ChangeKind = Field(description="major 实质性变更、minor 编辑性修改（事项的变更记录）；implementation 各地实施信息（机关、办理点、电话、时间、救济机关）的变化；theme 一件事主题的变化；withdrawal 下架")
    subject: Literal["matter", "implementation", "theme"]
    subject_id: str = Field(description="基本编码、实施编码或主题标识")
    code: str | None = Field(description="所涉事项的基本编码（主题为 null）")
    name: str
    department: str | None
    version: str | None
    date: dt.date
    note: str
    basis: str | None
    fields: list[str] = Field(description="发生变化的字段（台账记录的变化；事项变更记录为空列表）")
    fingerprint: Fingerprint | None = Field(description="变化后的指纹（下架为 null）")
    links: ChangeLinks


class ChangesDocument(Out):
    api_version: Literal["v1"]
    updated: dt.date | None
    change_count: int
    base: Base
    since: dt.date | None = Field(default=None, description="只在 changes/since/<date>.json 中：列出该日期（含）以后的变更")
    changes: list[ChangeRow]


# ---------------------------------------------------------------- themes


class OptionRef(Out):
    ref: str
    label: str


class ThemeMember(Out):
    code: str
    name: str
    department: str
    role: str
    options: list[OptionRef]
    depends_on: list[str]
    promised_days: int
    start_day: int
    finish_day: int
    on_critical_path: bool
    applicable_materials: int
    steps: int
    visits: int
    result: str
    version: str
    fingerprint: Fingerprint
    url: Link
    json_: Link = Field(alias="json")


class MemberItem(Out):
    code: str
    id: str
    name: str


class ThemeMaterial(Out):
    id: str
    name: str
    form: str
    copies: int
    source: str | None
    required: bool
    combined_form: bool
    provided_by: str | None
    shared_certificate: str | None
    when: list[str]
    members: list[str]
    member_items: list[MemberItem]


class ThemeCondition(Out):
    text: str
    when: list[str]
    members: list[str]


class CriticalPath(Out):
    days: int
    members: list[str]


class ThemeDocument(Out):
    id: str
    name: str
    summary: str
    audience: list[str]
    audience_note: str | None
    keywords: list[str]
    intake: Intake
    form: CombinedForm | None
    promised_days: int
    visits: int
    consult_phone: str | None
    members: list[ThemeMember]
    materials: list[ThemeMaterial]
    conditions: list[ThemeCondition]
    critical_path: CriticalPath
    theme_steps: int
    savings: dict[str, Saving]
    definitions: dict[str, str]
    url: Link
    notice_pdf: Link
    flow_svg: Link
    fingerprint: Fingerprint = Field(description="本文件去掉 fingerprint、modified、base 三个键后的规范 JSON 的 SHA-256")
    modified: Modified
    base: Base


# ---------------------------------------------------------------- slices


class RegionServices(Out):
    appointment_url: str | None = Field(default=None, title="网上预约地址")
    payment_url: str | None = Field(default=None, title="网上支付地址")
    progress_url: str | None = Field(default=None, title="办理进度查询地址")
    progress_phone: str | None = Field(default=None, title="办理进度查询电话")
    consult_url: str | None = Field(default=None, title="网上咨询地址")
    complaint_url: str | None = Field(default=None, title="网上投诉地址")


class RegionInfo(Out):
    code: str
    name: str
    level: str
    parent: str | None
    services: RegionServices | None = Field(default=None, title="网上服务渠道", description="本地区的，本地区没写时取上级地区的；都没有时不出现。")


class QuotaOut(Out):
    daily: int = Field(title="每日预约名额")
    window: str | None = Field(default=None, title="窗口")
    matter: str | None = Field(default=None, title="事项基本编码")


class HallAppointmentOut(Out):
    url: str | None = Field(default=None, title="网上预约地址")
    phone: str | None = Field(default=None, title="预约电话")
    quotas: list[QuotaOut] = Field(default_factory=list, title="每日预约名额", description="按整个办理点、窗口或事项。")
    note: str | None = Field(default=None, title="预约说明")


class TerminalEntry(Out):
    location: str = Field(title="终端位置")
    hours: str | None = Field(default=None, title="开放时间")
    matters: list[str] = Field(default_factory=list, title="可办事项", description="空列表表示支持自助终端办理的事项都能办。")


class RegionHall(Out):
    id: str
    name: str
    level: str
    address: str
    hours: str
    phones: list[str]
    windows: list[str]
    appointment: HallAppointmentOut | None = Field(default=None, title="预约办理")
    self_service_terminals: list[TerminalEntry] | None = Field(default=None, title="自助终端")
    mail_address: MailAddressOut | None = Field(default=None, title="申请材料邮寄地址")


class HallRef(Out):
    hall: str = Field(description="办理点标识")
    window: str


class LocalMatter(Out):
    code: str
    name: str
    tongban: str
    agency: str
    agency_credit_code: str
    implementation_code: str
    halls: list[HallRef]
    fingerprint: Fingerprint
    url: Link


class UpperRegion(Out):
    region_code: str
    region_name: str
    halls: list[str]
    matter_count: int


class ElsewhereMatter(Out):
    code: str
    name: str
    halls: list[str]
    url: Link


class RegionSliceLinks(Out):
    page: Link
    implementations: Link


class RegionSlice(Out):
    api_version: Literal["v1"]
    generated_at: Instant
    base: Base
    fingerprint: Fingerprint = Field(description="本文件去掉 fingerprint、modified、generated_at 后的规范 JSON 的 SHA-256")
    modified: Modified
    region: RegionInfo
    children: list[str]
    halls: list[RegionHall] = Field(description="本地区自己的办理点")
    matters: list[LocalMatter] = Field(description="在本地区办理点办理的事项（与地区页面“在本地办理的事项”相同）")
    implementation_codes: list[str]
    above: list[UpperRegion] = Field(description="本地群众也可以去的上级地区办理点")
    elsewhere: list[ElsewhereMatter] = Field(description="上级地区不办、但通办范围覆盖本地的事项")
    links: RegionSliceLinks


class DepartmentSlice(Out):
    api_version: Literal["v1"]
    generated_at: Instant
    base: Base
    fingerprint: Fingerprint = Field(description="本文件去掉 fingerprint、modified、generated_at 后的规范 JSON 的 SHA-256")
    modified: Modified
    agency: str
    agency_credit_code: str
    page: Link
    matters: list[str]
    implementations: list[ImplementationEntry]


# ---------------------------------------------------------------- discovery


class Licence(Out):
    name: str
    url: str | None = None


class Publisher(Out):
    name: str
    url: str | None = None


class Contact(Out):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    url: str | None = None


class FileEntry(Out):
    path: Link = Field(description="路径或路径模板（<code> 等为占位符）")
    media_type: str
    schema_: Link | None = Field(default=None, alias="schema")
    description: str


class Index(Out):
    api_version: Literal["v1"]
    generated_at: Instant
    base: Base
    title: str
    site_url: str | None
    publisher: Publisher
    contact: Contact
    licence: Licence
    terms: str | None
    docs: Link
    openapi: Link
    catalogue: Link
    fingerprint: Fingerprint = Field(description="与 catalogue.json 的 fingerprint 相同")
    schemas: dict[str, Link]
    files: list[FileEntry]
