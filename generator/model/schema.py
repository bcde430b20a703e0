"""JSON Schema generated from the pydantic model: for editors and for integrators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from generator.model.holidays import HolidayFile
from generator.model.laws import LawRegister
from generator.model.matter import Matter
from generator.model.region import RegionDirectory
from generator.model.theme import Theme

DRAFT = "https://json-schema.org/draft/2020-12/schema"
EDITOR_SCHEMA = Path("schema/matter.schema.json")
REGIONS_SCHEMA = Path("schema/regions.schema.json")
THEME_SCHEMA = Path("schema/theme.schema.json")
HOLIDAYS_SCHEMA = Path("schema/holidays.schema.json")
LAWS_SCHEMA = Path("schema/laws.schema.json")
REGIONS_DESCRIPTION = "地区目录：行政区划树及各地政务服务办理点（大厅、窗口、地址、电话、办公时间）。只写在哪里办，不写怎么办。由 generator/model/region.py 生成，请勿手改。"


class _Draft202012(GenerateJsonSchema):
    def generate(self, schema, mode="validation"):
        result = super().generate(schema, mode=mode)
        result["$schema"] = DRAFT
        return result


def matter_schema(
    model: type = Matter,
    title: str = "政务服务事项标准",
    description: str = "一个政务服务事项的实施清单标准：一个 YAML 文件，一个事项。由 generator/model 生成，请勿手改。",
) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=_Draft202012, mode="validation")
    schema["title"] = title
    schema["description"] = description
    return schema


def regions_schema() -> dict[str, Any]:
    return matter_schema(RegionDirectory, "地区目录", REGIONS_DESCRIPTION)


def theme_schema() -> dict[str, Any]:
    return matter_schema(
        Theme,
        "一件事主题（一事联办）",
        "一件事主题：成员事项、前置关系、一窗受理和承诺。合并材料、联办流程图和减材料减时限等成效由成员事项计算得出。由 generator/model/theme.py 生成，请勿手改。",
    )


def holidays_schema() -> dict[str, Any]:
    return matter_schema(
        HolidayFile,
        "法定节假日和调休上班日",
        "各年国务院办公厅节假日安排通知：放假日期和调休上班的周六、周日，用于按工作日计算期限。由 generator/model/holidays.py 生成，请勿手改。",
    )


def laws_schema() -> dict[str, Any]:
    return matter_schema(
        LawRegister,
        "法规库",
        "法规库：每部法律、法规、规章或规范性文件写一次（名称、制定机关、各版本文号和日期、状态、被引用条款的条文）；事项的设定依据用 law: 标识引用。由 generator/model/laws.py 生成，请勿手改。",
    )


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_editor_schema(root: Path = Path("."), path: Path = EDITOR_SCHEMA, schema: dict[str, Any] | None = None) -> Path:
    """The schema VS Code reads through each matter's ``yaml-language-server`` line."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    text = schema_text(schema if schema is not None else matter_schema())
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_editor_schema())
    print(write_editor_schema(path=REGIONS_SCHEMA, schema=regions_schema()))
    print(write_editor_schema(path=THEME_SCHEMA, schema=theme_schema()))
    print(write_editor_schema(path=HOLIDAYS_SCHEMA, schema=holidays_schema()))
    print(write_editor_schema(path=LAWS_SCHEMA, schema=laws_schema()))
