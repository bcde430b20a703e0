"""``api/v1/schema/<name>.schema.json``: a JSON Schema (draft 2020-12) for every published JSON
file, generated from the output models (:mod:`generator.outputs.api.models`); the matter's is
generated from the matter model itself (:func:`generator.outputs.api.catalogue.published_schema`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import contract
from generator.model.schema import matter_schema, schema_text
from generator.outputs.api import models

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

# name -> (model, title, what the file is)
SCHEMAS: dict[str, tuple[type, str, str]] = {
    "catalogue": (models.Catalogue, "事项目录", "api/v1/catalogue.json：全部事项的摘要、各地实施清单和一件事主题，及各自的指纹和修改日期。"),
    "implementations": (models.ImplementationsDocument, "各地实施清单", "api/v1/implementations.json：每个“事项 × 实施机关”一条。"),
    "changes": (models.ChangesDocument, "变更记录", "api/v1/changes.json 和 api/v1/changes/since/<date>.json：全部变更，新的在前。"),
    "theme": (models.ThemeDocument, "一件事主题", "api/v1/themes/<id>.json：发布的一件事主题（由主题文件和成员事项计算得出）。"),
    "region": (models.RegionSlice, "地区切片", "api/v1/regions/<division-code>.json：一个地区可以办理的事项、办理点和实施编码。"),
    "department": (models.DepartmentSlice, "部门切片", "api/v1/departments/<credit-code>.json：一个实施机关的事项和实施清单。"),
    "index": (models.Index, "开放数据接口发现文档", "api/v1/index.json：版本、模式、OpenAPI 文件、发布者、联系方式和许可。"),
}
GENERATED = "由 generator/outputs/api/models.py 生成，请勿手改。"


def schema(name: str) -> dict[str, Any]:
    if name == "matter":
        from generator.outputs.api.catalogue import published_schema  # noqa: PLC0415

        return published_schema()
    model, title, description = SCHEMAS[name]
    return matter_schema(model, title, f"{description}{GENERATED}")


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    # the matter schema is published by the catalogue module, next to the matter files
    return [(contract.schema_path(name), schema_text(schema(name))) for name in SCHEMAS]
