"""The edits behind the server's code actions, as character offsets: a suppression
comment for one diagnostic, and the one edit that turns a text into its fixed text.

A suppression is written as :mod:`ampcheck.engine.suppressions` reads it: an
``<!-- ampcheck-disable-next-line CODE -->`` line above the problem's line, with
that line's indentation. A problem in the front matter (or of a front-matter rule)
or in code gets ``<!-- ampcheck-disable-file CODE -->`` where the body begins; a
problem whose line begins inside a multi-line HTML tag gets ``ampcheck-disable``
above the tag and ``ampcheck-enable`` below it (a comment cannot stand inside a tag).
"""

from __future__ import annotations

from typing import NamedTuple

from ampcheck.document.post import Post
from ampcheck.model import Diagnostic, Edit

#: the rule family whose problems are about the front matter or the file name
FRONT_MATTER_FAMILY = "FM"


class Suppression(NamedTuple):
    """The edits that suppress a problem, and whether they do so for the whole post."""

    edits: list[Edit]
    whole_post: bool


def suppression(post: Post, d: Diagnostic) -> Suppression:
    """The edits that suppress ``d`` where it is; for the whole post when ``d`` is
    in the front matter or in code (a comment there would be text, not a
    suppression)."""
    start = post.line_offset(d.line)
    if d.start < post.body_start or d.code.startswith(FRONT_MATTER_FAMILY) or post.in_code(start):
        return Suppression([_whole_file(post, d.code)], True)
    tag = _tag_around(post, start)
    if tag is None:
        comment = f"<!-- ampcheck-disable-next-line {d.code} -->"
        return Suppression([_above(post, d.line, comment)], False)
    first, last = post.position(tag[0])[0], post.position(tag[1] - 1)[0]
    enable = f"{post.newline}{_indent(post, first)}<!-- ampcheck-enable {d.code} -->"
    disable = _above(post, first, f"<!-- ampcheck-disable {d.code} -->")
    return Suppression([disable, Edit.insertion(post.line_end(last), enable)], False)


def _whole_file(post: Post, code: str) -> Edit:
    at = post.body_start
    comment = f"<!-- ampcheck-disable-file {code} -->{post.newline}"
    if at > 0 and post.text[at - 1] != "\n":  # the front matter ends the file
        comment = post.newline + comment
    return Edit.insertion(at, comment)


def _indent(post: Post, line: int) -> str:
    start = post.line_offset(line)
    text = post.text[start : post.line_end(line)]
    return text[: len(text) - len(text.lstrip(" \t"))]


def _above(post: Post, line: int, comment: str) -> Edit:
    return Edit.insertion(post.line_offset(line), f"{_indent(post, line)}{comment}{post.newline}")


def _tag_around(post: Post, offset: int) -> tuple[int, int] | None:
    """The start tag or comment that ``offset`` falls inside (not at its start)."""
    html = post.html
    for element in html.elements:
        if element.start < offset < element.tag_end:
            return element.start, element.tag_end
    for comment in html.comments:
        if comment.start < offset < comment.end:
            return comment.start, comment.end
    return None


def replacement(before: str, after: str) -> Edit | None:
    """One edit turning ``before`` into ``after``: the part between what they begin
    and end with alike; ``None`` when they are equal."""
    if before == after:
        return None
    size = min(len(before), len(after))
    head = 0
    while head < size and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < size - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return Edit(head, len(before) - tail, after[head : len(after) - tail])
