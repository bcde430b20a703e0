"""The downloadable files of a matter: 空白表格 and 示例样表 of its materials, and the 结果样本.

A file named in a matter lives beside the matter files, in ``matters/files/<code>/<name>``;
``guides check`` reports a missing one at the field that names it, and the build publishes it
as ``matters/<code>/files/<name>`` (:func:`generator.contract.download_path`)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.matter import Matter

DOWNLOADS_DIR = "files"

# the file types a guide may offer, by extension, as the public names them
FILE_TYPES = {
    "pdf": "PDF",
    "ofd": "OFD",
    "doc": "Word",
    "docx": "Word",
    "wps": "WPS",
    "xls": "Excel",
    "xlsx": "Excel",
    "et": "WPS表格",
    "jpg": "图片",
    "jpeg": "图片",
    "png": "图片",
    "zip": "压缩包",
}


@dataclass(frozen=True)
class Download:
    loc: tuple  # the field that names the file, for positioned problems
    kind: str  # 空白表格, 示例样表, 结果样本
    name: str  # file name in matters/files/<code>/
    subject: str  # the material or result it belongs to

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower()

    @property
    def file_type(self) -> str | None:
        return FILE_TYPES.get(self.extension)


def downloads(matter: Matter) -> list[Download]:
    """Every file the matter names, in page order (materials, then the result)."""
    found = []
    for i, material in enumerate(matter.materials):
        if material.blank_form:
            found.append(Download(("materials", i, "blank_form"), "空白表格", material.blank_form, material.name))
        if material.sample:
            found.append(Download(("materials", i, "sample"), "示例样表", material.sample, material.name))
    if matter.result.sample:
        found.append(Download(("result", "sample"), "结果样本", matter.result.sample, matter.result.name))
    return found


def size_label(size: int) -> str:
    """Bytes as the page shows them: KB with one decimal under 10 KB, whole KB above; MB from 1 MB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    kb = size / 1024
    return f"{kb:.1f} KB" if kb < 10 else f"{round(kb)} KB"
