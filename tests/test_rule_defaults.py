"""What an ordinary blog sees with the default rules: patterns that are deliberate on
most blogs are not reported unless a rule is turned on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

AGENDA = """---
title: Conference day 1
layout: post
---

## Morning

### Keynote

### Break

### Sponsor session

### Talk

### Break

### Sponsor session
"""


def _codes(result: Result) -> list[str]:
    assert result.code in (0, 1), result.err
    return [str(d["code"]) for d in result.json]


def test_repeated_agenda_headings_are_not_reported_by_default(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-conference.md": AGENDA})
    post = str(root / "_posts/2020-01-02-conference.md")
    assert _codes(cli("--format", "json", post)) == []
    opted_in = cli("--format", "json", "--extend-select", "heading-duplicate", post)
    assert _codes(opted_in) == ["HD004", "HD004"]
