"""ampcheck's view of a post's blocks against real kramdown (Jekyll's converter).

The Ruby script ``tests/kramdown/blocks.rb`` prints the block elements kramdown 2.4
makes of a text with Jekyll's options (GFM input); the tests compare them with what
ampcheck reads, on tricky posts and on every case of the rule book. They need Ruby
with the kramdown and kramdown-parser-gfm gems (Debian's ``jekyll`` package), and
are skipped without them.
"""

from __future__ import annotations

import bisect
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ampcheck.document import kramdown
from ampcheck.document.post import Post
from ampcheck.rules.hd.headings import headings

HERE = Path(__file__).parent / "kramdown"
RULE_BOOK = Path(__file__).parent.parent / "rules"
# the block types both sides name alike (a definition's terms are one block here)
TYPES = frozenset(
    {"header", "p", "codeblock", "html_element", "xml_comment", "blockquote", "ul", "ol"}
    | {"li", "dl", "dd", "table", "hr", "math"}
)


def _ruby_blocks(texts: list[str]) -> list[list[list[object]]]:
    if shutil.which("ruby") is None:
        pytest.skip("ruby is not installed (apt-get install jekyll brings it and kramdown)")
    items = [{"text": t} for t in texts]
    done = subprocess.run(
        ["ruby", str(HERE / "blocks.rb")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        if "cannot load such file" in done.stderr:
            pytest.skip("the kramdown gems are not installed (apt-get install jekyll)")
        raise AssertionError(done.stderr)
    result: list[list[list[object]]] = json.loads(done.stdout)
    return [[e[:4] for e in found if e[0] != "dt"] for found in result]


def _ours(post: Post) -> tuple[str, list[list[object]]]:
    """The body kramdown is given (after Liquid, as ampcheck reads it) and ampcheck's
    blocks of it: [type, line, level, depth], lines counted in the body."""
    doc = post.kramdown
    assert doc is not None
    body_start = post.body_start
    text = post.text.replace("\r", " ")
    body = kramdown.liquid_neutral(text, post.liquid_tags)[body_start:]
    starts = [0] + [m.end() for m in re.finditer("\n", body)]
    blocks = [
        [b.type, bisect.bisect_right(starts, b.start - body_start), b.level, b.depth]
        for b in doc.blocks
        if b.type in TYPES
    ]
    return body, blocks


def _posts() -> list[tuple[str, str]]:
    found = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("posts/*.md"))]
    for path in sorted(RULE_BOOK.glob("*.cases.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            if "files" in case:
                continue  # a site of its own (options that change the converter)
            for key in ("pass", "fail"):
                if isinstance(case.get(key), str):
                    found.append((f"{doc['rule']}-{case['name']}", case[key]))
    return found


def test_blocks_equal_kramdowns() -> None:
    posts = _posts()
    ours = [_ours(Post.from_text("_posts/2020-01-01-a.md", text)) for _name, text in posts]
    theirs = _ruby_blocks([body for body, _blocks in ours])
    differ = [
        (name, mine, real)
        for (name, _text), (_body, mine), real in zip(posts, ours, theirs, strict=True)
        if mine != real
    ]
    assert not differ, "\n".join(f"{n}:\n  ampcheck {m}\n  kramdown {r}" for n, m, r in differ[:5])


def test_headings_are_kramdowns_headers() -> None:
    posts = _posts()
    parsed = [Post.from_text("_posts/2020-01-01-a.md", text) for _name, text in posts]
    ours = [_ours(post) for post in parsed]
    theirs = _ruby_blocks([body for body, _blocks in ours])
    for (name, _text), post, (_body, _mine), real in zip(posts, parsed, ours, theirs, strict=True):
        offset = post.body_first_line - 1
        want = [
            (int(str(line)) + offset, level) for kind, line, level, _d in real if kind == "header"
        ]
        got = [(h.line, h.level) for h in headings(post)]
        assert got == want, name


def test_tricky_posts_are_tricky() -> None:
    """The tricky posts hold what CommonMark and kramdown read differently."""
    post = Post.from_text("p.md", (HERE / "posts" / "pre-with-blank-lines.md").read_text())
    assert [(h.line, h.text) for h in headings(post)] == [(1, "Title"), (9, "Real")]
    post = Post.from_text("p.md", (HERE / "posts" / "unclosed-amp-twitter.md").read_text())
    assert headings(post) == []  # the open element takes in the rest of the post
