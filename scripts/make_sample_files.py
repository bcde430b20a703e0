"""Make the missing 空白表格 / 示例样表 / 结果样本 files a matters directory names.

    python scripts/make_sample_files.py matters/ [site_tests/fixtures/...]

For every file a matter names that is not yet in ``matters/files/<code>/``, writes a small
real file: a Word document (.docx, made with the standard library: it is a zip of XML) or a
PDF (WeasyPrint). The contents are a plain form with the matter's and the material's name;
replace them with the department's own forms when you have them. Existing files are kept.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.domain.downloads import DOWNLOADS_DIR, downloads  # noqa: E402
from generator.load.matters import load_matter_file, matter_paths  # noqa: E402

FIELDS = ("申请人（单位名称或姓名）", "统一社会信用代码／身份证件号码", "住所（地址）", "联系人", "联系电话", "申请事项", "申请内容", "申请人签名（盖章）", "日期")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""


def _para(text: str, bold: bool = False, center: bool = False, size: int = 24) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    rpr = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _cell(text: str, width: int) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{_para(text)}</w:tc>'


def docx_bytes(title: str, subtitle: str, sample: bool) -> bytes:
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    rows = "".join(f"<w:tr>{_cell(name, 3200)}{_cell('（示例）' if sample else '', 5800)}</w:tr>" for name in FIELDS)
    table = f'<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>{border}</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="3200"/><w:gridCol w:w="5800"/></w:tblGrid>{rows}</w:tbl>'
    body = _para(title, bold=True, center=True, size=36) + _para(subtitle, center=True, size=21) + table + _para("本表由申请人如实填写，对内容的真实性负责。", size=21)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr></w:body></w:document>'
    )
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def pdf_bytes(title: str, subtitle: str, sample: bool) -> bytes:
    from weasyprint import HTML

    rows = "".join(f"<tr><th>{escape(name)}</th><td>{'（示例）' if sample else ''}</td></tr>" for name in FIELDS)
    html = f"""<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title><style>
    @page {{ size: A4; margin: 2cm }} body {{ font-family: "Noto Serif CJK SC", serif; font-size: 11pt }}
    h1 {{ text-align: center; font-size: 18pt }} p.sub {{ text-align: center }}
    table {{ width: 100%; border-collapse: collapse }} th, td {{ border: 1px solid #000; padding: 8pt; text-align: left }}
    th {{ width: 35%; font-weight: normal }}</style></head><body><h1>{escape(title)}</h1><p class="sub">{escape(subtitle)}</p>
    <table>{rows}</table><p>本表由申请人如实填写，对内容的真实性负责。</p></body></html>"""
    return HTML(string=html).write_pdf()


def main(dirs: list[str]) -> int:
    for directory in dirs:
        root = Path(directory)
        paths, _ = matter_paths(root)
        for path in paths:
            matter, _, _ = load_matter_file(path, root)
            if matter is None:
                continue
            for item in downloads(matter):
                target = root / DOWNLOADS_DIR / matter.code / item.name
                if target.exists() or item.extension not in ("docx", "pdf"):
                    continue
                title = item.name.rsplit(".", 1)[0]
                subtitle = f"{matter.name}（基本编码 {matter.code}）· {item.kind}"
                make = docx_bytes if item.extension == "docx" else pdf_bytes
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(make(title, subtitle, item.kind != "空白表格"))
                print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["matters"]))
