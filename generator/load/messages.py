"""Schema errors in words staff can act on: what was expected, what was found, how to fix it.

One function, :func:`explain`, turns every pydantic error the models can produce into Chinese,
built from the field's ``title`` in the model (the same title the editor schema shows). It
never prints a regular expression or pydantic's English: a pattern is said in words with an
example (:data:`PATTERN_WORDS`), and an error type it does not know still gets a Chinese
sentence. YAML files (``guides check``) and spreadsheets (``guides import``, where the column
header already names the field: ``titled=False``) get the same words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from generator.domain.codes import credit_code_problem

if TYPE_CHECKING:
    from generator.load.reader import SourceFile

ID_PATTERN = r"^[a-z][a-z0-9-]*$"
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"

# Every pattern of the input models, in words with an example. test_messages checks that each
# pattern written in generator/model has an entry here, so none is ever shown as a regex.
PATTERN_WORDS = {
    ID_PATTERN: "只能用小写字母、数字和连字符，以字母开头，例如 business-license",
    r"^[0-9A-Z]{12}$": "应为12位，只用数字和大写字母，例如 000117012000",
    r"^[0-9A-Z]{12}[0-9]{2,12}$": "应为事项的12位基本编码后接2至12位数字，例如 00011701200001",
    r"^[0-9]+\.[0-9]+(\.[0-9]+)?$": "应写作 主版本.次版本，例如 2.3 或 2.3.1",
    r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$": "应写作 情形标识.选项标识，例如 applicant.company",
    r"^[0-9]{12}$": "应为12位数字（省2位、市2位、县2位、乡镇3位、村3位，不足的位补0），例如 350926100000",
    r"^https://[^\s]+$": "应为 https:// 开头、不含空格的网址，例如 https://zwfw.fujian.gov.cn/",
    r"^[0-9（）()\-－ 转]{3,32}$": "应为电话号码，只用数字、连字符、括号、空格和“转”，3至32个字符，例如 0594-2686123",
    r"^[^/\\\s][^/\\]*\.[A-Za-z0-9]{2,5}$": "应为文件名，带扩展名、不带目录，例如 申请表.pdf",
    CREDIT_CODE_PATTERN: "应为18位统一社会信用代码，只用数字和除 I、O、S、V、Z 以外的大写字母",
    r"^(第[一二三四五六七八九十百千零〇]+条(第[一二三四五六七八九十]+款)?(第[（(][一二三四五六七八九十]+[）)]项)?|全文)$": "应写作 第X条、第X条第X款、第X条第X款第（X）项 或 全文，例如 第二十九条第一款",
    r"^[0-9a-f]{64}$": "应为64位小写十六进制摘要",
    r"^[0-9]{6}$": "应为6位数字，例如 355300",
}


def _shown(value: Any) -> str:
    text = "空" if value is None else str(value)
    return f"「{text if len(text) <= 40 else text[:39] + '…'}」"


def _walk(model: type[BaseModel], loc: tuple) -> tuple[Any, Any]:
    """(field info at ``loc``, model that holds it); (None, None) where the path leaves the models."""
    current: Any = model
    field = holder = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None) or {}
        field = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if field is None:
            return None, None
        holder = current
        current = inner_model(field.annotation)
    return field, holder


def inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> dict[str, str]:
    """Field names allowed beside ``loc`` with their titles, for 'unknown key' hints."""
    parent = model
    if loc[:-1]:
        field, _ = _walk(model, loc[:-1])
        parent = inner_model(field.annotation) if field is not None else None
    fields = getattr(parent, "model_fields", {}) or {}
    return {(f.alias or name): (f.title or "") for name, f in fields.items()}


def _title(model: type[BaseModel], loc: tuple) -> str:
    field, _ = _walk(model, loc)
    return (field.title or "") if field is not None else ""


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        return isinstance(value, str) and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def raw_text(source: SourceFile | None, loc: tuple) -> str | None:
    """The value at ``loc`` as written in the file (before YAML read it), for 'put it in quotes'."""
    if source is None or not source.text or tuple(loc) not in source.positions:
        return None
    line, col = source.positions[tuple(loc)]
    lines = source.text.splitlines()
    if line > len(lines):
        return None
    token = lines[line - 1][col - 1 :].split(" #")[0].strip()
    key = _key(loc)
    if key and token.startswith(f"{key}:"):  # the position is the key's: the value follows it
        token = token[len(key) + 1 :].strip()
    elif token.startswith("- "):
        token = token[2:].strip()
    if loc and isinstance(loc[-1], int):  # an item of a flow list: [000112001000, 000109002000]
        token = re.split(r"[,\]]", token)[0].strip()
    return token if token and not token.startswith(("[", "{", "-")) and ": " not in token else None


def _key(loc: tuple) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else ""


def _text_expected(error: dict, loc: tuple, title: str, raw: str | None) -> str:
    got = error.get("input")
    key = _key(loc)
    if raw and loc and isinstance(loc[-1], int):  # an item of a list
        fix = f"写作 \"{raw}\""
    else:
        fix = f"写作 {key}: \"{raw}\"" if raw and key else "例如 code: \"000117012000\""
    if isinstance(got, bool):
        return f"{title}应为文字，但 YAML 把它读成了是非值 {str(got).lower()}；请加引号，{fix}"
    if isinstance(got, (int, float)):
        octal = "（以 0 开头的一串数字被当作八进制数）" if raw and re.fullmatch(r"0[0-7]+", raw) else ""
        return f"{title}应为文字，但 YAML 把它读成了数字 {got}{octal}；请加引号，{fix}"
    if isinstance(got, (dt.date, dt.datetime)):
        return f"{title}应为文字，但 YAML 把它读成了日期 {got}；请加引号，{fix}"
    if got is None:
        return f"{title}不能为空"
    kind = "列表" if isinstance(got, list) else "若干“字段: 值”" if isinstance(got, dict) else "其他类型"
    return f"{title}应为一段文字，实际是{kind}{_shown(got)}"


def explain(error: dict, model: type[BaseModel], source: SourceFile | None = None, *, titled: bool = True) -> str:
    """One pydantic error as a Chinese sentence: expected, found, how to fix.

    ``titled``: begin with the field's title (YAML files, where the path is the key); a
    spreadsheet names the field in its column header already. ``source`` gives the value as
    written, so an unquoted code can be shown quoted.
    """
    kind = error["type"]
    loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    got = _shown(error.get("input"))
    title = _title(model, loc) if titled else ""
    if kind == "missing":
        if not titled:
            return "必填，不能为空"
        return f"缺少必填项「{title or _key(loc)}」；请写上 {_key(loc)}:"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        key = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.55)
        guess = f"，是不是 {close[0]}（{allowed[close[0]]}）？" if close and allowed[close[0]] else f"，是不是 {close[0]}？" if close else ""
        names = "、".join(allowed)
        return f"没有「{key}」这个字段{guess or '；'}" + (f"这里可用的字段：{names}" if names else "这里不能再写字段")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        field, _ = _walk(model, loc)
        positive = field is not None and any(getattr(m, "gt", None) == 0 for m in field.metadata)
        return f"{title}应为{'正' if positive else ''}整数，实际为{got}；请只写阿拉伯数字，如 {2 if positive else 5}"
    if kind in ("float_parsing", "float_type"):
        return f"{title}应为数字，实际为{got}；请只写阿拉伯数字，如 50 或 12.5"
    if kind == "finite_number":
        return f"{title}应为有限的数，实际为{got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = _number(next(iter(ctx.values()), None))
        if _is_date(limit):
            words = {"greater_than": "应晚于", "greater_than_equal": "应不早于", "less_than": "应早于", "less_than_equal": "应不晚于"}
            return f"{title}{words[kind]} {limit}，实际为{got}"
        if kind == "greater_than" and limit == 0:
            return f"{title}应为正整数（至少为 1），实际为{got}"
        words = {"greater_than": "应大于", "greater_than_equal": "不能小于", "less_than": "应小于", "less_than_equal": "不能大于"}
        return f"{title}{words[kind]} {limit}，实际为{got}"
    if kind == "too_long":
        return f"{title}最多 {ctx.get('max_length')} 项，实际 {ctx.get('actual_length')} 项；请删去多余的项"
    if kind == "too_short":
        return f"{title}至少要写 {ctx.get('min_length')} 项，实际 {ctx.get('actual_length', 0)} 项"
    if kind == "string_too_long":
        return f"{title}最多 {ctx.get('max_length')} 个字符，实际 {len(str(error.get('input')))} 个"
    if kind == "string_too_short":
        return f"{title}不能为空"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{title}应为以下之一：{'、'.join(choices)}；实际为{got}"
    if kind == "string_type":
        return _text_expected(error, loc, title, raw_text(source, loc))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        value = error.get("input")
        if pattern == CREDIT_CODE_PATTERN and isinstance(value, str):
            return credit_code_problem(value) or PATTERN_WORDS[pattern]
        return f"{title}{PATTERN_WORDS.get(pattern, '的格式不对')}；实际为{got}"
    if kind == "list_type":
        return f"{title}应为列表（每项一行，以“- ”开头），实际为{got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{title}应为若干“字段: 值”（每个一行，缩进对齐），实际为{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{title}应为 true（是）或 false（否），实际为{got}"
    if kind == "date_from_datetime_inexact":
        return f"{title}应为日期，不带时刻，写作 YYYY-MM-DD（如 2026-01-01），实际为{got}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "holiday_date"):
        return f"{title}应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为{got}"
    if kind == "holiday_year":
        return f"应为年份，如 2026，实际为{got}"
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in ("set_type", "tuple_type", "frozen_set_type"):
        return f"{title}应为列表（每项一行，以“- ”开头），实际为{got}"
    return f"{title}的值不符合要求，实际为{got}"
