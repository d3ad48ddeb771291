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
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


def run_bounded(root: Path, *args: str, seconds: float, megabytes: int = 2048) -> Bounded:
    """ampcheck in a child process that may use at most ``megabytes`` of address space
    and is killed after ``seconds``; with its wall time and peak resident memory."""

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    cmd = [sys.executable, "-c", PEAK_WRAPPER, "--no-cache", "--jobs", "1", *args]
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
    assert result.code in (0, 1, 2), result.err[-2000:]  # not killed, not crashed
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
    assert result.code == 2
    assert (
        "ampcheck: error: _posts/2020-01-02-big.md: not checked: 52,428,819 bytes is more "
        "than max-file-size (10,000,000 bytes); raise max-file-size to check it"
    ) in result.err
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


def test_deep_nesting_that_makes_a_rule_slow_is_stopped_by_the_time_budget(site: Site) -> None:
    """Some rules walk up from every element to its ancestors (quadratic in the
    depth): the time budget stops them, the error names them, the rest is linted."""
    root = site({WITNESS: "text\n"})
    body = '<blockquote class="twitter-tweet" placeholder>' * 100_000
    (root / "_posts" / "2020-01-02-deep.md").write_text(f"---\ntitle: Deep\n---\n{body}\n")
    result = run_bounded(root, "--rule-timeout", "1", "_posts", seconds=60)
    assert result.code == 2
    assert "ran out of time" in result.err or "did not finish within 1 seconds" in result.err
    assert WITNESS_LINE in result.out


# -- files that are not posts -------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"
    b"\x00\x1f\xf3\xffa" + bytes(range(256)) * 8
)


def test_binary_file_with_md_name_is_not_checked_and_never_changed(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-image.md": PNG, WITNESS: "text\n"})
    for args in (["_posts"], ["--fix", "_posts"], ["--fix", "--unsafe-fixes", "_posts"]):
        result = cli("--no-cache", *args)
        assert result.code == 2
        assert (
            "ampcheck: error: _posts/2020-01-02-image.md: not checked: binary data (NUL bytes, "
            "not UTF-8), not a post" in result.err
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
    assert result.code == 2
    assert "_posts/2020-01-02-pipe.md: not checked: a FIFO, not a regular file" in result.err
    assert WITNESS_LINE in result.out
    named = cli("--no-cache", "_posts/2020-01-02-pipe.md")
    assert "not checked: a FIFO" in named.err


def test_dangling_link_is_unreadable(site: Site, cli: Cli) -> None:
    root = site({WITNESS: "text\n"})
    (root / "_posts" / "2020-01-02-gone.md").symlink_to(root / "nowhere.md")
    result = cli("--no-cache", "_posts")
    assert result.code == 2
    assert "_posts/2020-01-02-gone.md: cannot read: No such file or directory" in result.err
    assert WITNESS_LINE in result.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_file_without_read_permission(site: Site, cli: Cli) -> None:  # pragma: no cover
    root = site({"_posts/2020-01-02-secret.md": GOOD, WITNESS: "text\n"})
    (root / "_posts/2020-01-02-secret.md").chmod(0)
    result = cli("--no-cache", "_posts")
    assert "_posts/2020-01-02-secret.md: cannot read: Permission denied" in result.err
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
    assert result.code == 2
    assert "_posts/2020-01-02-b.md: cannot read: No such file or directory" in result.err
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
        assert result.code == 2
        for name in ("2020-01-02-self.md", "2020-01-03-ping.md", "2020-01-03-pong.md"):
            assert f"_posts/{name}: cannot read: Too many levels of symbolic links" in result.err
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
