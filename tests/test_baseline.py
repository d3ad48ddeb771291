"""--write-baseline and --baseline: adopting ampcheck on a blog with old problems."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

A = "_posts/2020-01-02-a.md"
B = "_posts/2020-01-03-b.md"
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
NO_FRONT_MATTER = "Text\n"


def _codes(result: Result) -> list[tuple[str, str, int]]:
    return [(d["path"], d["code"], d["line"]) for d in result.json]  # type: ignore[misc]


def test_write_then_only_new_problems(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, B: NO_FRONT_MATTER})
    written = cli("--write-baseline", "baseline.json")
    assert written.code == 0
    assert written.out == ""
    assert written.err == "Wrote 2 problems in 2 files to the baseline baseline.json.\n"
    doc = json.loads((root / "baseline.json").read_text())
    assert doc["ampcheck-baseline"] == 1
    assert [(p["path"], p["code"], p["name"], p["count"]) for p in doc["problems"]] == [
        (A, "FM007", "front-matter-duplicate-key", 1),
        (B, "FM001", "front-matter-missing", 1),
    ]
    assert all(len(p["fingerprint"]) == 16 for p in doc["problems"])

    clean = cli("--baseline", "baseline.json")
    assert clean.code == 0
    assert clean.untimed == "No new problems in 2 files; 2 known from the baseline.\n"

    # lines added above an old problem do not make it new; a new problem is reported
    (root / A).write_text("---\nlayout: post\ndate: 2020-01-02\ntitle: Old\ntitle: Day 1\n---\n")
    (root / "_posts/2020-01-04-c.md").write_text(DUPLICATE)
    result = cli("--baseline", "baseline.json", "--format", "json")
    assert result.code == 1
    assert _codes(result) == [("_posts/2020-01-04-c.md", "FM007", 2)]


def test_changed_offending_text_is_new(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, B: NO_FRONT_MATTER})
    cli("--write-baseline", "baseline.json")
    # FM007 points at the repeated key: another key repeated is another problem
    (root / A).write_text("---\nlayout: page\nlayout: post\ntitle: Day 1\n---\n")
    # FM001 points at no text: its line stands for it
    (root / B).write_text("Other text\n")
    assert _codes(cli("--baseline", "baseline.json", "--format", "json")) == [
        (A, "FM007", 2),
        (B, "FM001", 1),
    ]


def test_counts_repeated_problems(site: Site, cli: Cli) -> None:
    twice = "---\ntitle: Old\ntitle: Old\ntitle: Day 1\n---\n"
    root = site({A: twice})
    cli("--write-baseline", "baseline.json")
    (problem,) = json.loads((root / "baseline.json").read_text())["problems"]
    assert problem["count"] == 2
    (root / A).write_text("---\ntitle: Old\ntitle: Old\ntitle: Old\ntitle: Day 1\n---\n")
    assert _codes(cli("--baseline", "baseline.json", "--format", "json")) == [(A, "FM007", 4)]


def test_fixed_problem_drops_out_on_next_write(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, B: NO_FRONT_MATTER})
    cli("--write-baseline", "baseline.json")
    assert cli("--fix", "--baseline", "baseline.json").code == 0
    assert (root / A).read_text() == "---\ntitle: Day 1\nlayout: post\n---\nText\n"
    rewritten = cli("--write-baseline", "baseline.json")
    assert rewritten.err == "Wrote 1 problem in 1 file to the baseline baseline.json.\n"
    doc = json.loads((root / "baseline.json").read_text())
    assert [p["path"] for p in doc["problems"]] == [B]


def test_writing_for_some_files_keeps_the_others(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, B: NO_FRONT_MATTER})
    cli("--write-baseline", "baseline.json")
    (root / A).write_text("---\ntitle: Day 1\nlayout: post\n---\n")
    cli("--write-baseline", "baseline.json", A)  # as pre-commit would, on one file
    doc = json.loads((root / "baseline.json").read_text())
    assert [p["path"] for p in doc["problems"]] == [B]
    (root / B).unlink()
    cli("--write-baseline", "baseline.json", A)  # a deleted post is forgotten
    assert json.loads((root / "baseline.json").read_text())["problems"] == []


def test_paths_are_relative_to_the_baseline(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE})
    cli("--write-baseline", "baseline.json")
    (root / "sub").mkdir()
    import os

    os.chdir(root / "sub")
    result = cli("--baseline", "../baseline.json", "../_posts")
    assert result.code == 0, result.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not an ampcheck baseline (invalid JSON: "),
        ("[]", "not an ampcheck baseline (no 'ampcheck-baseline' version)"),
        ('{"ampcheck-baseline": 99, "problems": []}', "baseline format 99 is not supported"),
        ('{"ampcheck-baseline": 1, "problems": {}}', "'problems' is not a list"),
        ('{"ampcheck-baseline": 1, "problems": [{"path": "a"}]}', "problem 1 needs"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_corrupt_baseline_is_one_line_and_exit_2(
    site: Site, cli: Cli, content: str | bytes, message: str
) -> None:
    site({A: DUPLICATE, "baseline.json": content})
    result = cli("--baseline", "baseline.json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("ampcheck: error: baseline.json: ")
    assert result.err.count("\n") == 1 and message in result.err, result.err


def test_missing_baseline_is_an_error(site: Site, cli: Cli) -> None:
    site({A: DUPLICATE})
    result = cli("--baseline", "nowhere.json")
    assert result.code == 2
    assert result.err == (
        "ampcheck: error: nowhere.json: cannot read the baseline: No such file or directory\n"
    )


def test_corrupt_baseline_is_replaced_by_write(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, "baseline.json": "{oops"})
    assert cli("--write-baseline", "baseline.json").code == 0
    assert json.loads((root / "baseline.json").read_text())["problems"][0]["code"] == "FM007"
