"""Fuzzing: posts built from realistic pieces (tests/strategies.py) never crash
ampcheck, every diagnostic lies inside its file, and --fix changes only what it
reports, leaves nothing fixable and settles (a second fix changes nothing).

CI runs a few hundred examples per test; ``pytest -m fuzz`` runs the long campaign
(``AMPCHECK_FUZZ_EXAMPLES``, default 100,000), and so does ``python bench/fuzz.py``.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from ampcheck.document.html import (
    _OTHER_MARKUP_RE,
    _Closers,
    _other_markup,
    kramdown_matches,
    liquid_matches,
)
from ampcheck.document.liquid import KRAMDOWN_RE, LIQUID_RE
from ampcheck.document.markdown import _cannot_start, block_parser, parse
from ampcheck.document.post import Post
from ampcheck.engine.files import _Exclude
from ampcheck.engine.fixer import encode, fix_post
from ampcheck.engine.linter import lint
from tests.conftest import invoke
from tests.strategies import (
    NAMES,
    all_rules,
    check_post,
    file_name,
    hostile_post,
    post_bytes,
    post_text,
)

RULES = all_rules()
CI = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = settings(
    max_examples=int(os.environ.get("AMPCHECK_FUZZ_EXAMPLES", "100000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@CI
@given(post_bytes(), st.sampled_from(NAMES), st.booleans())
# what fuzzing found (and what was fixed): EN002 crashed on UTF-16 cut short; EN004
# removed the NULs of UTF-16 text, after which EN002 read other characters; FM007
# crashed on a repeated key that is not text; the position map of --fix overlapped;
# removing a NUL between undecodable bytes made them a UTF-8 character
@example(b"\xff\xfe-", NAMES[0], False)
@example(b"\xff\xfe-\x00-", NAMES[0], False)
@example(
    b"\xff\xfe<\x00a\x00m\x00p\x00-\x00t\x00w\x00i\x00t\x00t\x00e\x00r\x00>\x00\n\x00",
    NAMES[0],
    False,
)
@example(b"\xff\xfe#\x00 \x00D\x00a\x00y\x00\x00\x00.\x00\n\x00", NAMES[0], True)
@example(b"---\n?\n?\n---\n", NAMES[0], False)
@example(b"---\n1: a\n1: b\ntitle: x\n---\n", NAMES[0], False)
@example(b"Day\x1f\xc3\x82\xc2\xa7\n", NAMES[0], False)
@example(b"\xc2\x00\x80\x80\x00\xc0", NAMES[0], True)
@example("😀\n".encode("utf-32"), NAMES[0], False)
@example(b"\x00\x00\xfe\xff\x00\x00\x00-", NAMES[0], True)
def test_any_post_lints_and_fixes_safely(data: bytes, name: str, unsafe: bool) -> None:
    check_post(data, name, RULES, unsafe)


@CI
@given(post_text(), st.sampled_from(NAMES))
def test_any_text_post_lints_and_fixes_safely(text: str, name: str) -> None:
    check_post(text.encode("utf-8"), name, RULES, False)


@CI
@given(st.binary(max_size=300), st.booleans())
def test_any_bytes_lint_and_fix_safely(data: bytes, unsafe: bool) -> None:
    check_post(data, NAMES[0], RULES, unsafe)


_EN002 = [active for active in RULES if active.code == "EN002"]
# what text does not hold, and a byte order mark alone does not prove an encoding of
_NOT_TEXT_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@CI
@given(post_text(), st.sampled_from(["utf-16", "utf-16-be", "utf-32", "utf-32-be"]))
# UTF-32's little-endian mark begins with UTF-16's: U+1F600 became U+F600 and U+0001
@example("---\ntitle: 😀\n---\n", "utf-32")
@example("", "utf-32")
def test_text_with_a_byte_order_mark_is_transcoded_exactly_or_not_at_all(
    text: str, codec: str
) -> None:
    """A safe fix of a file in UTF-16 or UTF-32 gives back its text as UTF-8; a file
    cut short is left as it is or gives back the part of the text it holds."""
    data = text.encode(codec, "surrogatepass")
    if codec.endswith("-be"):
        data = "\ufeff".encode(codec) + data
    for cut in (len(data), len(data) - 1, len(data) - 2):
        fixed = fix_post(Post(NAMES[0], data[:cut]), _EN002, unsafe=False)
        result = encode(fixed.post)
        if cut == len(data) and text and not _NOT_TEXT_RE.search(text):
            assert result == text.encode("utf-8"), (data, result)
        else:
            # unchanged, or the part of the text the bytes hold
            assert result == data[:cut] or text.encode("utf-8").startswith(result), (
                data[:cut],
                result,
            )


@pytest.mark.fuzz
@LONG
@given(post_bytes(), st.sampled_from(NAMES), st.booleans())
def test_long_fuzz_campaign(data: bytes, name: str, unsafe: bool) -> None:
    check_post(data, name, RULES, unsafe)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(post_bytes(), st.booleans())
def test_command_line_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, fix: bool
) -> None:
    """What a user sees: exit 0 or 1, 3 for a binary file (not checked: AC002), or 2
    with a clean error (a fix the safety net refuses is named), never a crash; output
    that can be written (undecodable bytes never reach it raw)."""
    root = tmp_path_factory.mktemp("fuzz")
    post = root / "_posts" / "2018-07-02-day-44.md"
    post.parent.mkdir()
    post.write_bytes(data)
    args = ["--no-cache", "--select", "ALL", str(post)]
    result = invoke(*(["--fix", *args] if fix else args))
    for line in result.err.splitlines():
        assert re.match(r"ampcheck: error: .*: internal error in rule "
                        r"[A-Z]+\d+ \([a-z0-9-]+\): fix refused", line), result.err  # fmt: skip
    binary = ": AC002 binary data" in result.out
    assert result.code in ((2,) if result.err else (3,) if binary else (0, 1)), result.err
    for stream in (result.out, result.err):
        stream.encode("utf-8")  # no lone surrogates
    if not fix or binary:
        assert post.read_bytes() == data  # read-only unless asked
    json_result = invoke("--format", "json", *args)
    for d in json_result.json:
        assert isinstance(d["line"], int) and d["line"] >= 1


# a C0 or C1 control character (other than a line break) reaching an output raw
_RAW_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_UNDECODABLE_RE = re.compile("[\udc80-\udcff]")


def _uri(result: dict[str, Any]) -> str:
    """The URI of a SARIF result's file."""
    return str(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(file_name(), st.one_of(hostile_post(), post_bytes()))
@example(b"2018-07-02-\xff\x1b]0;x\x07\xc2\x9b.md", b"---\ntitle: A\ntitle: B\n---\n")
def test_any_file_name_and_text_in_every_format(
    tmp_path_factory: pytest.TempPathFactory, name: bytes, data: bytes
) -> None:
    """Every format can be written as UTF-8 and parsed; the human-facing ones show no
    control character raw; a name's undecodable bytes read ``\\xNN`` (JSON) and its
    bytes percent-encoded (SARIF)."""
    root = tmp_path_factory.mktemp("names")
    (root / "_posts").mkdir()
    shown = os.fsdecode(os.path.join(bytes(root), b"_posts", name))
    Path(shown).write_bytes(data)
    expected = _UNDECODABLE_RE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", shown)
    args = ["--no-cache", "--select", "ALL", shown]
    for fmt in ("text", "github", "junit", "json", "sarif"):
        result = invoke("--format", fmt, *args)
        finished = result.code in (0, 1) or (result.code == 3 and not result.err)  # 3: AC002
        assert finished or result.err.startswith("ampcheck: error: "), result.err
        for stream in (result.out, result.err):
            stream.encode("utf-8")  # no lone surrogates
        assert _RAW_CONTROL_RE.search(result.err) is None
        if fmt in ("text", "github", "junit"):
            assert _RAW_CONTROL_RE.search(result.out) is None
        if fmt == "junit":
            ElementTree.fromstring(result.out)
        elif fmt == "json":
            assert {d["path"] for d in result.json} <= {expected}
        elif fmt == "sarif":
            results = json.loads(result.out)["runs"][0]["results"]
            uris = {_uri(r) for r in results}
            assert uris <= {Path(shown).as_uri()}


# -- the scanners that replaced quadratic regexes find what the regexes found --------

_liquidish = st.text(st.sampled_from("{}%- raw\nendraw{{}}x"), max_size=40)
_markupish = st.text(st.sampled_from("<!?>[]-CDATA x\n"), max_size=40)


@settings(max_examples=500, deadline=None)
@given(_liquidish)
def test_liquid_scanner_matches_the_regex(text: str) -> None:
    expected = [m.span() for m in LIQUID_RE.finditer(text)]
    assert [m.span() for m in liquid_matches(text, 0)] == expected


@settings(max_examples=300, deadline=None)
@given(post_text())
def test_block_parse_is_markdown_its_own(text: str) -> None:
    """parse() leaves out markdown-it's normalizing step when it would change
    nothing: the tokens are the ones the full block parser gives."""
    assert _plain(parse(text)) == _plain(block_parser(True).parse(text))


# pieces from which every block rule can start, with and without containers
_LEAF_PIECES = [
    *"_=`~#|",
    *("___", "===", "```", "~~~", "# ", "[a]: /u", "[a]", "]:", "<div>", "<!-- x -->"),
    "a | b\n-|-\n",
]
_PLAIN_PIECES = ["a", " ", "   ", "\t", "\n", "\n\n"]
_CONTAINER_PIECES = ["> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "-", "*", "1"]
_blockish = st.one_of(
    st.lists(st.sampled_from(_LEAF_PIECES + _PLAIN_PIECES), max_size=30),
    st.lists(st.sampled_from(_LEAF_PIECES + _PLAIN_PIECES + _CONTAINER_PIECES), max_size=30),
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_blockish)
def test_block_rules_left_out_could_not_have_started(text: str) -> None:
    """parse() leaves out the block rules that cannot start in a text: the tokens are
    the ones the full block parser gives, in containers too."""
    assert _plain(parse(text)) == _plain(block_parser(True).parse(text))


def test_block_rules_are_left_out_of_a_post_that_cannot_start_them() -> None:
    post = '## Day 1\n<amp-twitter\n  data-tweetid="1">\n</amp-twitter>\n\nText.\n'
    assert set(_cannot_start(post)) == {
        "table",
        "blockquote",
        "list",
        "fence",
        "hr",
        "reference",
        "lheading",
    }
    for container in ("- item", "* item", "+ item", "1. item", "2) item", "> quote"):
        # a list item or a blockquote may hold any block
        assert _cannot_start(f"Text\n{container}\n") == ("table",)
    for text, block in [
        ("Title\n===\n", "heading_open"),
        ("a\n___\n", "hr"),
        ("```\nx\n```\n", "fence"),
        ("~~~\nx\n~~~\n", "fence"),
        ("a | b\n-|-\n", "table_open"),
        ("# Title\n", "heading_open"),
        ("<div>\n</div>\n", "html_block"),
    ]:
        assert block in [t.type for t in parse(text)]
    assert parse("[a]: /u\n") == []  # a link reference definition, no paragraph


def _plain(tokens: list[Token]) -> list[tuple[object, ...]]:
    return [
        (t.type, t.tag, t.map, t.content, t.markup, t.info, t.level, t.nesting, t.hidden)
        for t in tokens
    ]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("{}:a-z\n /"), max_size=40))
def test_kramdown_scanner_matches_the_regex(text: str) -> None:
    expected = [m.span() for m in KRAMDOWN_RE.finditer(text)]
    assert [m.span() for m in kramdown_matches(text, 0)] == expected


@settings(max_examples=500, deadline=None)
@given(_markupish)
def test_markup_scanner_matches_the_regex(text: str) -> None:
    closers = _Closers(text)
    for at in (m.start() for m in re.finditer("<[!?]", text)):
        plain = _OTHER_MARKUP_RE.match(text, at)
        bounded = _other_markup(text, at, closers)
        assert (plain and plain.span()) == (bounded and bounded.span())


_globs = st.lists(st.text(st.sampled_from("ab/.*?[]!-"), max_size=7), min_size=1, max_size=4)


@settings(max_examples=1000, deadline=None)
@given(_globs, st.text(st.sampled_from("ab/.[]-!"), max_size=9))
def test_exclude_index_matches_fnmatch(patterns: list[str], path: str) -> None:
    """``exclude`` finds the patterns that may match a path by the text before their
    first wildcard and after their last: what fnmatch says of each pattern."""
    name = path.rsplit("/", 1)[-1]
    posix = path[2:] if path.startswith("./") else path
    expected = any(fnmatch.fnmatch(posix, p) or fnmatch.fnmatch(name, p) for p in patterns)
    assert _Exclude(patterns)(path, name) is expected


@pytest.mark.parametrize("end", ["", "\n>?>]]>-->%}}}"], ids=["unclosed", "closed-at-the-end"])
@pytest.mark.parametrize(
    "piece",
    [
        "{% ",
        "{{ ",
        "<!-- ",
        "<![CDATA[ ",
        "<!X ",
        "<? ",
        "<!-- a --->",
        "{% raw %}{{",
        "<!-",
        "{: a",
    ],
)
def test_unclosed_constructs_take_linear_time(piece: str, end: str) -> None:
    """Each of these, unclosed, made a regex scan to the end of the text from every
    opening (10 s and more for 400 KB): now a 1 MB post of them is read at once."""
    body = piece * (1_000_000 // len(piece)) + end
    post = Post.from_text(NAMES[0], "---\ntitle: x\n---\n" + body)
    started = time.monotonic()
    assert post.kramdown_attribute_lists is not None and post.liquid_tags is not None
    assert post.html is not None
    assert time.monotonic() - started < 5
    result = lint(post, RULES, timeout=30)
    assert result.errors == []


@pytest.mark.parametrize(
    ("head", "piece", "tail"),
    [
        ("# a", " ", "b\n"),  # blanks before the closing #s and a header ID
        ("## a", ".", "x\n"),  # HD005's trailing marks
        ("## a", " . ", "{#id}\n"),
        ("## a {#x", "}{#x", "\n"),
        ("a\n", "=", "-\n"),  # a setext underline
        ("", "{::comment}\n\n", ""),  # block extensions without their stop tag
        ("", "{::nomarkdown}\n\n", "{:/}\n"),
        ('<amp-twitter data-tweetid="1"><blockquote placeholder>', ">", "</blockquote>"),
        ("", "<!-- ampcheck-disable-next-line HD001 -->\n#### a\n\n", ""),
        ("<!-- ampcheck-disable-next-line", " HD004", " HD002 -->\n# a\n"),
    ],
    ids=[
        "heading-blanks",
        "heading-marks",
        "heading-marks-and-id",
        "header-ids",
        "setext-underline",
        "unclosed-extension",
        "closed-at-the-end",
        "placeholder-marks",
        "suppressions",
        "suppression-keys",
    ],
)
def test_long_runs_take_linear_time(head: str, piece: str, tail: str) -> None:
    """A run repeated to 200 KB: each made some search start again at every character
    of it (seconds per heading, or the rule-timeout); every rule now ends well within
    its time. (How the time grows is measured by bench/scaling.py.)"""
    body = head + piece * (200_000 // len(piece)) + tail
    post = Post.from_text(NAMES[0], "---\ntitle: x\namp: true\n---\n" + body)
    result = lint(post, RULES, timeout=30)
    assert result.errors == []
