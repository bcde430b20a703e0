"""``api/v1/openapi.json``: an OpenAPI 3.1 description of the static API.

Every file under ``api/v1/`` is a GET of a plain file. The response schemas are ``$ref``s to
the published JSON Schemas (``schema/<name>.schema.json``), resolved by RFC 3986 against the
OpenAPI file itself, so the description and the schemas can never disagree. The server is
the site root: the configured ``site_url`` and, relative to this file, ``../..``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.outputs.api import discovery

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

OPENAPI_VERSION = "3.1.0"


def _param(name: str, pattern: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string", "pattern": pattern}}


PARAMS = {
    "code": _param("code", r"^[0-9A-Z]{12}$", "事项的12位基本编码"),
    "id": _param("id", r"^[a-z][a-z0-9-]*$", "一件事主题标识"),
    "division_code": _param("division_code", r"^[0-9]{12}$", "12位统计用区划代码"),
    "credit_code": _param("credit_code", r"^[0-9A-HJ-NP-RTUW-Y]{18}$", "实施机关的统一社会信用代码"),
    "date": _param("date", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "有变更的日期（YYYY-MM-DD），取上次同步时 changes.json 的 updated"),
}


def _operation(entry: dict[str, Any]) -> dict[str, Any]:
    path = entry["path"]
    names = [n for n in PARAMS if f"<{n.replace('_', '-')}>" in path or f"<{n}>" in path]
    media = entry["media_type"]
    content: dict[str, Any] = {}
    if entry.get("schema"):
        content[media] = {"schema": {"$ref": entry["schema"].removeprefix(contract.API + "/")}}
    elif media.startswith(("application/json", "application/ld+json")):
        content[media] = {"schema": {"type": "object"}}
    else:
        content[media] = {"schema": {"type": "string", "contentMediaType": media}}
    operation: dict[str, Any] = {
        "operationId": "get_" + "".join(c if c.isalnum() else "_" for c in path.removeprefix(contract.API + "/")).strip("_"),
        "summary": entry["description"],
        "responses": {"200": {"description": entry["description"], "content": content}, "404": {"description": "没有这个文件"}},
    }
    if names:
        operation["parameters"] = [PARAMS[n] for n in names]
    return operation


def openapi_path(path: str) -> str:
    out = "/" + path
    for name in PARAMS:
        out = out.replace(f"<{name.replace('_', '-')}>", "{" + name + "}").replace(f"<{name}>", "{" + name + "}")
    return out


def document(ctx: "BuildContext") -> dict[str, Any]:
    meta = discovery.metadata(ctx)
    info: dict[str, Any] = {
        "title": f"{meta['title']}开放数据接口",
        "version": "v1",
        "summary": "静态文件组成的只读数据接口：事项目录、事项标准、各地实施清单、一件事主题、变更记录、切片和电子表格。",
        "description": f"全部为 GET 静态文件，不需要账号和密钥。说明见 {contract.API_DOCS}。",
        "license": {"name": meta["licence"]["name"], **({"url": meta["licence"]["url"]} if meta["licence"].get("url") else {})},
    }
    contact = {k: v for k, v in meta["contact"].items() if k in ("name", "email", "url") and v}
    if contact:
        info["contact"] = contact
    servers = [{"url": "../..", "description": "网站根目录（相对于本文件）"}]
    if meta["site_url"]:
        servers.insert(0, {"url": meta["site_url"].rstrip("/"), "description": "本站"})
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": info,
        "servers": servers,
        "paths": {openapi_path(entry["path"]): {"get": _operation(entry)} for entry in discovery.files()},
    }


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    return [(contract.OPENAPI, json.dumps(document(ctx), ensure_ascii=False, indent=2) + "\n")]
