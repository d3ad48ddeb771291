"""Hostile and broken input: each ends with a clear diagnostic or error for that file,
within bounded time and memory, and every other file is still linted.

The bounds asserted here are generous multiples of what was measured (README,
"Guarantees"); the heavy cases run ampcheck in a child process under an address-space
limit (RLIMIT_AS), so that running out of memory is a failure, not a swapping machine.
CI runs as root, for whom permissions do not make a file unreadable: unreadable files
are made with real means that hold for root too (a dangling link, a link loop, a
FIFO, a file deleted between listing and reading).
"""

from __future__ import annotations

import datetime
import html
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.conftest import DSTOTD, Result, bench_corpus

Site = Callable[..., Path]
Cli = Callable[..., Result]

GOOD = "---\ntitle: Day 1\nlayout: post\n---\n\nText\n"
# a file that is linted beside each hostile one: its FM001 shows the run went on
WITNESS = "_posts/2020-01-01-witness.md"
WITNESS_LINE = f"{WITNESS}:1:1: FM001"


@dataclass
class Bounded:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: int


# runs ampcheck, then writes its peak resident memory (VmHWM: the process's own, not
# the forking parent's, which ru_maxrss would include) to the file $AMPCHECK_PEAK
PEAK_WRAPPER = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["AMPCHECK_PEAK"], "w") as out:
                    out.write(line.split()[1])

atexit.register(peak)
sys.argv[0] = "ampcheck"
runpy.run_module("ampcheck", run_name="__main__")
"""


def run_bounded(
    root: Path, *args: str, seconds: float, megabytes: int = 2048, rule_timeout: bool = False
) -> Bounded:
    """ampcheck in a child process that may use at most ``megabytes`` of address space
    and is killed after ``seconds``; with its wall time and peak resident memory. The
    rules run without the rule-timeout unless ``rule_timeout``: on a busy machine a
    rule may need more than its 10 seconds, and ``seconds`` bounds the whole run."""

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    limit_rules = [] if rule_timeout else ["--rule-timeout", "0"]
    cmd = [sys.executable, "-c", PEAK_WRAPPER, "--no-cache", "--jobs", "1", *limit_rules, *args]
    with tempfile.TemporaryDirectory() as tmp:
        out, err, peak = (Path(tmp) / name for name in ("out", "err", "peak"))
        env = {**os.environ, "AMPCHECK_PEAK": str(peak)}
        with out.open("wb") as out_fh, err.open("wb") as err_fh:
            started = time.monotonic()
            proc = subprocess.Popen(
                cmd, cwd=root, stdout=out_fh, stderr=err_fh, env=env, preexec_fn=limit
            )
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            elapsed = time.monotonic() - started
        result = Bounded(
            proc.returncode,
            out.read_text(),
            err.read_text(),
            elapsed,
            int(peak.read_text()) // 1024 if peak.is_file() else -1,
        )
    assert elapsed < seconds, f"killed after {seconds} s: {result.err[-2000:]}"
    assert result.code in (0, 1, 2, 3), result.err[-2000:]  # not killed, not crashed
    assert result.peak_mb > 0
    return result


# -- YAML ---------------------------------------------------------------------------

BILLION_LAUGHS = (
    "---\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else 'lol'}]\n"
        for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
    )
    + "title: *i\ntags: *i\n---\nbody\n"
)


def test_yaml_alias_bomb_is_reported_not_expanded(site: Site, cli: Cli) -> None:
    """Nine levels of nine aliases: 9**9 (387 million) values once expanded."""
    site({"_posts/2020-01-02-bomb.md": BILLION_LAUGHS, WITNESS: "text\n"})
    started = time.monotonic()
    result = cli("--no-cache", "_posts")
    assert time.monotonic() - started < 10
    assert result.code == 1
    assert (
        "_posts/2020-01-02-bomb.md:2:1: FM002 invalid front matter: aliases expand the front "
        "matter by more than 100,000 values" in result.out
    )
    assert WITNESS_LINE in result.out


def test_yaml_that_contains_itself_is_reported(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": "---\ntitle: &t [x, *t]\n---\nbody\n"})
    result = cli("--no-cache", "_posts")
    assert "FM002 invalid front matter: an alias refers to a value that contains it" in result.out


def test_alias_bomb_in_config_yml_is_an_error_for_the_site(site: Site, cli: Cli) -> None:
    bomb = BILLION_LAUGHS.split("---\n")[1]
    site({"_config.yml": bomb, "_posts/2020-01-02-a.md": GOOD})
    result = cli("--no-cache", "_posts")
    assert result.code == 2
    assert "_config.yml: invalid YAML: aliases expand" in result.err
    assert "No problems in 1 file" in result.out  # the post is still linted


PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {flag}']",
    "!!python/object/apply:subprocess.call [['touch', '{flag}']]",
    "!!python/object/new:subprocess.Popen [['touch', '{flag}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!ruby/object:Gem::Installer {{i: x}}",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_yaml_tags_never_construct_objects(site: Site, cli: Cli, tag: str) -> None:
    root = site()
    flag = root / "PWNED"
    value = tag.format(flag=flag)
    site(
        {
            "_posts/2020-01-02-a.md": f"---\ntitle: {value}\n---\nbody\n",
            "_config.yml": f"timezone: UTC\nx: {value}\n",
            WITNESS: "text\n",
        }
    )
    result = cli("--no-cache", "_posts")
    assert not flag.exists()
    assert "_posts/2020-01-02-a.md:2:8: FM002 invalid front matter: could not determine a " in (
        result.out
    )
    assert "_config.yml: invalid YAML: could not determine a constructor" in result.err
    assert WITNESS_LINE in result.out


NON_STRING_KEYS = "1: x\nyes: y\n2018-07-02: z\n.nan: n\nnull: v\n? !!binary aGk=\n: b\n"


def test_keys_that_are_not_text_in_config_yml(site: Site, cli: Cli) -> None:
    """Numbers, booleans, dates and null as keys, at the top and in ``defaults:``:
    a configuration Jekyll reads, and the cache keeps working with it."""
    indented = "".join(f"      {line}\n" for line in NON_STRING_KEYS.splitlines())
    config = (
        f"timezone: UTC\n{NON_STRING_KEYS}defaults:\n  - scope: {{path: ''}}\n"
        f"    values:\n      layout: post\n{indented}"
    )
    site({"_config.yml": config, "_posts/2020-01-02-a.md": GOOD})
    for _ in range(2):  # the second run reads the cache
        result = cli("_posts")
        assert (result.code, result.err) == (0, "")
        assert result.untimed == "No problems in 1 file.\n"


def test_keys_that_are_not_text_in_front_matter(site: Site, cli: Cli) -> None:
    """``1`` and ``true`` are two keys to YAML (and Ruby), though equal in Python."""
    site({"_posts/2020-01-02-a.md": f"---\ntitle: A\n{NON_STRING_KEYS}true: t\n---\nText\n"})
    result = cli("_posts")
    assert (result.code, result.err) == (1, "")
    assert result.untimed == (
        "_posts/2020-01-02-a.md:4:1: FM007 [*] key 'yes' is set again below: this earlier "
        "value is ignored\n1 problem (1 fixable with --fix) in 1 file.\n"
    )


@pytest.mark.parametrize("value", ["!!bool maybe", "!!timestamp nope", "!!bool [1]"])
def test_value_that_does_not_fit_its_tag_in_config_yml(site: Site, cli: Cli, value: str) -> None:
    site({"_config.yml": f"timezone: UTC\nx: {value}\n", "_posts/2020-01-02-a.md": GOOD})
    result = cli("_posts")
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert "_config.yml: invalid YAML: " in line and "line 2, column 4" in line
    assert result.untimed == "No problems in 1 file.\n"  # the post is still linted


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!bool maybe", "4:7: FM002 invalid front matter: 'maybe' is not a boolean"),
        # Jekyll reads a timestamp that is not one as text
        ("!!timestamp nope", "4:7: FM004 'date' must be a date Jekyll can read, not 'nope'"),
    ],
)
def test_value_that_does_not_fit_its_tag_in_front_matter(
    site: Site, cli: Cli, value: str, expected: str
) -> None:
    post = f"---\ntitle: A\nlayout: post\ndate: {value}\n---\nText\n"
    site({"_posts/2020-01-02-a.md": post, WITNESS: "text\n"})
    result = cli("--no-cache", "_posts")
    assert (result.code, result.err) == (1, "")
    assert f"_posts/2020-01-02-a.md:{expected}" in result.out
    assert WITNESS_LINE in result.out


def test_lxml_reads_no_external_entities() -> None:
    """TW006 reads a placeholder's text with lxml's HTML parser, which does not load
    entities (a DOCTYPE with ``<!ENTITY x SYSTEM "file:...">`` stays text)."""
    import lxml.html

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as secret:
        secret.write("SECRET")
        secret.flush()
        raw = (
            f'<blockquote placeholder><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret.name}">]>'
            "&e;</blockquote>"
        )
        text = lxml.html.fragment_fromstring(raw, create_parent="div").text_content()
    assert "SECRET" not in text


# -- settings, baselines, dates ------------------------------------------------------

DEEP_TOML = {
    "arrays": "x = " + "[" * 100_000 + "]" * 100_000,
    "inline-tables": "x = " + "{a = " * 100_000 + "}" * 100_000,
    # tomllib's work grows with the square of a dotted key's depth: this one took
    # minutes and more than 20 GB
    "dotted-key": "a" + ".a" * 100_000 + " = 1",
    "table-header": "[" + "a." * 100_000 + "a]",
}


@pytest.mark.parametrize("name", ["pyproject.toml", ".ampcheck.toml"])
@pytest.mark.parametrize("shape", DEEP_TOML)
def test_deeply_nested_toml_is_an_error_for_the_file(site: Site, name: str, shape: str) -> None:
    text = DEEP_TOML[shape]
    if name == "pyproject.toml":
        text = text.replace("x = ", "[tool.ampcheck]\nx = ").replace("a.", "tool.ampcheck.", 1)
    root = site({name: text, "_posts/2020-01-02-a.md": GOOD})
    result = run_bounded(root, "--config", name, "_posts", seconds=60, megabytes=1024)
    assert result.code == 2
    assert result.err.startswith(f"ampcheck: error: {name}: invalid TOML: ")
    assert "nested too deeply" in result.err or "of more than 100 parts" in result.err
    assert len(result.err.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "arrays or objects nested too deeply"),
        ('{"ampcheck-baseline": ' + "9" * 5_000 + ', "problems": []}', "a number of 5,000 digits"),
        ('{"ampcheck-baseline": "' + "x" * 5_000 + '", "problems": []}', None),
    ],
)
def test_hostile_baseline_is_an_error(site: Site, cli: Cli, text: str, why: str | None) -> None:
    root = site({"_posts/2020-01-02-a.md": GOOD})
    (root / "baseline.json").write_text(text)
    result = cli("--no-cache", "--baseline", "baseline.json", "_posts")
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.startswith("ampcheck: error: baseline.json: ")
    assert len(line) < 200
    if why is not None:
        assert line.endswith(f"not an ampcheck baseline ({why})")
    written = cli("--no-cache", "--write-baseline", "baseline.json", "_posts")
    assert written.code == 0, written.err
    assert (root / "baseline.json").read_text().startswith('{\n  "ampcheck-baseline": 1,')


@pytest.mark.parametrize("zone", ["", "America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize(
    "date",
    ["0001-01-01 00:00:00", "9999-12-31 23:00:00", "0001-01-01 00:00:00 +01:00",
     "9999-12-31 23:00:00 -05:00", "'0001-01-01 00:00:00 +0100'", "'9999-12-31 23:59 -1200'"],
)  # fmt: skip
def test_dates_at_the_ends_of_the_calendar(site: Site, cli: Cli, zone: str, date: str) -> None:
    """Moved into the site's timezone (or into UTC), these fall before year 1 or
    after 9999, where Python's dates end."""
    site(
        {
            "_config.yml": f"timezone: {zone}\n" if zone else "title: Blog\n",
            "_posts/2020-01-02-a.md": f"---\ntitle: A\ndate: {date}\n---\nText\n",
        }
    )
    result = cli("--no-cache", "--select", "ALL", "_posts")
    assert result.err == ""
    assert result.code in (0, 1)


TWEET_POST = (
    "---\ntitle: A\n---\n"
    '<blockquote class="twitter-tweet"><p>x</p>'
    '<a href="https://twitter.com/a/status/1013761897622065152">July 2, 2018</a></blockquote>\n'
)


@pytest.mark.parametrize(
    ("margin", "reported"), [("1e308", False), ("inf", False), ("-inf", False), ("2", True)]
)
def test_post_date_margin_beyond_any_time_span(
    site: Site, cli: Cli, margin: str, reported: bool
) -> None:
    site(
        {
            ".ampcheck.toml": (
                f"[rules.TW005]\ncompare-post-date = true\npost-date-margin = {margin}\n"
            ),
            "_posts/2018-06-01-a.md": TWEET_POST,
        }
    )
    result = cli("--no-cache", "--select", "TW005", "_posts")
    assert (result.code, result.err) == (0, "")
    assert ("31.5 days after the post's date" in result.out) is reported


def test_post_date_margin_nan_is_an_error(site: Site, cli: Cli) -> None:
    site(
        {
            ".ampcheck.toml": "[rules.TW005]\npost-date-margin = nan\n",
            "_posts/2018-06-01-a.md": TWEET_POST,
        }
    )
    result = cli("--no-cache", "_posts")
    assert result.code == 2
    assert result.err == "ampcheck: error: TW005.post-date-margin: expected a number, got nan\n"


def _defaults_config(junk: int) -> str:
    """``defaults:`` whose scopes apply by path, glob and type, more specific ones
    winning, among ``junk`` scopes that apply to none of the posts."""
    scopes = [
        ("", "posts", "all"),
        ("_posts/sub", None, "''"),  # more specific: wins over the first
        ("_posts/sub/keep*", None, "kept"),  # a glob that matches a folder
        ("_posts", "pages", "''"),  # for pages only
    ]
    for i in range(junk):
        # more globs than fnmatch's cache holds (32,768)
        path = (f"dir{i}", f"*junk{i}*", *[f"dir{i}/*"] * 8)[i % 10]
        scopes.insert(i % len(scopes), (path, None, "''"))
    entries = "".join(
        f"  - scope: {{path: '{path}'{f', type: {kind}' if kind else ''}}}\n"
        f"    values: {{description: {value}}}\n"
        for path, kind, value in scopes
    )
    return f"timezone: UTC\ndefaults:\n{entries}"


@pytest.mark.parametrize("junk", [0, 50_000])
def test_many_front_matter_defaults(site: Site, junk: int) -> None:
    """50,000 ``defaults:`` scopes used to cost seconds per post (each glob compiled
    again for every post: fnmatch's cache holds 32,768), so that rules ran out of time.
    Measured: 8 s for these 32 posts on a busy machine, most of it reading _config.yml
    (more than 60 s before)."""
    post = "---\ntitle: A\nlayout: post\n---\nText\n"
    root = site(
        {
            "_config.yml": _defaults_config(junk),
            ".ampcheck.toml": 'required-fields = ["title", "description"]\n',
            "_posts/2020-01-02-a.md": post,
            "_posts/sub/2020-01-03-b.md": post,
            "_posts/sub/keep/2020-01-04-c.md": post,
            "_posts/sub/keepsake/2020-01-05-d.md": post,
            **{f"_posts/more/2020-02-{day:02d}-e.md": post for day in range(1, 29)},
        }
    )
    result = run_bounded(root, "--select", "FM003", "_posts", seconds=60)
    assert result.err == ""
    assert result.out.splitlines()[:-1] == [
        "_posts/sub/2020-01-03-b.md:1:1: FM003 required field 'description' is missing"
    ]


@pytest.mark.parametrize("shape", ["_posts/old-{i}.md", "drafts-{i}/*", "*-x{i}-*", "*{i}*[ab].md"])
def test_40000_exclude_patterns(site: Site, shape: str) -> None:
    """Each path was matched against every pattern, each compiled again (fnmatch's
    cache holds 32,768): 13.6 s for 10 files, more than 60 s for these 40. Now looked
    up by the text before and after the wildcards; measured at most 4 s (the last
    shape, where all 40,000 are compiled once)."""
    patterns = [shape.format(i=i) for i in range(40_000)] + ["_posts/2020-01-01-skip.md"]
    files = {f"_posts/2020-{m:02d}-{d:02d}-p.md": "text\n" for m in (2, 3) for d in range(1, 21)}
    root = site(
        {
            ".ampcheck.toml": "exclude = [" + ", ".join(f"'{p}'" for p in patterns) + "]\n",
            "_posts/2020-01-01-skip.md": "text\n",
            **files,
        }
    )
    result = run_bounded(root, "--select", "FM001", "_posts", seconds=60)
    assert result.err == ""
    assert result.out.count(": FM001 ") == 40
    assert "skip" not in result.out


# -- size ---------------------------------------------------------------------------


def _realistic_body(size: int) -> str:
    """Real posts' bodies (tweets, headings, paragraphs) repeated to ``size``."""
    if DSTOTD.is_dir():
        bodies = [p.read_text().split("\n---\n", 1)[1] for p in sorted(DSTOTD.glob("*.md"))]
        body = "".join(bodies)
    else:  # without the shared corpus: posts shaped like them, from the bench's generator
        corpus = bench_corpus()
        rng = random.Random(1)
        day = datetime.date(2018, 5, 20)
        texts = [corpus.post(rng, n, day + datetime.timedelta(days=n)) for n in range(60)]
        body = "".join(text.split("\n---\n", 1)[1] for text in texts)
    return (body * (size // len(body) + 1))[:size]


def test_50_mb_post_is_not_read_and_the_rest_is_linted(site: Site) -> None:
    root = site({WITNESS: "text\n"})
    big = root / "_posts" / "2020-01-02-big.md"
    with big.open("w") as fh:
        fh.write("---\ntitle: Big\n---\n")
        fh.write("x" * (50 * 1024 * 1024))
    result = run_bounded(root, "_posts", seconds=20, megabytes=1024)
    assert result.code == 3
    assert (
        "_posts/2020-01-02-big.md:1:1: AC002 52,428,819 bytes is more "
        "than max-file-size (10,000,000 bytes); raise max-file-size to check it"
    ) in result.out
    assert WITNESS_LINE in result.out
    assert result.peak_mb < 200  # it was never read


def test_post_at_the_size_limit_is_linted_and_fixed_within_bounds(site: Site) -> None:
    """10 MB of real posts (60,000 diagnostics): measured 3 s and 260 MB to lint,
    7 s and 500 MB to fix."""
    root = site({WITNESS: "text\n"})
    text = "---\ntitle: Big\ndate: 2018-05-24\nlayout: post\n---\n" + _realistic_body(9_900_000)
    (root / "_posts" / "2018-05-24-big.md").write_text(text)
    result = run_bounded(root, "--quiet", "_posts", seconds=60, megabytes=2048)
    assert result.code == 1, result.err[-2000:]
    assert result.err == ""
    assert result.peak_mb < 1000
    fixed = run_bounded(root, "--fix", "--quiet", "_posts", seconds=120, megabytes=3072)
    assert fixed.code == 1 and fixed.err == ""
    assert fixed.peak_mb < 1500


def test_a_million_short_lines(site: Site) -> None:
    """Measured: 8 s, 770 MB (markdown-it keeps five numbers per line, twice)."""
    root = site({WITNESS: "text\n"})
    lines = "".join(f"line {i}\n" if i % 2 else "\n" for i in range(1_000_000))
    (root / "_posts" / "2020-01-02-lines.md").write_text("---\ntitle: Lines\n---\n" + lines)
    result = run_bounded(root, "_posts", seconds=60, megabytes=3072)
    assert result.code == 1, result.err[-2000:]
    assert result.err == ""
    assert WITNESS_LINE in result.out
    assert result.peak_mb < 1500


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("div", "<div>" * 100_000 + "deep" + "</div>" * 100_000),
        ("unclosed", "<div><span>" * 50_000),
        ("amp", '<amp-img src="a.png" width="1" height="1" layout="fixed">' * 100_000),
        ("blockquote", ">" * 100_000 + " deep"),
        ("list", "- " * 100_000 + "deep"),
        ("indented-list", "".join("  " * i + "- x\n" for i in range(3_000))),
        ("emphasis", "# " + "*_" * 50_000 + "x" + "_*" * 50_000),
        ("brackets", "# " + "[" * 100_000 + "x" + "](y)" * 100_000),
        ("liquid", "{% if x %}" * 100_000),
    ],
)
def test_deep_nesting(site: Site, name: str, body: str) -> None:
    """100,000 levels of HTML, block quotes, lists, emphasis and links: markdown-it
    stops nesting at 20 levels and the HTML scanner keeps its own stack, so nothing
    recurses. Measured: at most 4 s and 270 MB each."""
    root = site({WITNESS: "text\n"})
    (root / "_posts" / "2020-01-02-deep.md").write_text(f"---\ntitle: Deep\n---\n{body}\n")
    result = run_bounded(root, "_posts", seconds=60, megabytes=2048)
    assert result.code in (0, 1), result.err[-2000:]
    assert result.err == ""
    assert WITNESS_LINE in result.out
    assert result.peak_mb < 1000


@pytest.mark.parametrize("amp", ["false", "true"])
def test_deep_nesting_of_elements_that_rules_look_around(site: Site, amp: str) -> None:
    """Rules that look for an element around each one (an amp-twitter around a tweet
    blockquote, an AMP element around a placeholder, a noscript around an iframe)
    walked up from every element to its ancestors, quadratic in the depth: two rules
    ran out of time here. They read a table made once per post now: measured 2 s."""
    root = site({WITNESS: "text\n"})
    body = '<blockquote class="twitter-tweet" placeholder>' * 100_000
    (root / "_posts" / "2020-01-02-deep.md").write_text(
        f"---\ntitle: Deep\namp: {amp}\n---\n{body}\n"
    )
    result = run_bounded(root, "_posts", seconds=60)
    assert result.code == 1
    assert result.err == ""
    assert WITNESS_LINE in result.out


CASE_IDS = (
    "duplicate-keys",
    "mojibake",
    "suppressions",
    "placeholder",
    "heading-blanks",
    "unclosed-comments",
)
TWEET_OPEN = (
    '<amp-twitter width="375" height="472" layout="responsive" '
    'data-tweetid="1106210626511938227"><blockquote placeholder>'
)


@pytest.mark.parametrize(
    ("name", "text", "expected", "count"),
    [
        (
            "duplicate-keys",
            "---\ntitle: Keys\n" + "a: 1\n" * 2_000 + "---\ntext\n",
            "FM007 [*] key 'a' is set again on line 2002: this earlier value is ignored",
            1_999,
        ),
        (
            "mojibake",
            "---\ntitle: Damage\n---\n" + "\u00c3\u00a9 a " * 20_000 + "\n",
            ": EN001 ",
            20_000,
        ),
        (
            "suppressions",
            "---\ntitle: Comments\n---\n"
            + "<!-- ampcheck-disable-next-line HD002 -->\n# Heading\n\n" * 4_000,
            ": HD002 ",
            0,
        ),
        (
            "placeholder",
            "---\ntitle: Marks\n---\n"
            + TWEET_OPEN
            + ">" * 40_000
            + "</blockquote></amp-twitter>\n",
            ": AMP007 <amp-twitter> shows nothing",  # the '>' are the placeholder's text
            1,
        ),
        ("heading-blanks", "---\ntitle: Blanks\n---\n# a" + " " * 200_000 + "b\n", "HD002", 1),
        (
            "unclosed-comments",
            "---\ntitle: Comments\n---\n" + "{::comment}\n\n" * 80_000,
            "grown.md:",
            0,
        ),
    ],
    ids=lambda value: value if value in CASE_IDS else "",
)
def test_cost_grows_linearly_with_the_post(
    site: Site, name: str, text: str, expected: str, count: int
) -> None:
    """Each of these took 10 s and more on one rule (the rule-timeout, which then
    switched the post's other rules off): a step took time quadratic in the post.
    Linear now (bench/scaling.py): well under a second each."""
    root = site({WITNESS: "text\n"})
    (root / "_posts" / "2019-03-14-grown.md").write_text(text)
    result = run_bounded(root, "_posts", seconds=60)
    assert result.err == ""
    assert result.out.count(expected) == count
    assert WITNESS_LINE in result.out


def test_many_duplicate_keys_are_all_fixed(site: Site) -> None:
    root = site({WITNESS: "text\n"})
    post = root / "_posts" / "2019-03-14-keys.md"
    post.write_text("---\ntitle: Keys\n" + "a: 1\n" * 2_000 + "---\ntext\n")
    result = run_bounded(root, "--fix", "_posts", seconds=60)
    assert result.err == ""
    assert "Fixed 1,999 problems" in result.out or "Fixed 1999 problems" in result.out
    assert post.read_text() == "---\ntitle: Keys\na: 1\n---\ntext\n"


# -- files that are not posts -------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"
    b"\x00\x1f\xf3\xffa" + bytes(range(256)) * 8
)


def test_binary_file_with_md_name_is_not_checked_and_never_changed(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-image.md": PNG, WITNESS: "text\n"})
    for args in (["_posts"], ["--fix", "_posts"], ["--fix", "--unsafe-fixes", "_posts"]):
        result = cli("--no-cache", *args)
        assert result.code == 3
        assert (
            "_posts/2020-01-02-image.md:1:1: AC002 binary data (NUL bytes, "
            "not UTF-8), not a post" in result.out
        )
        assert WITNESS_LINE in result.out
        assert (root / "_posts/2020-01-02-image.md").read_bytes() == PNG


def test_text_with_a_stray_nul_is_still_a_post(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": "---\ntitle: A\n---\nText\x00here\n"})
    result = cli("--no-cache", "_posts")
    assert "_posts/2020-01-02-a.md:4:5: EN004 [*] control character U+0000" in result.out


def test_fifo_is_not_read(site: Site, cli: Cli) -> None:
    """A FIFO named like a post would block a reader for ever."""
    root = site({WITNESS: "text\n"})
    os.mkfifo(root / "_posts" / "2020-01-02-pipe.md")
    started = time.monotonic()
    result = cli("--no-cache", "_posts")
    assert time.monotonic() - started < 10
    assert result.code == 3
    assert "_posts/2020-01-02-pipe.md:1:1: AC002 a FIFO, not a regular file" in result.out
    assert WITNESS_LINE in result.out
    named = cli("--no-cache", "_posts/2020-01-02-pipe.md")
    assert named.code == 3 and "AC002 a FIFO" in named.out


def test_dangling_link_is_unreadable(site: Site, cli: Cli) -> None:
    root = site({WITNESS: "text\n"})
    (root / "_posts" / "2020-01-02-gone.md").symlink_to(root / "nowhere.md")
    result = cli("--no-cache", "_posts")
    assert result.code == 3
    assert (
        "_posts/2020-01-02-gone.md:1:1: AC002 cannot read the file: No such file or directory"
        in result.out
    )
    assert WITNESS_LINE in result.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_file_without_read_permission(site: Site, cli: Cli) -> None:  # pragma: no cover
    root = site({"_posts/2020-01-02-secret.md": GOOD, WITNESS: "text\n"})
    (root / "_posts/2020-01-02-secret.md").chmod(0)
    result = cli("--no-cache", "_posts")
    assert result.code == 3
    assert (
        "_posts/2020-01-02-secret.md:1:1: AC002 cannot read the file: Permission denied"
        in result.out
    )
    assert WITNESS_LINE in result.out


DELETER = """
from pathlib import Path
from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

class Deleter(Rule):
    code = "ZZZ100"
    name = "deletes-files"
    summary = "removes {target} while the run goes on"

    def check(self, post):
        Path({target!r}).unlink(missing_ok=True)
        return iter(())

@hookimpl
def ampcheck_register_rules():
    return [Deleter]
"""


def test_file_that_disappears_after_listing(site: Site, cli: Cli) -> None:
    """The first file's check deletes the second one, which was already listed."""
    root = site({"_posts/2020-01-01-a.md": "text\n", "_posts/2020-01-02-b.md": "text\n"})
    target = root / "_posts/2020-01-02-b.md"
    (root / "deleter.py").write_text(DELETER.format(target=str(target)))
    (root / ".ampcheck.toml").write_text('plugins = ["deleter.py"]\n')
    result = cli("--no-cache", "--jobs", "1", "_posts")
    assert result.code == 3
    assert (
        "_posts/2020-01-02-b.md:1:1: AC002 cannot read the file: No such file or directory"
        in result.out
    )
    assert "_posts/2020-01-01-a.md:1:1: FM001" in result.out


def test_file_that_disappears_before_its_fix_is_written(site: Site, cli: Cli) -> None:
    """The fix of a post that is deleted meanwhile is reported, and no file appears."""
    root = site({"_posts/2020-01-02-a.md": "---\ntitle: A\ntitle: B\n---\ntext\n"})
    target = root / "_posts/2020-01-02-a.md"
    (root / "deleter.py").write_text(DELETER.format(target=str(target)))
    (root / ".ampcheck.toml").write_text('plugins = ["deleter.py"]\n')
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 2
    assert "cannot write the fixed file: No such file or directory" in result.err
    assert not target.exists()


# -- links and folders --------------------------------------------------------------


def test_symlink_loops_end_with_an_error_for_the_file(site: Site, cli: Cli) -> None:
    root = site({WITNESS: "text\n"})
    posts = root / "_posts"
    (posts / "2020-01-02-self.md").symlink_to("2020-01-02-self.md")
    (posts / "2020-01-03-ping.md").symlink_to("2020-01-03-pong.md")
    (posts / "2020-01-03-pong.md").symlink_to("2020-01-03-ping.md")
    (posts / "up").symlink_to("..")
    (posts / "sub").mkdir()
    (posts / "sub" / "down").symlink_to("../sub")
    for args in ([], ["--config", str(root / "follow.toml")]):
        (root / "follow.toml").write_text("follow-symlinks = true\n")
        started = time.monotonic()
        result = cli("--no-cache", *args, "_posts")
        assert time.monotonic() - started < 10
        assert result.code == 3
        for name in ("2020-01-02-self.md", "2020-01-03-ping.md", "2020-01-03-pong.md"):
            assert (
                f"_posts/{name}:1:1: AC002 cannot read the file: Too many levels of symbolic links"
                in result.out
            )
        assert WITNESS_LINE in result.out
        assert result.out.count(WITNESS) == 1  # reached once, not again through "up"


def test_links_out_of_the_tree_are_not_followed_unless_asked(site: Site, cli: Cli) -> None:
    root = site({WITNESS: "text\n"})
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: A\ntitle: secret\n---\n")
    (outside / "2020-01-05-there.md").write_text("no front matter\n")
    (root / "_posts" / "2020-01-04-secret.md").symlink_to(outside / "secret.md")
    (root / "_posts" / "elsewhere").symlink_to(outside, target_is_directory=True)
    result = cli("--no-cache", "_posts")
    assert "secret" not in result.out and "there" not in result.out
    assert result.out.endswith("1 problem in 1 file.\n") or "in 1 file" in result.out
    # asked: by the setting, or by naming the link
    (root / ".ampcheck.toml").write_text("follow-symlinks = true\n")
    followed = cli("--no-cache", "--format", "json", "_posts")
    paths = {d["path"] for d in followed.json}
    assert "_posts/2020-01-04-secret.md" in paths
    assert "_posts/elsewhere/2020-01-05-there.md" in paths
    (root / ".ampcheck.toml").write_text("")
    named = cli("--no-cache", "--format", "json", "_posts/2020-01-04-secret.md")
    assert {d["code"] for d in named.json} == {"FM007"}


def test_fixing_through_a_link_keeps_the_link(site: Site, cli: Cli) -> None:
    root = site({"_posts/archive/2020-01-02-a.md": "---\ntitle: A\ntitle: B\n---\ntext\n"})
    link = root / "_posts" / "2020-01-02-a.md"
    link.symlink_to("archive/2020-01-02-a.md")
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 0, result.err
    assert result.untimed == "Fixed 1 problem; no problems in 1 file.\n"  # checked once
    assert link.is_symlink()
    assert (root / "_posts/archive/2020-01-02-a.md").read_text() == "---\ntitle: B\n---\ntext\n"


@pytest.mark.parametrize("folder", ["/", "../../../../../..", "~/../..", "{outside}"])
def test_layouts_dir_outside_the_site_is_taken_inside_it(site: Site, folder: str) -> None:
    """Jekyll keeps ``layouts_dir`` inside the site: ``/`` used to walk the whole file
    system and list every file name in each FM008 message (9.6 MB per post)."""
    root = site()
    outside = root.parent / f"{root.name}-outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "secret.html").write_text("x\n")
    files = {f"sub/page{i}.html": "x\n" for i in range(50)}
    site(
        {
            "_config.yml": f"layouts_dir: '{folder.format(outside=outside / 'deep')}'\n",
            "_posts/2020-01-02-a.md": "---\ntitle: A\nlayout: nothing\n---\nText\n",
            **files,
        },
        default=False,
    )
    result = run_bounded(root, "_posts", seconds=30, megabytes=1024)
    assert result.err == ""
    assert "secret" not in result.out
    if folder == "{outside}":  # that folder inside the site does not exist
        assert result.code == 0
        return
    assert result.code == 1
    (line, _) = result.out.splitlines()
    assert line == (
        "_posts/2020-01-02-a.md:3:9: FM008 layout 'nothing' is not in the site's root folder "
        "(layouts: " + ", ".join(sorted(f"sub/page{i}" for i in range(50))[:20]) + " and 30 more)"
    )


@pytest.mark.parametrize("link", [".ampcheck_cache", "CACHEDIR.TAG", ".gitignore", "entries"])
def test_cache_writes_nothing_through_a_link(site: Site, cli: Cli, link: str) -> None:
    """A repository may hold a ``.ampcheck_cache`` that is a link, or links inside it:
    a plain lint used to write ``CACHEDIR.TAG`` (backup tools skip the folder) and a
    ``.gitignore`` of ``*`` into the folder it names."""
    root = site({"_posts/2020-01-02-a.md": GOOD})
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir()
    cache = root / ".ampcheck_cache"
    if link == ".ampcheck_cache":
        cache.symlink_to(outside, target_is_directory=True)
    elif link == "entries":
        cli("_posts")  # the cache's folder of the post's entry, made a link
        (folder,) = (p for p in cache.iterdir() if p.is_dir())
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()
        folder.symlink_to(outside, target_is_directory=True)
    else:
        cache.mkdir()
        (cache / link).symlink_to(outside / "created")  # leads nowhere yet
    for _ in range(2):
        result = cli("_posts")
        assert (result.code, result.err) == (0, "")
        assert result.untimed == "No problems in 1 file.\n"
        assert list(outside.iterdir()) == []


def test_folder_of_10000_empty_files(site: Site) -> None:
    """Measured: 4 s and 41 MB in one process."""
    root = site()
    posts = root / "_posts"
    posts.mkdir()
    for i in range(10_000):
        (posts / f"2020-01-01-p{i}.md").touch()
    result = run_bounded(root, "--quiet", "_posts", seconds=120, megabytes=1024)
    assert result.code == 1
    assert result.err == ""
    assert result.out.count(": FM001 ") == 10_000
    assert result.peak_mb < 300


def test_folder_that_cannot_be_listed_is_reported(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Permissions do not stop root, so the listing fails by monkeypatch.)"""
    root = site({WITNESS: "text\n", "_posts/locked/2020-01-02-a.md": GOOD})
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("--no-cache", "--jobs", "1", "_posts")
    assert result.code == 2
    assert "_posts/locked: cannot list the folder: Permission denied" in result.err
    assert WITNESS_LINE in result.out
    del root


# -- output: file names that are not UTF-8, control characters ----------------------

# a name with a byte that is not UTF-8, as Python reads it (surrogateescape)
NOT_UTF8 = os.fsdecode(b"_posts/2018-07-02-\xff.md")
NOT_UTF8_SHOWN = "_posts/2018-07-02-\\xff.md"
DUPLICATE = "---\ntitle: A\ntitle: B\n---\ntext\n"
# a C0 or C1 control character (other than a line break) reaching an output raw
RAW_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# a C locale without Python's UTF-8 mode: ASCII output
ASCII_LOCALE = {
    "LC_ALL": "C",
    "PYTHONUTF8": "0",
    "PYTHONCOERCECLOCALE": "0",
    "PYTHONIOENCODING": "",
}
STRICT_OUTPUTS = [
    {"PYTHONIOENCODING": "utf-8:strict"},
    {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""},
    ASCII_LOCALE,
]


def _uri(result: dict[str, Any]) -> str:
    """The URI of a SARIF result's file."""
    return str(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])


def run_child(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """ampcheck in a child process whose standard streams are pipes, with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "ampcheck", *args],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("env", STRICT_OUTPUTS, ids=["utf-8-strict", "c-locale", "ascii"])
@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit", "sarif"])
def test_file_name_not_utf8_in_every_format(site: Site, fmt: str, env: dict[str, str]) -> None:
    """The undecodable byte is written ``\\xff`` (a URI's ``%FF`` in SARIF), in a
    strict UTF-8 output too, with the results cache on."""
    root = site({NOT_UTF8: DUPLICATE, WITNESS: "text\n"})
    for _ in range(2):  # the second run reads the cache
        proc = run_child(root, "--format", fmt, "_posts", env=env)
        err = proc.stderr.decode("utf-8")
        assert proc.returncode == 1, err
        assert err == ""
        out = proc.stdout.decode("utf-8")  # strict: no raw byte 0xFF
        if fmt == "text":
            assert f"{NOT_UTF8_SHOWN}:2:1: FM007 [*] key 'title' is set again" in out
        elif fmt == "github":
            assert f"::error file={NOT_UTF8_SHOWN},line=2,col=1," in out
        elif fmt == "json":
            paths = {d["path"]: d["code"] for d in json.loads(out)}
            assert paths == {NOT_UTF8_SHOWN: "FM007", WITNESS: "FM001"}
        elif fmt == "junit":
            suites = {s.get("name"): s for s in ElementTree.fromstring(out)}
            assert suites[NOT_UTF8_SHOWN].get("failures") == "1"
        else:
            results = json.loads(out)["runs"][0]["results"]
            uris = {_uri(r) for r in results}
            assert uris == {"_posts/2018-07-02-%FF.md", WITNESS}
    if fmt == "sarif":
        assert run_child(root, "--format", fmt, "--exit-zero", "_posts", env=env).returncode == 0


@pytest.mark.parametrize("env", STRICT_OUTPUTS, ids=["utf-8-strict", "c-locale", "ascii"])
def test_file_name_not_utf8_in_errors_statistics_config_and_diff(
    site: Site, env: dict[str, str]
) -> None:
    root = site({NOT_UTF8: DUPLICATE, WITNESS: "text\n"})
    (root / os.fsdecode(b"_posts/2018-07-02-gone\xfe.md")).symlink_to(root / "nowhere.md")
    proc = run_child(root, "--no-cache", "_posts", env=env)
    assert proc.returncode == 3
    assert proc.stderr == b""
    assert (
        b"_posts/2018-07-02-gone\\xfe.md:1:1: AC002 cannot read the file: No such file or "
        b"directory\n" in proc.stdout
    )
    stats = run_child(root, "--statistics", "_posts", env=env)
    assert b"FM007  front-matter-duplicate-key" in stats.stdout
    for fmt in ("text", "json"):
        shown = run_child(root, "--show-config", "--format", fmt, NOT_UTF8, env=env)
        assert shown.returncode == 0, shown.stderr
        assert NOT_UTF8_SHOWN.encode() in shown.stdout.replace(b"\\\\", b"\\")
    # a diff is the file's bytes: names are quoted as Git quotes them, which patch reads
    diff = run_child(root, "--diff", NOT_UTF8, env=env)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout.startswith(
        b'--- "a/_posts/2018-07-02-\\377.md"\n+++ "b/_posts/2018-07-02-\\377.md"\n'
    )


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit", "sarif"])
def test_every_format_in_an_ascii_locale(site: Site, fmt: str) -> None:
    """Characters ASCII lacks are escapes: the format's own where it has them."""
    root = site({"_posts/2018-07-02-a.md": "---\ntitle: A\ntïtle: B\ntïtle: C\n---\n"})
    proc = run_child(root, "--no-cache", "--format", fmt, "_posts", env=ASCII_LOCALE)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode("ascii")
    message = "key 'tïtle' is set again on line 4: this earlier value is ignored"
    if fmt in ("text", "github"):
        assert message.replace("ï", "\\xef") in out
    elif fmt == "junit":
        assert message in {f.get("message") for f in ElementTree.fromstring(out).iter("failure")}
    elif fmt == "json":
        assert message in [d["message"] for d in json.loads(out)]
    else:
        assert message in [r["message"]["text"] for r in json.loads(out)["runs"][0]["results"]]


def test_write_baseline_with_a_file_name_not_utf8(site: Site, cli: Cli) -> None:
    root = site({NOT_UTF8: DUPLICATE, WITNESS: "text\n"})
    result = cli("--write-baseline", "known.json", "_posts")
    assert result.code == 0, result.err
    assert result.err == "Wrote 2 problems in 2 files to the baseline known.json.\n"
    assert sorted(p.name for p in root.iterdir() if "known" in p.name) == ["known.json"]
    recorded = json.loads((root / "known.json").read_text(encoding="utf-8"))
    assert {p["path"] for p in recorded["problems"]} == {NOT_UTF8_SHOWN, WITNESS}
    assert cli("--baseline", "known.json", "_posts").untimed == (
        "No new problems in 2 files; 2 known from the baseline.\n"
    )
    # a run over the other file keeps the name's entry: its file still exists
    assert cli("--write-baseline", "known.json", WITNESS).code == 0
    recorded = json.loads((root / "known.json").read_text(encoding="utf-8"))
    assert {p["path"] for p in recorded["problems"]} == {NOT_UTF8_SHOWN, WITNESS}


HOSTILE_POST = (
    '---\ntitle: A\nlayout: "\\e]0;PWNED\\a\\e[2J"\n"k\\e[2J\\u009b": 1\n"k\\e[2J\\u009b": 2\n'
    "---\n\n## Same\x07\n\n## Same\x07\n"
)
ESCAPED_NAME = "_posts/2018-07-02-\\x1b]0;x\\x07\\x9b.md"


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_control_characters_never_reach_a_reader_raw(site: Site, cli: Cli, fmt: str) -> None:
    """Escape sequences in front matter, headings and file names (C0, and C1 that
    some terminals act on) are shown as ``\\xNN``."""
    site(
        {
            "_posts/2018-07-02-\x1b]0;x\x07\x9b.md": HOSTILE_POST,
            "_posts/2018-07-03-\x1b[2J.md": b"---\ntitle: A\ntitle: \xff\n---\n",
        }
    )
    result = cli("--no-cache", "--select", "ALL", "--format", fmt, "_posts")
    assert result.code == 1, result.err
    assert RAW_CONTROL_RE.search(result.out) is None
    assert RAW_CONTROL_RE.search(result.err) is None
    out = result.out
    if fmt == "junit":
        ElementTree.fromstring(out)  # valid XML 1.0, which cannot hold these characters
        out = html.unescape(out)
    assert "layout '\\x1b]0;PWNED\\x07\\x1b[2J' is not in _layouts/" in out
    assert "key 'k\\x1b[2J\\x9b' is set again on line 5" in out
    assert "the heading 'Same\\x07' repeats the heading on line 8" in out
    assert ESCAPED_NAME in out and "_posts/2018-07-03-\\x1b[2J.md" in out


def test_control_characters_in_errors_are_escaped(site: Site, cli: Cli) -> None:
    root = site({WITNESS: "text\n"})
    (root / "_posts" / "2020-01-02-\x1b]0;x\x07.md").symlink_to(root / "nowhere.md")
    result = cli("--no-cache", "_posts")
    assert result.code == 3 and result.err == ""
    assert RAW_CONTROL_RE.search(result.out) is None
    assert (
        "_posts/2020-01-02-\\x1b]0;x\\x07.md:1:1: AC002 cannot read the file: "
        "No such file or directory\n"
    ) in result.out
    (root / ".ampcheck.toml").write_text('plugins = ["\\u001b[2J.py"]\n')
    result = cli("--no-cache", "_posts")
    assert f"ampcheck: error: plugin {root}/\\x1b[2J.py failed to load: file not found" in (
        result.err
    )


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_keep_control_characters_as_escapes(site: Site, cli: Cli, fmt: str) -> None:
    """JSON writes a control character as its escape: it reads back as itself."""
    site({"_posts/2018-07-02-\x1b]0;x\x07\x9b.md": HOSTILE_POST})
    result = cli("--no-cache", "--format", fmt, "_posts")
    assert RAW_CONTROL_RE.search(result.out) is None
    assert "\\u001b]0;PWNED\\u0007\\u001b[2J" in result.out
    doc = json.loads(result.out)
    if fmt == "json":
        messages = {d["message"] for d in doc}
        paths = {d["path"] for d in doc}
    else:
        results = doc["runs"][0]["results"]
        messages = {r["message"]["text"] for r in results}
        paths = {_uri(r) for r in results}
    layouts = "(layouts: default, page, post)"
    assert f"layout '\x1b]0;PWNED\x07\x1b[2J' is not in _layouts/ {layouts}" in messages
    assert paths == {
        "_posts/2018-07-02-\x1b]0;x\x07\x9b.md"
        if fmt == "json"
        else "_posts/2018-07-02-%1B%5D0%3Bx%07%C2%9B.md"
    }


# -- time limits, special files, processes --------------------------------------------


@pytest.mark.parametrize("seconds", ["0.00001", "0.0001", "0.001"])
def test_tiny_rule_timeout_stops_rules_and_ends(site: Site, seconds: str) -> None:
    """A timer shorter than its own handler took all of the time (0.00001 never
    ended), and a second stop while the first was being reported escaped as a
    traceback ("Alarm clock" after it)."""
    # posts on which most rules take longer than the shortest tick (a millisecond)
    body = "## Part\n\nText [a](b) <b>c</b> <amp-img src=a.png width=1 height=1></amp-img>\n\n"
    files = {f"_posts/2020-01-0{i}-a.md": GOOD + body * 400 for i in range(2, 8)}
    root = site({**files, WITNESS: "text\n"})
    for args in (["--rule-timeout", seconds], ["--fix", "--rule-timeout", seconds]):
        result = run_bounded(root, *args, "_posts", seconds=60, megabytes=1024)
        assert result.code == 2
        assert "Traceback" not in result.err and "Exception ignored" not in result.err
        assert f"did not finish within {float(seconds):g} seconds, the rule-timeout" in (result.err)
        assert "ran out of time on this file" in result.err
    (root / ".ampcheck.toml").write_text(f"rule-timeout = {seconds}\n")
    configured = run_bounded(root, "_posts", seconds=60, megabytes=1024, rule_timeout=True)
    assert configured.code == 2 and "Traceback" not in configured.err


@pytest.mark.parametrize("option", ["--baseline", "--write-baseline"])
@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
def test_baseline_that_is_not_a_regular_file_is_refused(site: Site, option: str, kind: str) -> None:
    """A FIFO blocked the reader for ever, /dev/zero grew it without end; writing
    must not replace them with a file either."""
    root = site({WITNESS: "text\n"})
    if kind == "fifo":
        path, what = "pipe.json", "a FIFO"
        os.mkfifo(root / path)
    elif kind == "zero":
        path, what = "/dev/zero", "a character device"
    else:
        path, what = "baseline.json", "a folder"
        (root / path).mkdir()
    result = run_bounded(root, option, path, "_posts", seconds=30, megabytes=1024)
    assert result.code == 2
    verb = "read" if option == "--baseline" else "write"
    assert f"ampcheck: error: {path}: cannot {verb} the baseline: {what}, not a regular file" in (
        result.err
    )
    assert result.peak_mb < 200
    if kind == "fifo":
        assert (root / path).is_fifo()


def test_baseline_larger_than_the_limit_is_not_read(site: Site) -> None:
    root = site({WITNESS: "text\n"})
    with (root / "huge.json").open("wb") as fh:
        fh.truncate(300_000_000)  # sparse: costs no disk
    result = run_bounded(root, "--baseline", "huge.json", "_posts", seconds=30, megabytes=1024)
    assert result.code == 2
    assert (
        "ampcheck: error: huge.json: cannot read the baseline: more than 100,000,000 bytes"
    ) in result.err
    assert result.peak_mb < 200


def _stdin(root: Path, args: list[str], stdin: bytes | str) -> subprocess.CompletedProcess[bytes]:
    """ampcheck reading standard input: bytes, or the file at a path (/dev/zero)."""
    cmd = [sys.executable, "-m", "ampcheck", "--no-cache", *args]
    if isinstance(stdin, str):
        with open(stdin, "rb") as fh:
            return subprocess.run(cmd, cwd=root, stdin=fh, capture_output=True, timeout=60)
    return subprocess.run(cmd, cwd=root, input=stdin, capture_output=True, timeout=60)


@pytest.mark.parametrize("args", [["--fix"], ["--fix", "--unsafe-fixes"], ["--diff"], []])
def test_binary_data_on_standard_input_is_not_checked_and_passed_on(
    site: Site, args: list[str]
) -> None:
    """``--fix -`` "repaired" 36 problems of a PNG that on disk is left alone."""
    root = site()
    result = _stdin(root, [*args, "-", "--stdin-filename", "_posts/2020-01-02-image.md"], PNG)
    assert result.returncode == 3
    # the report is on standard error with --fix (standard output is the post) and --diff
    report = result.stdout if not args else result.stderr
    assert (
        b"_posts/2020-01-02-image.md:1:1: AC002 binary data (NUL bytes, not UTF-8), not a post\n"
    ) in report
    if args[:1] == ["--fix"]:
        assert result.stdout == PNG  # passed on unchanged
    else:
        assert b"PNG" not in result.stdout
    assert b"Traceback" not in result.stderr


def test_endless_standard_input_is_not_read_to_its_end(site: Site) -> None:
    """/dev/zero as standard input: at most max-file-size bytes are read."""
    root = site()
    for args in ([], ["--fix"]):
        result = _stdin(root, [*args, "-"], "/dev/zero")
        assert result.returncode == 3
        assert (
            b"-:1:1: AC002 more than max-file-size (10,000,000 bytes); "
            b"raise max-file-size to check it\n"
        ) in (result.stderr if args else result.stdout)
        assert b"\0" not in result.stdout  # not passed on: it has no end


def test_standard_input_over_the_size_limit_is_not_fixed(site: Site) -> None:
    root = site({".ampcheck.toml": "max-file-size = 1000\n"})
    data = b"---\ntitle: A\ntitle: B\n---\n" + b"x" * 5000 + b"\n"
    result = _stdin(root, ["--fix", "-"], data)
    assert result.returncode == 3
    assert b"-:1:1: AC002 more than max-file-size (1,000 bytes)" in result.stderr
    assert result.stdout == b""


UTF32_TEXT = "---\ntitle: Smile \U0001f600\nlayout: post\n---\n\nHello \U0001f600\n"


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_is_not_taken_for_utf16(site: Site, cli: Cli, codec: str) -> None:
    """UTF-32's little-endian mark begins with UTF-16's: read as UTF-16, U+1F600
    became U+F600 and U+0001, by a safe fix; big-endian UTF-32 was binary data."""
    data = ("\ufeff" + UTF32_TEXT).encode(codec)
    root = site({"_posts/2020-01-02-a.md": data})
    result = cli("--no-cache", "_posts")
    assert (
        "_posts/2020-01-02-a.md:1:1: EN002 [*] not UTF-8: the file is UTF-32 (it starts with "
        "a UTF-32 byte order mark)"
    ) in result.out
    fixed = cli("--no-cache", "--fix", "_posts")
    assert fixed.code == 0, fixed.out + fixed.err
    assert (root / "_posts/2020-01-02-a.md").read_bytes() == UTF32_TEXT.encode()
    piped = _stdin(root, ["--fix", "-", "--stdin-filename", "_posts/2020-01-02-b.md"], data)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == UTF32_TEXT.encode()


def test_utf32_cut_short_and_utf16_holding_nul_get_no_safe_fix(site: Site, cli: Cli) -> None:
    cut = ("\ufeff" + UTF32_TEXT).encode("utf-32-le")[:-1]
    nul = ("\ufeff" + UTF32_TEXT.replace("Hello", "Hel\x00lo")).encode("utf-16-le")
    root = site({"_posts/2020-01-02-cut.md": cut, "_posts/2020-01-02-nul.md": nul})
    result = cli("--no-cache", "--fix", "_posts")
    assert (
        "_posts/2020-01-02-cut.md:1:1: EN002 not UTF-8: the file starts with a UTF-32 byte "
        "order mark, but is not valid UTF-32 either (cut short?)"
    ) in result.out
    assert (
        "_posts/2020-01-02-nul.md:1:1: EN002 not UTF-8: the file starts with a UTF-16 byte "
        "order mark, but read as UTF-16 it holds U+0000, which is no text"
    ) in result.out
    assert (root / "_posts/2020-01-02-cut.md").read_bytes() == cut
    assert (root / "_posts/2020-01-02-nul.md").read_bytes() == nul


SLOW_RULE = """
import time
from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

class Slow(Rule):
    code = "ZZZ101"
    name = "takes-its-time"
    summary = "spends a tenth of a second on each post"

    def check(self, post):
        time.sleep(0.1)
        return iter(())

@hookimpl
def ampcheck_register_rules():
    return [Slow]
"""


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_stop_when_the_run_is_killed(site: Site) -> None:
    """``kill -9`` of ``ampcheck --fix --jobs N``: its workers went on fixing files
    (30 to 88 more after the kill) and lived on. They stop at once, and leave no
    half-written file."""
    duplicate = "---\ntitle: A\ntitle: B\n---\ntext\n"
    files = {f"_posts/2020-01-01-p{i:03d}.md": duplicate for i in range(120)}
    root = site({**files, "slow.py": SLOW_RULE, ".ampcheck.toml": 'plugins = ["slow.py"]\n'})
    posts = sorted((root / "_posts").iterdir())
    cmd = [sys.executable, "-m", "ampcheck", "--no-cache", "--fix", "--jobs", "2", "_posts"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while sum(p.read_text() != duplicate for p in posts) < 5:  # fixing has begun
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2
        proc.kill()
        proc.wait()
        killed = time.time()
        time.sleep(3)
        assert not [pid for pid in workers if _alive(pid)]
        # a write under way at the kill may end; none begins after it
        late = [p.name for p in posts if p.stat().st_mtime > killed + 0.5]
        assert late == []
        assert sum(p.read_text() == duplicate for p in posts) > 60  # the rest is untouched
        assert {p.read_text() for p in posts} <= {duplicate, "---\ntitle: B\n---\ntext\n"}
        assert not [p for p in (root / "_posts").iterdir() if p.name.startswith(".")]
    finally:
        proc.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_fixes_that_cannot_be_written_are_not_counted_and_stay_listed(site: Site, cli: Cli) -> None:
    """A read-only post: its fix was counted in "Fixed N problems", and its problem
    was listed nowhere."""
    duplicate = "---\ntitle: A\ntitle: B\n---\ntext\n"
    root = site({"_posts/2020-01-02-a.md": duplicate, "_posts/2020-01-03-b.md": duplicate})
    locked = root / "_posts/2020-01-02-a.md"
    locked.chmod(0o444)
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 2
    assert (
        "ampcheck: error: _posts/2020-01-02-a.md: internal error: cannot write the fixed "
        "file: the file is read-only\n"
    ) in result.err
    assert result.untimed == (
        "_posts/2020-01-02-a.md:2:1: FM007 [*] key 'title' is set again on line 3: this "
        "earlier value is ignored\n"
        "Fixed 1 problem; 1 problem (1 fixable with --fix) in 2 files.\n"
    )
    assert locked.read_text() == duplicate
    locked.chmod(0o644)
    (root / "_posts/2020-01-03-b.md").write_text(duplicate)
    locked.chmod(0o444)
    as_json = cli("--no-cache", "--fix", "--format", "json", "_posts")
    assert [(d["path"], d["code"]) for d in as_json.json] == [("_posts/2020-01-02-a.md", "FM007")]


COUNTING_RULE = """
import os
from pathlib import Path
from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

class Siblings(Rule):
    code = "ZZZ102"
    name = "counts-workers"
    summary = "writes how many processes the run started"

    def check(self, post):
        parent = os.getppid()
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    count += 1
            except (OSError, ValueError):
                pass
        with open({log!r}, "a") as log:
            log.write(f"{{count}}\\n")
        return iter(())

@hookimpl
def ampcheck_register_rules():
    return [Siblings]
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_jobs_are_capped_at_the_number_of_files(site: Site) -> None:
    """``--jobs 400`` over 45 files forked 400 workers."""
    root = site({f"_posts/2020-01-01-p{i:02d}.md": GOOD for i in range(45)})
    log = root / "workers.log"
    (root / "count.py").write_text(COUNTING_RULE.format(log=str(log)))
    (root / ".ampcheck.toml").write_text('plugins = ["count.py"]\n')
    cmd = [sys.executable, "-m", "ampcheck", "--no-cache", "--jobs", "400", "_posts"]
    result = subprocess.run(cmd, cwd=root, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = [int(line) for line in log.read_text().split()]
    assert len(counts) == 45
    assert 1 < max(counts) <= 45
