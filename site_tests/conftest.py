"""Shared fixtures: the sample corpus, a built copy of the demo site, small fixture matters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def make_project(target: Path, matters_from: Path | None = None) -> Path:
    """A copy of the project's site sources (mkdocs.yml, docs/, overrides/) with its own matters/."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
    # without the publication ledger a local `guides build` may have written: tests start from the baseline
    shutil.copytree(matters_from or ROOT / "matters", target / "matters", dirs_exist_ok=True, ignore=shutil.ignore_patterns("ledger.json"))
    return target


def build_project(project: Path, jobs: int = 2) -> Path:
    from generator.publish.build import build_site

    return build_site(project / "mkdocs.yml", jobs=jobs, quiet=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The demo site, built once per test session from the real sample matters."""
    project = make_project(tmp_path_factory.mktemp("demo"))
    return build_project(project)


@pytest.fixture(scope="session")
def sample_corpus():
    from generator.load.corpus import load_corpus

    return load_corpus(ROOT / "matters")
