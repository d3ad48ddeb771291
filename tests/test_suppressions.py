"""Inline suppressions as a user writes them: what is reported, and what --fix leaves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

FM = "---\ntitle: Day 1\nlayout: post\n---\n"
EMPTY = "## <span></span>\n"  # HD003 heading-empty, one per line
POST = "_posts/2020-01-02-a.md"


def _lines(result: Result) -> list[int]:
    assert result.code in (0, 1), result.err
    return [d["line"] for d in result.json if d["code"] == "HD003"]  # type: ignore[misc]


def _check(site: Site, cli: Cli, body: str, *args: str) -> list[int]:
    site({POST: FM + body})
    return _lines(cli("--format", "json", "--select", "HD003", *args, POST))


def test_without_suppressions_every_line_is_reported(site: Site, cli: Cli) -> None:
    assert _check(site, cli, EMPTY * 3) == [5, 6, 7]


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        # disable .. enable: from the comment's line up to the enable comment
        (EMPTY + "<!-- ampcheck-disable HD003 -->\n" + EMPTY * 2
         + "<!-- ampcheck-enable HD003 -->\n" + EMPTY, [5, 10]),
        # never enabled again: to the end of the file
        (EMPTY + "<!-- ampcheck-disable heading-empty -->\n" + EMPTY * 2, [5]),
        # no rule named: every rule; enable of one rule ends it for that rule
        ("<!-- ampcheck-disable -->\n" + EMPTY + "<!-- ampcheck-enable HD003 -->\n" + EMPTY,
         [8]),
        ("<!-- ampcheck-disable-next-line HD003 -->\n" + EMPTY * 2, [7]),
        ("<!-- ampcheck-disable-next-line HD003 -->\n\n" + EMPTY, [7]),  # the next line only
        ("## <!-- ampcheck-disable-line HD -->\n" + EMPTY, [6]),
        (EMPTY + EMPTY + "<!-- ampcheck-disable-file ALL -->\n", []),
        # a prefix, a reason after ':' or ' -- ', rules separated by commas
        ("<!-- ampcheck-disable-next-line FM007, HD: a spacer -->\n" + EMPTY * 2, [7]),
        ("<!-- ampcheck-disable-next-line HD003 -- a spacer -->\n" + EMPTY * 2, [7]),
        # another rule named: nothing suppressed
        ("<!-- ampcheck-disable-next-line HD001 -->\n" + EMPTY, [6]),
        # comments inside code are not suppressions
        ("```\n<!-- ampcheck-disable-file -->\n```\n" + EMPTY, [8]),
        ("`<!-- ampcheck-disable-file -->`\n\n" + EMPTY, [7]),
    ],
)  # fmt: skip
def test_comment_suppressions(site: Site, cli: Cli, body: str, lines: list[int]) -> None:
    assert _check(site, cli, body) == lines


def test_front_matter_key(site: Site, cli: Cli) -> None:
    ignore = "ampcheck:\n  ignore: [FM007, heading-empty]\n"
    site({POST: "---\ntitle: A\ntitle: B\n" + ignore + "---\n" + EMPTY})
    result = cli("--format", "json", "--select", "FM007,HD003", POST)
    assert result.code == 0 and result.json == []
    site({POST: "---\ntitle: A\ntitle: B\nampcheck: {ignore: HD003}\n---\n## <span></span>\n"})
    assert [d["code"] for d in cli("--format", "json", "--select", "FM007,HD003", POST).json] == [
        "FM007"
    ]


def test_suppressed_problems_are_not_fixed(site: Site, cli: Cli) -> None:
    source = "---\ntitle: Old\ntitle: Day 1\nampcheck: {ignore: [FM007]}\n---\nText\n"
    root = site({POST: source, "_posts/2020-01-03-b.md": "---\ntitle: Old\ntitle: Day 1\n---\n"})
    result = cli("--fix", "_posts")
    assert result.code == 0
    assert (root / POST).read_text() == source
    assert (root / "_posts/2020-01-03-b.md").read_text() == "---\ntitle: Day 1\n---\n"
    assert cli("--diff", POST).out == ""


def test_disable_next_line_keeps_fixable_problem_unfixed(site: Site, cli: Cli) -> None:
    source = FM + "\n<!-- ampcheck-disable-next-line AMP005 -->\n<amp-img src='a.png' />\n"
    root = site({POST: source})
    result = cli("--fix", "--select", "AMP005", POST)
    assert result.code == 0, result.out
    assert (root / POST).read_text() == source


def test_unused_suppression_is_off_by_default(site: Site, cli: Cli) -> None:
    site({POST: FM + "<!-- ampcheck-disable-next-line TW003 -->\nHello\n"})
    assert cli("--format", "json", POST).json == []
    opted_in = cli("--extend-select", "AC001", POST)
    assert opted_in.code == 0  # a warning
    assert opted_in.untimed.splitlines() == [
        f"{POST}:5:33: AC001 [*] unused suppression: no TW003 problem on the next line",
        "1 problem (1 fixable with --fix) in 1 file.",
    ]


def test_unused_suppression_fix_removes_the_comment(site: Site, cli: Cli) -> None:
    root = site({POST: FM + "\n<!-- ampcheck-disable-next-line TW003 -->\nHello\n"})
    result = cli("--extend-select", "AC001", "--fix", POST)
    assert result.code == 0
    assert result.untimed == "Fixed 1 problem; no problems in 1 file.\n"
    assert (root / POST).read_text() == FM + "\nHello\n"


def test_unknown_rule_is_reported_but_never_removed(site: Site, cli: Cli) -> None:
    source = FM + "\n<!-- ampcheck-disable-next-line XMP001 -->\nTODO\n"
    root = site({POST: source})
    result = cli("--extend-select", "AC001", "--fix", POST)
    assert "AC001 unknown rule 'XMP001' in a suppression" in result.out
    assert (root / POST).read_text() == source  # a plugin's rule, maybe not installed here
