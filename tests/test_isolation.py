"""Rule isolation: a rule or plugin that raises, loops, floods or returns garbage is
an internal error naming it (exit 2); the other rules and files are still checked,
and --fix still applies the other rules' fixes."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ampcheck.engine.linter import Deadline, RuleTimeout
from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

PLUGIN = """
import sys
from ampcheck.hookspecs import hookimpl
from ampcheck.model import Applicability, Edit, Fix, Severity, Violation
from ampcheck.rule import Rule

class Broken(Rule):
    code = "ZZZ001"
    name = "broken-rule"
    summary = "misbehaves"

    def check(self, post):
{body}

@hookimpl
def ampcheck_register_rules():
    return [Broken]
"""
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\n---\nText\n"
FIXED = "---\ntitle: Day 1\n---\nText\n"


def _plugin(root: Path, body: str, config: str = "") -> None:
    indented = "".join(f"        {line}\n" for line in body.strip("\n").splitlines())
    (root / "broken.py").write_text(PLUGIN.format(body=indented))
    (root / ".ampcheck.toml").write_text(f'plugins = ["broken.py"]\n{config}')


def _posts(site: Site) -> Path:
    return site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": "no front\n"})


def _other_rules_ran(result: Result) -> None:
    assert "_posts/2020-01-02-a.md:2:1: FM007" in result.out
    assert "_posts/2020-01-03-b.md:1:1: FM001" in result.out


GARBAGE = {
    "raise": ("raise RuntimeError('boom')", "RuntimeError: boom (at broken.py:"),
    "recursion": (
        "def down(n): return down(n + 1)\nreturn down(0)",
        "RecursionError: maximum recursion depth exceeded",
    ),
    "exit": ("sys.exit(3)", "SystemExit: 3 (at broken.py:"),
    "bad-str": (
        "class E(Exception):\n    def __str__(self): raise ValueError\nraise E()",
        "E: (the message could not be read)",
    ),
    "none": ("return None", "TypeError: 'NoneType' object is not iterable"),
    "not-violation": ("yield 'text'", "yielded str, not a Violation"),
    "float-offsets": ("yield Violation(0.5, 1, 'x')", "violation offsets 0.5..1 are not whole"),
    "none-offsets": ("yield Violation(None, None, 'x')", "violation offsets None..None"),
    "past-end": (
        "yield Violation(0, len(post.text) + 5, 'x')",
        "span 0..42 lies outside the text (0..37)",
    ),
    "negative": ("yield Violation(-1, 0, 'x')", "violation span -1..0 lies outside"),
    "message": ("yield Violation(0, 1, b'bytes')", "a message that is bytes, not a string"),
    "severity": ("yield Violation(0, 1, 'x', severity='fatal')", "a severity that is 'fatal'"),
    "fix-type": ("yield Violation(0, 1, 'x', 'fix it')", "a fix that is str, not a Fix"),
    "overlap": (
        "yield Violation(0, 3, 'x', Fix.safe('t', Edit(0, 3, 'a'), Edit(2, 4, 'b')))",
        "a fix with overlapping edits (0..3, 2..4)",
    ),
    "edit-range": (
        "yield Violation(0, 3, 'x', Fix.safe('t', Edit(0, 99, 'a')))",
        "edit span 0..99 lies outside the text (0..37)",
    ),
    "edit-content": (
        "yield Violation(0, 3, 'x', Fix.safe('t', Edit(0, 3, 42)))",
        "an edit whose new text is int, not a string",
    ),
    "surrogate": (
        "yield Violation(0, 3, 'x', Fix.safe('t', Edit(0, 3, '\\ud800')))",
        "an edit whose new text holds a lone surrogate",
    ),
    "no-edits": ("yield Violation(0, 3, 'x', Fix.safe('t'))", "a fix with no edits"),
    "applicability": (
        "yield Violation(0, 3, 'x', Fix((Edit(0, 1),), 'maybe'))",
        "a fix whose applicability is 'maybe'",
    ),
    "flood": (
        "while True:\n    yield Violation(0, 1, 'again')",
        "reported more than 100,000 problems in one file; stopped",
    ),
}


@pytest.mark.parametrize("case", sorted(GARBAGE))
def test_misbehaving_rule_is_named_and_the_rest_runs(site: Site, cli: Cli, case: str) -> None:
    body, message = GARBAGE[case]
    root = _posts(site)
    _plugin(root, body)
    result = cli("--no-cache", "_posts")
    assert result.code == 2
    assert "_posts/2020-01-02-a.md: internal error in rule ZZZ001 (broken-rule): " in result.err
    assert message in result.err
    _other_rules_ran(result)
    # and --fix still applies the other rules' fixes
    fixed = cli("--no-cache", "--fix", "_posts")
    assert fixed.code == 2
    assert (root / "_posts/2020-01-02-a.md").read_text() == FIXED


def test_looping_rule_is_stopped_by_the_time_budget(site: Site, cli: Cli) -> None:
    root = _posts(site)
    _plugin(root, "while True:\n    pass")
    started = time.monotonic()
    result = cli("--no-cache", "--rule-timeout", "0.3", "_posts")
    assert time.monotonic() - started < 10
    assert result.code == 2
    for name in ("2020-01-02-a.md", "2020-01-03-b.md"):
        assert (
            f"_posts/{name}: internal error in rule ZZZ001 (broken-rule): did not finish within "
            "0.3 seconds, the rule-timeout; stopped (at broken.py:" in result.err
        )
    _other_rules_ran(result)


def test_time_budget_from_the_configuration(site: Site, cli: Cli) -> None:
    root = _posts(site)
    _plugin(root, "import time\nwhile True:\n    time.sleep(1)", "rule-timeout = 0.2\n")
    result = cli("--no-cache", "_posts")
    assert "did not finish within 0.2 seconds" in result.err
    _other_rules_ran(result)


def test_rule_that_swallows_exceptions_is_still_stopped(site: Site, cli: Cli) -> None:
    """The timeout is a BaseException: ``except Exception`` does not catch it, and one
    ``except BaseException`` only delays it (it is raised again every half second)."""
    body = "swallowed = 0\nwhile True:\n    try:\n        while True:\n            pass\n"
    body += "    except Exception:\n        pass\n    except BaseException:\n"
    body += "        swallowed += 1\n        if swallowed > 1:\n            raise"
    root = _posts(site)
    _plugin(root, body)
    result = cli("--no-cache", "--rule-timeout", "0.2", "_posts")
    assert "did not finish within 0.2 seconds" in result.err
    _other_rules_ran(result)


def test_looping_rule_during_fix_does_not_stop_the_other_fixes(site: Site, cli: Cli) -> None:
    root = _posts(site)
    _plugin(root, "while True:\n    pass")
    started = time.monotonic()
    result = cli("--no-cache", "--fix", "--rule-timeout", "0.3", "_posts")
    # the rule is left out after its first time-out on a file: one budget per file
    assert time.monotonic() - started < 5
    assert result.code == 2
    assert result.err.count("did not finish") == 2
    assert (root / "_posts/2020-01-02-a.md").read_text() == FIXED


def test_after_two_rules_run_out_of_time_the_rest_of_the_file_is_skipped(
    site: Site, cli: Cli
) -> None:
    """When the post itself is what takes the time, every rule would wait out its
    budget: after two time-outs the other rules are not run on that file."""
    root = site({"_posts/2020-01-02-a.md": DUPLICATE})
    for n in (1, 2):  # A001 and A002 run first: their codes sort before every other
        plugin = PLUGIN.replace("Broken", f"Slow{n}").replace("ZZZ001", f"A00{n}")
        plugin = plugin.replace("broken-rule", f"slow-{n}")
        body = "        while True:\n            pass\n"
        (root / f"slow{n}.py").write_text(plugin.format(body=body))
    (root / ".ampcheck.toml").write_text('plugins = ["slow1.py", "slow2.py"]\n')
    started = time.monotonic()
    result = cli("--no-cache", "--rule-timeout", "0.2", "_posts")
    assert time.monotonic() - started < 5
    assert result.code == 2
    assert "rule A001 (slow-1): did not finish within 0.2 seconds" in result.err
    assert "rule A002 (slow-2): did not finish within 0.2 seconds" in result.err
    assert re.search(
        r"_posts/2020-01-02-a.md: internal error: 2 rules ran out of time on this file, so "
        r"\d+ other rules were not run on it\n",
        result.err,
    )
    assert "FM007" not in result.out


def test_time_budget_works_in_worker_processes(site: Site, cli: Cli) -> None:
    files = {f"_posts/2020-01-{i:02d}-p.md": DUPLICATE for i in range(1, 29)}
    files.update({f"_posts/2020-02-{i:02d}-p.md": DUPLICATE for i in range(1, 29)})
    root = site(files)
    _plugin(root, "if post.path.endswith('01-07-p.md'):\n    while True:\n        pass\nreturn []")
    result = cli("--no-cache", "--jobs", "2", "--rule-timeout", "0.5", "_posts")
    assert result.code == 2
    assert result.err.count("did not finish within 0.5 seconds") == 1
    assert result.out.count(": FM007 ") == 56


def test_no_time_budget(site: Site, cli: Cli) -> None:
    root = _posts(site)
    _plugin(root, "import time\ntime.sleep(0.3)\nreturn []", "rule-timeout = 0\n")
    result = cli("--no-cache", "--rule-timeout", "0", "_posts")
    assert result.code == 1 and result.err == ""


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_bad_time_budget_is_a_usage_error(site: Site, cli: Cli, value: str) -> None:
    _posts(site)
    assert cli("--rule-timeout", value).code == 2


@pytest.mark.parametrize(
    "config", ["rule-timeout = -1\n", "rule-timeout = 'long'\n", "max-file-size = 1.5\n"]
)
def test_bad_limits_in_the_configuration(site: Site, cli: Cli, config: str) -> None:
    root = _posts(site)
    (root / ".ampcheck.toml").write_text(config)
    result = cli("_posts")
    assert result.code == 2
    assert "must be a number of" in result.err


def test_deadline_keeps_an_outer_timer_running() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with pytest.raises(RuleTimeout), Deadline(0.1) as limit:
            limit.arm()
            while True:
                pass
        with Deadline(5) as limit:
            limit.arm()
            limit.disarm()
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] < 0.4
        time.sleep(0.5)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_fix_that_never_settles_is_named_and_the_other_fixes_are_applied(
    site: Site, cli: Cli
) -> None:
    root = _posts(site)
    (root / "_posts/2020-01-02-a.md").write_text(DUPLICATE + "yes\n")
    body = """
i = post.text.find("yes") if "yes" in post.text else post.text.find("no\\n")
if i < 0:
    return
old = 3 if post.text[i:i + 3] == "yes" else 2
new = "no" if old == 3 else "yes"
yield Violation(i, i + old, "flip", Fix.safe("flip", Edit(i, i + old, new)))
"""
    _plugin(root, body)
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 2
    assert (
        "_posts/2020-01-02-a.md: internal error in rule ZZZ001 (broken-rule): fix refused: its "
        "fixes did not settle after 10 passes" in result.err
    )
    assert (root / "_posts/2020-01-02-a.md").read_text() == FIXED + "yes\n"


def test_fix_that_changes_nothing_is_named_and_the_other_fixes_are_applied(
    site: Site, cli: Cli
) -> None:
    root = _posts(site)
    _plugin(root, "yield Violation(0, 3, 'same', Fix.safe('same', Edit(0, 3, post.text[:3])))")
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 2
    assert "rule ZZZ001 (broken-rule): fix refused: its fix changes nothing" in result.err
    assert (root / "_posts/2020-01-02-a.md").read_text() == FIXED
    assert "ZZZ001 same" in result.out  # reported, no longer marked fixable
