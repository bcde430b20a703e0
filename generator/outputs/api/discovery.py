"""``api/v1/index.json``: the discovery document. It names the API version, every file (with
its media type and schema), the OpenAPI file, the publisher, the contact and the licence;
the last three are configured in ``mkdocs.yml`` (the ``guides`` plugin's ``publisher``,
``contact``, ``licence`` and ``terms``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.outputs.api import models

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_LICENCE = {"name": "未声明许可；使用前请与发布者联系"}


def files() -> list[dict[str, Any]]:
    """Every file under api/v1/, as path templates."""
    s = contract.schema_path
    rows = [
        (contract.INDEX, JSON, s("index"), "发现文档：版本、文件、模式、发布者、联系方式和许可"),
        (contract.OPENAPI, JSON, None, "OpenAPI 3.1 接口描述"),
        (contract.CATALOGUE, JSON, s("catalogue"), "事项目录：全部事项、各地实施清单、一件事主题及其指纹"),
        (contract.matter_json("<code>"), JSON, s("matter"), "一个事项的完整标准"),
        (contract.IMPLEMENTATIONS, JSON, s("implementations"), "各地实施清单"),
        (contract.CHANGES, JSON, s("changes"), "全部变更记录，新的在前"),
        (contract.changes_since("<date>"), JSON, s("changes"), "某日（含）以后的变更，供增量同步"),
        (contract.CHANGES_ATOM, "application/atom+xml", None, "变更记录的 Atom 订阅源"),
        (contract.theme_json("<id>"), JSON, s("theme"), "一个一件事主题"),
        (contract.region_json("<division-code>"), JSON, s("region"), "一个地区的切片：可以办理的事项、办理点和实施编码"),
        (contract.department_json("<credit-code>"), JSON, s("department"), "一个实施机关的切片：事项和实施清单"),
        (contract.cpsv_jsonld("<code>"), "application/ld+json", None, "一个事项的 CPSV-AP 3.2.0 关联数据"),
        (contract.CPSV_CONCEPTS, "application/ld+json", None, "关联数据用到的本站代码表"),
    ]
    for name in contract.SCHEMA_NAMES:
        rows.append((s(name), "application/schema+json", None, f"{name} 的 JSON Schema（draft 2020-12）"))
    rows.append((contract.THEME_SOURCE_SCHEMA, "application/schema+json", None, "一件事主题源文件（YAML）的 JSON Schema"))
    for name, label in (("catalogue", "事项目录"), ("implementations", "各地实施清单"), ("materials", "全部申请材料")):
        rows.append((contract.sheet_csv(name), "text/csv; charset=utf-8", None, f"{label}（CSV，UTF-8 带 BOM，中文表头）"))
        rows.append((contract.sheet_xlsx(name), XLSX, None, f"{label}（Excel 工作簿）"))
    return [{"path": p, "media_type": m, "schema": sc, "description": d} for p, m, sc, d in rows]


def metadata(ctx: "BuildContext") -> dict[str, Any]:
    config = ctx.config
    site_name = (ctx.mkdocs_config.get("site_name") if ctx.mkdocs_config else None) or "政务服务办事指南"
    publisher = dict(getattr(config, "publisher", None) or {"name": site_name})
    return {
        "title": site_name,
        "site_url": ctx.site_url or None,
        "publisher": models.Publisher(**publisher).model_dump(),
        "contact": models.Contact(**(getattr(config, "contact", None) or {})).model_dump(),
        "licence": models.Licence(**(getattr(config, "licence", None) or DEFAULT_LICENCE)).model_dump(),
        "terms": getattr(config, "terms", None),
    }


def index(ctx: "BuildContext") -> dict[str, Any]:
    from generator.outputs.api import catalogue  # noqa: PLC0415

    meta = metadata(ctx)
    history = ctx.history
    whole = catalogue.catalogue(ctx.corpus, history)
    return {
        "api_version": "v1",
        "generated_at": whole["generated_at"],
        "base": contract.base_from(contract.INDEX),
        **meta,
        "docs": contract.API_DOCS,
        "openapi": contract.OPENAPI,
        "catalogue": contract.CATALOGUE,
        "fingerprint": whole["fingerprint"],
        "schemas": {name: contract.schema_path(name) for name in contract.SCHEMA_NAMES} | {"theme-source": contract.THEME_SOURCE_SCHEMA},
        "files": files(),
    }


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    return [(contract.INDEX, json.dumps(index(ctx), ensure_ascii=False, indent=2) + "\n")]
