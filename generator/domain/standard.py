"""The published form of one matter's standard, and its fingerprint.

The same document is served as ``api/v1/matters/<code>.json``; its fingerprint is printed on
the page and on every slip, so a printed slip can be traced to the exact standard.
Recompute it anywhere with::

    doc = json.load(open("api/v1/matters/<code>.json")); doc.pop("fingerprint")
    hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False,
                              separators=(",", ":")).encode()).hexdigest()
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from generator.model.matter import Matter

SCHEMA_URL = "../schema/matter.schema.json"


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def matter_document(matter: Matter) -> dict[str, Any]:
    """Every element of the matter file, in the shape of the model (JSON types, no fingerprint)."""
    return matter.model_dump(mode="json")


def fingerprint(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "fingerprint"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def published_document(matter: Matter) -> dict[str, Any]:
    document = matter_document(matter)
    document["fingerprint"] = fingerprint(document)
    return document
