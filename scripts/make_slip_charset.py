"""Write generator/outputs/slips/data/slip-charset.txt: the characters the build's slip fonts contain.

The slips embed a font made once per build from the system Noto CJK fonts (see
generator/outputs/slips/fonts.py). Its character set is fixed and committed, not taken from the
corpus, so adding a matter never changes the font and never re-renders the other slips.
Characters are ordered by frequency (from jieba's word list, weighted by word frequency):
a slip mostly uses common characters, so the glyph ids it uses stay low and the per-PDF
subset stays small. A character outside this set still prints: the CSS falls back to the
full system font for it (at the cost of a bigger PDF for that slip).

    .venv/bin/python scripts/make_slip_charset.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import jieba

COUNT = 8000
# Always present whatever their frequency: ASCII, CJK and full-width punctuation, marks the
# templates and legal texts use.
FIXED = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～￥％＋－×÷＝＜＞／＼＿｜＃＆＊＠"
    + "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    + "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
    + "○〇□■△▲◇◆①②③④⑤⑥⑦⑧⑨⑩№℃°±√∶"
)


def main() -> None:
    counts: Counter[str] = Counter()
    dictionary = Path(jieba.__file__).with_name("dict.txt")
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        for char in word:
            if "\u4e00" <= char <= "\u9fff":
                counts[char] += int(freq)
    ordered = list(dict.fromkeys(FIXED))
    seen = set(ordered)
    # Characters of the committed sample matters first, most frequent first: guide text
    # (department and place names such as 莆田, legal terms) differs from jieba's general
    # text, and one rare-in-general but common-here character pushed every slip's highest
    # glyph id into the thousands. Read when this script runs, not at build time, so a new
    # matter still never changes the font.
    domain: Counter[str] = Counter()
    for path in sorted((Path(__file__).resolve().parents[1] / "matters").rglob("*.yml")):
        domain.update(c for c in path.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff")
    for char, _ in sorted(domain.items(), key=lambda item: (-item[1], item[0])):
        if char not in seen:
            ordered.append(char)
            seen.add(char)
    for char, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(ordered) >= COUNT + len(FIXED):
            break
        if char not in seen:
            ordered.append(char)
            seen.add(char)
    out = Path(__file__).resolve().parents[1] / "generator" / "outputs" / "slips" / "data" / "slip-charset.txt"
    text = "".join(ordered)
    # 80 characters a line keeps diffs of the file readable
    out.write_text("\n".join(text[i : i + 80] for i in range(0, len(text), 80)) + "\n", encoding="utf-8")
    print(f"{out}: {len(ordered)} characters")


if __name__ == "__main__":
    main()
