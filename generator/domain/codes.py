"""National codes: the check digits of the 统一社会信用代码 and the 实施编码 recipe.

统一社会信用代码 (GB 32100-2015): 18 characters from the 31 of ``CHARSET`` (no I, O, S, V,
Z): 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6), 主体标识码 (9, the
组织机构代码 of GB 11714 with its own check character last) and the check character. The
check character is ``31 - (Σ value × weight mod 31)`` (31 written as 0) over the first 17.

实施编码 (the code of one matter as implemented by one agency): this project writes it as

    <实施机关统一社会信用代码 18位><行使层级码 1位><基本编码 12位>   (31 characters)

层级码 1 省级, 2 市级, 3 县级, 4 乡级, 5 村级 (the agency's region's level). It depends only on
the agency's credit code, its level and the matter's code, so it is stable across builds. The
national structure of GB/T 39554.1-2020 could not be read here; this recipe follows the same
idea (who implements + at which level + which matter) and is documented as a recipe.
"""

from __future__ import annotations

from generator.model.matter import LEVELS

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 组织机构代码: 8 characters (digits and capital letters) and a check character
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LEVEL_DIGITS = {level: str(i) for i, level in enumerate(LEVELS, start=1)}
IMPLEMENTATION_RECIPE = (
    "实施编码 = 实施机关统一社会信用代码（18位）+ 行使层级码（1位：1 省级，2 市级，3 县级，4 乡级，5 村级）+ 基本编码（12位），共31位。"
    "例：11350926MB3926984A3000117012000。"
)


def credit_check_char(first17: str) -> str:
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(int(ch, 36) * weight for ch, weight in zip(first8, ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, in Chinese; None when it is."""
    if len(code) != 18:
        more = "多" if len(code) > 18 else "少"
        return (
            f"统一社会信用代码应为18位（登记管理部门1位、机构类别1位、行政区划6位、组织机构代码9位、校验码1位），"
            f"这里是{len(code)}位：{code}；{more}了{abs(len(code) - 18)}位，请对照营业执照或登记证书重新抄写"
        )
    bad = [ch for ch in code if ch not in CHARSET]
    if bad:
        return f"统一社会信用代码只用数字和除 I、O、S、V、Z 以外的大写字母，这里有「{''.join(dict.fromkeys(bad))}」"
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码 {code} 的校验码（第18位）应为 {expected}，这里是 {code[17]}；校验码由前17位按 GB 32100 算出，请核对前17位是否抄错"
    org = code[8:17]
    if all(ch.isdigit() or "A" <= ch <= "Z" for ch in org[:8]) and org_check_char(org[:8]) != org[8]:
        return f"统一社会信用代码 {code} 中的组织机构代码（第9-17位）{org} 校验码应为 {org_check_char(org[:8])}，这里是 {org[8]}"
    return None


def implementation_code(credit_code: str, level: str, matter_code: str) -> str:
    return f"{credit_code}{LEVEL_DIGITS[level]}{matter_code}"
