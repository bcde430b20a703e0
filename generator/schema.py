"""JSON Schema generated from the pydantic model: for editors and for integrators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from generator.model.matter import Matter

DRAFT = "https://json-schema.org/draft/2020-12/schema"
EDITOR_SCHEMA = Path("schema/matter.schema.json")


class _Draft202012(GenerateJsonSchema):
    def generate(self, schema, mode="validation"):
        result = super().generate(schema, mode=mode)
        result["$schema"] = DRAFT
        return result


def matter_schema(model: type = Matter, title: str = "政务服务事项标准") -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=_Draft202012, mode="validation")
    schema["title"] = title
    schema["description"] = "一个政务服务事项的实施清单标准：一个 YAML 文件，一个事项。由 generator/model 生成，请勿手改。"
    return schema


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_editor_schema(root: Path = Path(".")) -> Path:
    """The schema VS Code reads through each matter's ``yaml-language-server`` line."""
    target = root / EDITOR_SCHEMA
    target.parent.mkdir(parents=True, exist_ok=True)
    text = schema_text(matter_schema())
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_editor_schema())
    from generator.themes import write_theme_schema

    print(write_theme_schema())
