"""Real corpora (../shared/corpora): every post lints and fixes without an internal
error, and its fixed text re-lints without anything left to fix.

The posts are the dstotd blog's (with its _config.yml) and the seed post; the ftfy
test cases (real mojibake found in the wild, and text that only looks like it) become
the bodies of posts. Each is checked with the fuzzing properties
(tests/strategies.py: diagnostics inside the file, only the reported spans change, a
second fix changes nothing), with safe fixes and with unsafe ones, and the whole
corpus once more through the command line, as a user runs it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, SHARED, invoke
from tests.strategies import all_rules, check_post

CORPORA = SHARED / "corpora"
POST_SUFFIXES = (".md", ".markdown", ".html")
RULES = all_rules()


def _posts() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    return sorted(p for p in CORPORA.rglob("*") if p.is_file() and p.suffix in POST_SUFFIXES)


def _ftfy_cases() -> list[tuple[str, str]]:
    cases = []
    for path in sorted(CORPORA.glob("ftfy-test-cases/*.json")) if CORPORA.is_dir() else []:
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            cases.append((f"{path.stem}-{i}", case["original"]))
    return cases


POSTS = _posts()
CASES = _ftfy_cases()
pytestmark = pytest.mark.skipif(not POSTS, reason=f"{CORPORA} is not present")


def _name(path: Path) -> str:
    """The post's path as shown, from the folder holding _posts."""
    parts = path.parts
    return "/".join(parts[parts.index("_posts") :]) if "_posts" in parts else path.name


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", POSTS, ids=[p.name for p in POSTS])
def test_every_corpus_post_lints_and_fixes_safely(path: Path, unsafe: bool) -> None:
    check_post(path.read_bytes(), _name(path), RULES, unsafe)


@pytest.mark.skipif(not SEED.is_file(), reason=f"{SEED} is not present")
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_seed_post_lints_and_fixes_safely(unsafe: bool) -> None:
    checked = check_post(SEED.read_bytes(), "_posts/2018-07-02-day-44.md", RULES, unsafe)
    assert "EN001" in checked.codes and checked.fixed  # its mojibake is found and repaired


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize(("label", "original"), CASES, ids=[c[0] for c in CASES])
def test_every_ftfy_case_in_a_post_lints_and_fixes_safely(
    label: str, original: str, unsafe: bool
) -> None:
    for text in (
        f"---\ntitle: {json.dumps(original, ensure_ascii=False)}\nlayout: post\n---\n\n"
        f"{original}\n\n## {original}\n",
        f"---\ntitle: Case\n---\n<amp-twitter width=1 height=1 layout=responsive "
        f'data-tweetid="1013761897622065152"><blockquote placeholder><p>{original}</p>'
        "</blockquote></amp-twitter>\n",
    ):
        check_post(text.encode("utf-8"), "_posts/2018-07-02-case.md", RULES, unsafe)


def test_whole_corpus_through_the_command_line(tmp_path: Path) -> None:
    """--fix over a copy of every corpus post, then a second run finds nothing to fix."""
    for path in POSTS:
        target = tmp_path / _name(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)  # the corpus is read-only
    config = CORPORA / "dstotd" / "_config.yml"
    if config.is_file():
        shutil.copyfile(config, tmp_path / "_config.yml")
    for args in ([], ["--unsafe-fixes"]):
        fixed = invoke("--no-cache", "--fix", *args, "--format", "json", str(tmp_path))
        assert fixed.code in (0, 1), fixed.err
        assert "internal error" not in fixed.err and fixed.err == ""
        again = invoke("--no-cache", *args, "--format", "json", str(tmp_path))
        assert again.code in (0, 1) and again.err == ""
        fixable = [
            d
            for d in again.json
            if d["fix"] is not None and (args or d["fix"]["applicability"] == "safe")  # type: ignore[index]
        ]
        assert fixable == []
        assert again.json == fixed.json  # what --fix said is left is what is left
