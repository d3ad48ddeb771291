"""Hypothesis strategies that build posts from realistic pieces, and the properties
every post must keep (used by tests/test_fuzz.py and bench/fuzz.py).

A post is put together from front matter with odd YAML, headings, amp-twitter blocks
with mangled attributes, Twitter's embed code, Liquid, code fences, HTML comments and
suppressions, mojibake and control characters, joined with LF, CRLF or lone CR line
endings; then, as bytes, it may get a byte order mark, bytes that are not UTF-8, a
legacy code page, or be cut at any byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

from ampcheck import plugins
from ampcheck.document.post import Post
from ampcheck.engine.fixer import allowed, encode, fix_post
from ampcheck.engine.linter import LintResult, lint
from ampcheck.engine.registry import ActiveRule
from ampcheck.model import Diagnostic

NAMES = (
    "_posts/2018-07-02-day-44.md",
    "_posts/2018-7-4-day-46.md",
    "_posts/2018-02-30-bad-date.markdown",
    "_drafts/draft.md",
    "index.html",
)

# -- pieces ------------------------------------------------------------------------

_words = st.sampled_from(
    [
        "Day", "44", "tweet", "Trump’s", "café", "naïve", "日本語", "🙂", "&amp;", "&mdash;",
        "a\u00a0b", "x", "", " ", "\t", "Ã©", "â€™", "‚Äô", "Ã¢â‚¬â„¢", "\ufffd", "\u200b",
        "\u202e", "\x00", "\x07", "\x1b[1m", "\x7f", "\x85", "\x9d", "\ufeff", "\f", "\v",
        "#", "*", "_", "`", "[", "]", "(", ")", "<", ">", "{", "}", "%", "\\", "|", "-", "!",
        "?", ":", "'", '"', "=", "&", ";",
        # kramdown's extensions and header IDs, runs of blanks and marks (what the
        # linear-time searches for a heading's end and a stop tag look at)
        "{::comment}", "{:/comment}", "{:/}", "{#id}", "{: #id .c}", " \t  \t ", "\\.", "..",
        "==", "-=", "##",
    ]
)  # fmt: skip
_free_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.text(st.sampled_from("ab <>&#*_`[]{}%\"'=\n\r\t-:!"), max_size=12)
text_runs = st.lists(_words | _free_text, max_size=6).map("".join)

_yaml_lines = st.sampled_from(
    [
        "title: Day 44", 'title: "Day 44"', "title: 'unclosed", 'title: "unclosed',
        "title:", "title: ~", "title: [a, b]", "title: {a: 1}", "title: 44",
        "date: 2018-07-02 10:00:00 +0200", "date: 2018-07-02", "date: 2018-02-30",
        "date: 2018-13-45 99:99", "date: yesterday", "date: [2018]", "date: 2018-07-03",
        "date: 2018-07-02 23:30:00 -0500", "date: 2018-07-01 22:00:00 +0000",
        "layout: post", "layout: posts", "layout: amp/post", "layout: 3",
        "tags: [a, b", "tags: 2018", "tags: [a, [b]]", "tags:\n  - a\n  - 2",
        "categories: x y", "amp: true", "amp: false", "published: no",
        "a: &x [1, 2]", "b: *x", "c: *undefined", "d: &y {k: *y}",
        "e: !!python/object/apply:os.system ['echo pwned']", "f: !!binary aGk=",
        "g: !custom tag", "? complex\n: key", "\ttitle: tab", "  indented: 1",
        "{", "[", "- list", "key: value: nested", "title: Day 44", "title: dup",
        "ampcheck: {ignore: [FM007]}", "ampcheck: {ignore: ALL}", "ampcheck: 3",
        "description: |\n  block\n  text", "x: >-\n  folded", "---", "...",
        "redirect_from:\n  - /amp/post/2018/07/02/day-44.html",
        "1: x", "yes: y", "true: t", "null: n", "2018-07-02: z", ".nan: n", "1.0: f",
        "date: !!timestamp x", "x: !!bool maybe", "x: !!bool [1]", "x: !!int x",
    ]
)  # fmt: skip
_good_yaml = st.lists(
    st.sampled_from(
        ["title: Day 44", "title: Day 45", "date: 2018-07-02", "date: 2018-07-03 01:00:00 +0200",
         "layout: post", "layout: posts", "tags: [a, b]", "tags: 2018", "amp: true"]
    ),
    min_size=1,
    max_size=6,
)  # fmt: skip
front_matter = st.one_of(
    st.just(""),
    _good_yaml.map(lambda lines: "---\n" + "".join(line + "\n" for line in lines) + "---\n"),
    st.lists(_yaml_lines | text_runs, max_size=8).map(
        lambda lines: "---\n" + "".join(line + "\n" for line in lines) + "---\n"
    ),
    st.lists(_yaml_lines, max_size=4).map(lambda lines: "---\n" + "\n".join(lines)),  # unclosed
    st.sampled_from(["--- \n---\n", "---\r\n---\r\n", "---\n...\n", "----\n---\n"]),
)

_tweet_id = st.one_of(
    st.sampled_from(
        [
            "1013761897622065152", "999691956111343616", "20", "0", "9223372036854775807",
            "9223372036854775808", "12345678901234567890", "", " 1013761897622065152",
            "1013761897622065152\f", "1e18", "１２３", "abc", "-1", "101376189762206515２",
        ]
    ),
    st.integers(0, 2**64).map(str),
)  # fmt: skip
_attr_name = st.sampled_from(
    [
        "width", "height", "layout", "data-tweetid", "data-momentid", "data-timeline-source-type",
        "data-cards", "sizes", "heights", "class", "id", "onclick", "style", "src", "alt",
        "placeholder", "fallback", "DATA-TWEETID", "Layout", "data-tweetid ",
    ]
)  # fmt: skip
_attr_value = st.one_of(
    _tweet_id,
    st.sampled_from(
        [
            "400", "0", "-1", "auto", "100%", "responsive", "fixed", "fill", "nodisplay",
            "flex-item", "container", "intrinsic", "fixed-height", "bogus", "javascript:x()",
            "color:red !important", "https://twitter.com/a/status/1013761897622065152",
        ]
    ),
    text_runs,
)  # fmt: skip


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(_attr_name)
    if draw(st.booleans()):
        return f" {name}"
    value = draw(_attr_value)
    quote = draw(st.sampled_from(['"', "'", "", '"', "'\""]))
    space = draw(st.sampled_from([" ", "\n             ", "\t", " \f", "  "]))
    return f"{space}{name}={quote}{value}{quote if len(quote) < 2 else ''}"


@st.composite
def amp_twitter(draw: st.DrawFn) -> str:
    tag = draw(
        st.sampled_from(["amp-twitter", "amp-twitter", "AMP-TWITTER", "amp-img", "amp-youtube"])
    )
    attrs = "".join(draw(st.lists(attribute(), max_size=6)))
    close = draw(st.sampled_from([">", " />", "", ">\n"]))
    parts = [f"<{tag}{attrs}{close}"]
    if draw(st.booleans()):
        tid = draw(_tweet_id)
        marker = draw(st.sampled_from([" placeholder", ' placeholder=""', " fallback", ""]))
        parts.append(
            f'\n    <blockquote{marker}><p lang="en" dir="ltr">{draw(text_runs)}</p>&mdash; '
            f'Someone (@someone) <a href="https://twitter.com/someone/status/{tid}'
            f'?ref_src=twsrc%5Etfw">{draw(st.sampled_from(["July 2, 2018", "May 24, 2018", "x"]))}'
            "</a></blockquote>\n"
        )
    if draw(st.booleans()):
        parts.append(f"</{tag}>")
    return "".join(parts)


well_formed_tweet = st.builds(
    lambda tid, link, width, text: (
        f'<amp-twitter width="{width}" height="472" layout="responsive" '
        f'data-tweetid="{tid}">\n    <blockquote placeholder><p lang="en" dir="ltr">{text}</p>'
        f'&mdash; A (@a) <a href="https://twitter.com/a/status/{link}">July 2, 2018</a>'
        "</blockquote>\n</amp-twitter>"
    ),
    st.sampled_from(["1013761897622065152", "999691956111343616"]),
    st.sampled_from(["1013761897622065152", "999691956111343616", "1"]),
    st.sampled_from(["375", "400", "auto"]),
    text_runs,
)

twitter_embed = st.builds(
    lambda tid, text, script: (
        f'<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">{text}</p>'
        f'&mdash; A (@a) <a href="https://twitter.com/a/status/{tid}">July 2, 2018</a>'
        "</blockquote>\n"
        + ('<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">'
           "</script>\n" if script else "")
    ),
    _tweet_id,
    text_runs,
    st.booleans(),
)  # fmt: skip

heading = st.builds(
    lambda level, text, closing: "#" * level + " " + text + closing,
    st.integers(1, 7),
    text_runs,
    st.sampled_from(["", " #", " ##", ".", ":", "!", "?", " #not"]),
) | st.builds(lambda text, under: f"{text}\n{under}", text_runs, st.sampled_from(["===", "---"]))

liquid = st.sampled_from(
    [
        "{% raw %}", "{% endraw %}", "{{ page.title }}", "{{", "{%", "%}", "}}",
        "{% highlight ruby %}\n<amp-img />\n{% endhighlight %}", "{% highlight html %}",
        "{% endhighlight %}", "{% comment %}<script>{% endcomment %}", "{% comment %}",
        "{% include tweet.html id=1013761897622065152 %}", "{%- if x -%}y{%- endif -%}",
        "{: .class #id}", "{::options parse_block_html=\"true\" /}",
    ]
)  # fmt: skip

code = st.one_of(
    st.builds(
        lambda fence, info, body, close: f"{fence}{info}\n{body}\n{close}",
        st.sampled_from(["```", "~~~", "````", "  ```"]),
        st.sampled_from(["", "html", "md", " ruby {.x}"]),
        text_runs | amp_twitter(),
        st.sampled_from(["```", "~~~", "", "````"]),
    ),
    st.builds(lambda body: "    " + body, text_runs),
    st.builds(lambda body: f"`{body}`", text_runs),
    st.builds(lambda body: f"``{body}``", text_runs),
)

html = st.sampled_from(
    [
        "<!-- comment -->", "<!--", "-->", "<!-- ampcheck-disable TW002 -->",
        "<!-- ampcheck-enable -->", "<!-- ampcheck-disable-next-line -->",
        "<!-- ampcheck-disable-line AMP -->", "<!-- ampcheck-disable-file EN004 -->",
        "<!-- ampcheck-disable bogus-rule -->", "<div>", "</div>", "<p>", "</span>",
        "<script>alert(1)</script>", "<iframe src=x></iframe>", "<img src=x onerror=y>",
        "<a href=\"javascript:alert(1)\">x</a>", "<style>p{}</style>", "<![CDATA[ x ]]>",
        "<?php ?>", "<!DOCTYPE html>", "<br/>", "<amp-img src=a.png width=1 height=1 />",
        "<div placeholder>", "<textarea placeholder=x>", "<table><tr><td>x</td></tr></table>",
    ]
)  # fmt: skip

block = st.one_of(
    text_runs,
    heading,
    amp_twitter(),
    well_formed_tweet,
    twitter_embed,
    liquid,
    code,
    html,
    st.builds(lambda t: f"> {t}", text_runs),
    st.builds(lambda t: f"- {t}", text_runs),
    st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
)

_line_endings = st.sampled_from(["\n", "\n", "\r\n", "\r", "\n\n"])


@st.composite
def post_text(draw: st.DrawFn) -> str:
    """The text of a post: front matter and body blocks, with line endings."""
    fm = draw(front_matter)
    blocks = draw(st.lists(block, max_size=8))
    ending = draw(_line_endings)
    mixed = draw(st.booleans())
    parts = [fm]
    for b in blocks:
        parts.append(b)
        parts.append(draw(_line_endings) if mixed else ending)
    text = "".join(parts)
    if ending == "\r\n" and not mixed:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


@st.composite
def post_bytes(draw: st.DrawFn) -> bytes:
    """A post as bytes: mostly UTF-8, sometimes with a BOM, undecodable bytes, a
    legacy code page, UTF-16 or UTF-32, or cut at any byte."""
    text = draw(post_text())
    data = text.encode("utf-8")
    damage = draw(
        st.sampled_from(["none", "none", "bom", "bytes", "legacy", "utf16", "utf32", "cut"])
    )
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "bytes" and data:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data)))
            junk = draw(st.sampled_from([b"\x80", b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80"]))
            data = data[:at] + junk + data[at:]
    elif damage == "legacy":
        codec = draw(st.sampled_from(["cp1252", "latin-1", "mac_roman"]))
        data = text.encode(codec, "replace")
    elif damage == "utf16":
        data = text.encode("utf-16")
    elif damage == "utf32":  # either byte order, with its mark
        data = draw(st.sampled_from([b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]))
        data += text.encode("utf-32-le" if data[0] else "utf-32-be")
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]  # truncated at any byte
    return data


# pieces of a file name or of front matter that no output may pass on raw: bytes that
# are not UTF-8, escape sequences (C0 and C1), line breaks, and what formats quote
_hostile_pieces = st.sampled_from(
    [
        b"day", b"44", b"-", b" ", "café".encode(), b"\xff", b"\x80", b"\xc3", b"\x1b[2J",
        b"\x1b]0;x\x07", b"\xc2\x9b31m", b"\x07", b"\t", b"\n", b"\r", b"\x7f", b"\\",
        b'"', b"'", b"%", b":", b",", b"<&>", "\ufffe".encode(),
    ]
)  # fmt: skip


@st.composite
def file_name(draw: st.DrawFn) -> bytes:
    """The name of a post, as bytes: a dated name with hostile pieces in its title."""
    title = b"".join(draw(st.lists(_hostile_pieces, min_size=1, max_size=6)))
    return b"2018-07-02-" + title + draw(st.sampled_from([b".md", b".markdown"]))


@st.composite
def hostile_post(draw: st.DrawFn) -> bytes:
    """A post whose front matter, headings and text hold hostile pieces."""

    def piece() -> bytes:
        return b"".join(draw(st.lists(_hostile_pieces, min_size=1, max_size=4)))

    def quoted() -> bytes:  # YAML escapes of control characters, in a double-quoted string
        return b'"' + draw(st.sampled_from([b"\\e[2J", b"\\e]0;x\\a", b"\\x9b", b"x"])) + b'"'

    return b"".join(
        [
            b"---\ntitle: " + quoted() + b"\nlayout: " + quoted() + b"\n",
            quoted() + b": 1\n" + quoted() + b": 2\n---\n\n",
            b"## " + piece() + b"\n\n## " + piece() + b"\n\n" + piece() + b"\n",
        ]
    )


# -- the rules and the properties --------------------------------------------------


def all_rules() -> list[ActiveRule]:
    """Every built-in rule, including those that are off by default."""
    return plugins.load(autoload=False).rules.select(["ALL"])


@dataclass
class Checked:
    """What checking one input found (for statistics)."""

    diagnostics: int = 0
    fixed: int = 0
    codes: set[str] = field(default_factory=set)
    #: rules whose fix the safety net refused (a finding to report to the rule)
    refused: set[str] = field(default_factory=set)


def check_diagnostics_inside(post: Post, diagnostics: Sequence[Diagnostic]) -> None:
    """Every line and column lies inside the file (a column may point just past the
    last character of its line, at the line ending)."""
    lines = post.text.split("\n")
    for d in diagnostics:
        for line, col in ((d.line, d.column), (d.end_line, d.end_column)):
            assert 1 <= line <= len(lines), d
            width = len(lines[line - 1]) - (1 if line == 1 and post.has_bom else 0)
            assert 1 <= col <= width + 1, d
        assert (d.line, d.column) <= (d.end_line, d.end_column), d
        assert 0 <= d.start <= d.end <= len(post.text), d


def byte_offsets(text: str) -> list[int]:
    """``offsets[i]``: the byte offset of character ``i`` in the encoded text."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8", "surrogateescape")))
    return offsets


def check_only_spans_changed(before: bytes, after: bytes, spans: list[tuple[int, int]]) -> None:
    """``after`` is ``before`` with only the byte ``spans`` replaced (by anything):
    the bytes between the spans are all there, in order, and the text before the
    first span and after the last one is unchanged."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    keep: list[bytes] = []
    pos = 0
    for a, b in merged:
        keep.append(before[pos:a])
        pos = b
    keep.append(before[pos:])
    if len(keep) == 1:
        assert after == before
        return
    assert after.startswith(keep[0]), (before, after, merged)
    assert after.endswith(keep[-1]), (before, after, merged)
    at = len(keep[0])
    stop = len(after) - len(keep[-1])
    assert at <= stop, (before, after, merged)
    for piece in keep[1:-1]:
        found = after.find(piece, at, stop)
        assert found != -1, (before, after, merged, piece)
        at = found + len(piece)


def check_post(data: bytes, name: str, rules: Sequence[ActiveRule], unsafe: bool) -> Checked:
    """The properties every input keeps; raises AssertionError when one does not.

    A rule's fix that the safety net refuses (it would damage the post) is the one
    clean error allowed: it is named, and only that rule's problems stay unfixed.
    """
    post = Post(name, data)
    found = lint(post, rules)
    assert found.errors == [], found.errors
    check_diagnostics_inside(post, found.diagnostics)

    outcome = fix_post(post, rules, unsafe=unsafe)
    assert outcome.refused is None, outcome.remaining.errors
    refused = set()
    for error in outcome.remaining.errors:
        assert error.rule is not None and error.message.startswith("fix refused"), error
        refused.add(error.rule.split()[0])

    def fixable(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
        return [d for d in diagnostics if allowed(d.fix, unsafe) and d.code not in refused]

    fixed = outcome.post
    fixed_bytes = encode(fixed)
    checked = Checked(
        len(found.diagnostics), len(outcome.applied), {d.code for d in found.diagnostics}, refused
    )
    if not outcome.changed:
        assert fixed_bytes == data
        assert not fixable(found.diagnostics), found.diagnostics
        return checked

    # the fixed text re-lints clean of fixable problems, and what is left is reported
    again = lint(Post(name, fixed_bytes), rules)
    assert again.errors == []
    assert not fixable(again.diagnostics), again.diagnostics
    assert _plain(again) == _plain(outcome.remaining)
    check_diagnostics_inside(fixed, again.diagnostics)
    # fixing again changes nothing
    second = fix_post(Post(name, fixed_bytes), rules, unsafe=unsafe)
    assert not second.changed and encode(second.post) == fixed_bytes
    # only the spans the applied fixes replaced changed, byte for byte; each holds a
    # problem that was reported (on the first pass, or on a later one, which a fix
    # before it revealed)
    offsets = byte_offsets(post.text)
    spans = [(offsets[a], offsets[b]) for a, b in outcome.spans]
    check_only_spans_changed(data, fixed_bytes, spans)
    assert outcome.applied and all(allowed(d.fix, unsafe) for d in outcome.applied)
    return checked


def _plain(result: LintResult) -> list[tuple[object, ...]]:
    return [(d.code, d.line, d.column, d.message) for d in result.diagnostics]
