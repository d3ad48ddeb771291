"""The built wheel carries the rule book, so --explain works from a plain install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, RULE_BOOK


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("ampcheck-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_rule_book_and_typing_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for doc in RULE_BOOK.glob("*.md"):
        assert f"ampcheck/rulebook/{doc.name}" in names
    assert "ampcheck/py.typed" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ampcheck = ampcheck.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_explain_from_the_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [sys.executable, "-c", "import ampcheck, sys; print(ampcheck.__file__)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.startswith(str(tmp_path / "site"))  # the wheel's copy, not the checkout
    explained = subprocess.run(
        [sys.executable, "-m", "ampcheck", "--explain", "FM003"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout == (RULE_BOOK / "FM003.md").read_text(encoding="utf-8")
