"""The Jinja environment every page and slip fragment is rendered with, and page front matter.

Pages are Markdown whose section headings are Markdown (so MkDocs builds the table of
contents and the search sections) and whose bodies are HTML rendered by Jinja with
autoescaping, so any text from YAML lands as text, never as markup.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from generator.domain import chinese

TEMPLATES = Path(__file__).parents[1] / "templates"


def make_environment(folder: Path, **options: Any) -> jinja2.Environment:
    """A Jinja environment for a template folder: autoescaped, strict about undefined
    names, with the Chinese filters every page and slip uses. Pages and slips differ only
    in ``options`` (pages keep trailing newlines and use {#- -#} comments)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        **options,
    )
    env.filters["cn_date"] = chinese.cn_date
    env.filters["working_days"] = chinese.working_days
    env.filters["yuan"] = chinese.yuan
    env.filters["visits"] = chinese.visits_text
    env.filters["matter_visits"] = lambda m: chinese.visits_text(m.visits, m.online_depth, m.levels)
    env.filters["step_time"] = lambda s: chinese.step_time(s.days, s.calendar_days)
    env.filters["fee"] = lambda f: chinese.fee_amount(f.amount, f.amount_max, f.unit)
    env.filters["procedure_days"] = lambda p: chinese.procedure_days(p.days, p.calendar, p.counted)
    env.filters["oneline"] = lambda text: " ".join(str(text).split())
    return env


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # Markdown heading ids are written {#id}; Jinja comments need a delimiter that cannot clash
    return make_environment(TEMPLATES, keep_trailing_newline=True, comment_start_string="{#-", comment_end_string="-#}")


def front_matter(title: str, description: str = "", **extra: Any) -> str:
    """YAML front matter; title and description are pre-escaped because themes print them raw."""
    meta = {"title": html.escape(title, quote=True)}
    if description:
        meta["description"] = html.escape(" ".join(description.split()), quote=True)
    meta.update(extra)
    # JSON is valid YAML and quotes every string safely
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"
