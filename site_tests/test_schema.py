"""The JSON Schema is generated from the model, committed, and used by editors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from generator.model.schema import (
    EDITOR_SCHEMA,
    HOLIDAYS_SCHEMA,
    holidays_schema,
    matter_schema,
    schema_text,
)

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_is_generated_from_the_model():
    committed = (ROOT / EDITOR_SCHEMA).read_text(encoding="utf-8")
    assert committed == schema_text(matter_schema()), "run: .venv/bin/python -m generator.model.schema"


def test_every_field_has_a_chinese_title():
    schema = matter_schema()
    missing = []
    for name, definition in [("Matter", schema)] + list(schema["$defs"].items()):
        for field, spec in definition.get("properties", {}).items():
            title = spec.get("title", "")
            if not any("\u4e00" <= ch <= "\u9fff" for ch in title):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_every_sample_matter_names_the_schema_and_validates_against_it():
    schema = json.loads((ROOT / EDITOR_SCHEMA).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    files = sorted((ROOT / "matters").glob("[0-9A-Z]" * 12 + ".yml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schema/matter.schema.json\n"), path.name
        data = json.loads(json.dumps(yaml.safe_load(text), default=str))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], (path.name, errors)


def test_schema_rejects_what_the_model_rejects():
    schema = matter_schema()
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"code": "x"})


# ------------------------------------------------------------------ holidays.yml


def test_committed_holidays_schema_is_generated_from_the_model():
    committed = (ROOT / HOLIDAYS_SCHEMA).read_text(encoding="utf-8")
    assert committed == schema_text(holidays_schema()), "run: .venv/bin/python -m generator.model.schema"


def test_every_holidays_field_has_a_chinese_title_and_description():
    schema = holidays_schema()
    missing = []
    for name, definition in [("HolidayFile", schema)] + list(schema["$defs"].items()):
        for field, spec in definition.get("properties", {}).items():
            if not all(any("\u4e00" <= ch <= "\u9fff" for ch in spec.get(key, "")) for key in ("title", "description")):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_holidays_file_names_its_schema_and_validates_against_it():
    text = (ROOT / "matters" / "holidays.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/holidays.schema.json\n")
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / HOLIDAYS_SCHEMA).read_text(encoding="utf-8")), format_checker=jsonschema.FormatChecker())
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    assert [e.message for e in validator.iter_errors(data)] == []


def test_holidays_schema_rejects_what_the_model_rejects():
    validator = jsonschema.Draft202012Validator(holidays_schema())
    notice = {"source": "通知", "holidays": [{"name": "国庆节", "from": "2026-10-01", "to": "2026-10-07"}], "workdays": ["2026-10-10"]}
    assert validator.is_valid({"years": {"2026": notice}})
    assert not validator.is_valid({"years": {"26": notice}})
    assert not validator.is_valid({"years": {"2026": {**notice, "workday": []}}})
    assert not validator.is_valid({"years": {"2026": {**notice, "holidays": []}}})
    assert not validator.is_valid({"years": {"2026": {**notice, "holidays": [{"name": "国庆节", "from": "2026-10-01", "until": "2026-10-07"}]}}})
    assert not validator.is_valid({"years": {}, "notes": "无"})
