"""The benchmark corpus (bench/corpus.py): deterministic, shaped like the real posts,
and carrying defects ampcheck finds."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import DSTOTD, bench_corpus, invoke


def _tweets(folder: Path) -> list[int]:
    return [p.read_bytes().count(b"<amp-twitter") for p in sorted(folder.glob("*.md"))]


def test_the_corpus_depends_only_on_the_seed(tmp_path: Path) -> None:
    generate = bench_corpus().generate
    a = generate(tmp_path / "a", 20, 7)
    b = generate(tmp_path / "b", 20, 7)
    c = generate(tmp_path / "c", 20, 8)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_posts_are_shaped_like_the_real_ones(tmp_path: Path) -> None:
    bench_corpus().generate(tmp_path, 200, 1)
    made = statistics.median(_tweets(tmp_path / "_posts"))
    assert 15 <= made <= 30
    if DSTOTD.is_dir():
        real = statistics.median(_tweets(DSTOTD))
        assert abs(made - real) <= 5


def test_ampcheck_finds_the_planted_defects(tmp_path: Path) -> None:
    bench_corpus().generate(tmp_path, 200, 1)
    result = invoke("--format", "json", str(tmp_path / "_posts"))
    found = Counter(row["code"] for row in result.json)
    # mojibake, a form feed in a tweet ID, a repeated tweet, a missing placeholder, a
    # skipped heading level; and nothing else
    assert set(found) == {"EN001", "EN004", "TW002", "TW004", "TW006", "HD001"}


BENCH = Path(__file__).resolve().parents[1] / "bench"
#: modules of the ``bench`` extra, which the test environment need not have
BENCH_EXTRA = ("frontmatter", "ftfy")


@pytest.mark.parametrize(
    "script",
    sorted(str(p.relative_to(BENCH)) for p in [*BENCH.glob("*.py"), *BENCH.glob("precision/*.py")]),
)
def test_every_benchmark_starts(script: str) -> None:
    """Each benchmark imports what it uses from ampcheck under today's names."""
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True, timeout=120
    )
    missing = re.search(r"No module named '([\w.]+)'", done.stderr)
    if missing and missing.group(1).split(".")[0] in BENCH_EXTRA:
        pytest.skip(f"{script} needs the bench extra: pip install '.[bench]'")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:")
