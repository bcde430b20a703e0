"""Check that every file a matter names exists in ``matters/files/<code>/``."""

from __future__ import annotations

from pathlib import Path

from generator.domain.downloads import DOWNLOADS_DIR, FILE_TYPES, downloads
from generator.load.reader import SourceFile
from generator.model.matter import Matter
from generator.problems import Problem


def download_problems(root: Path, matter: Matter, source: SourceFile) -> list[Problem]:
    problems = []
    folder = Path(root) / DOWNLOADS_DIR / matter.code
    for item in downloads(matter):
        where = f"{DOWNLOADS_DIR}/{matter.code}/{item.name}"
        if item.file_type is None:
            problems.append(source.problem(item.loc, f"{item.kind}“{item.name}”的文件类型 .{item.extension} 不能发布；可用的有：{'、'.join(FILE_TYPES)}"))
        elif not (folder / item.name).is_file():
            problems.append(source.problem(item.loc, f"{item.kind}文件 matters/{where} 不存在；请把文件放到那里，或删去 {item.loc[-1]}"))
        elif (folder / item.name).stat().st_size == 0:
            problems.append(source.problem(item.loc, f"{item.kind}文件 matters/{where} 是空文件"))
    return problems
