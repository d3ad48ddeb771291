"""The edits behind the server's code actions, as character offsets: a suppression
comment for one diagnostic, and the one edit that turns a text into its fixed text.

A suppression is written as :mod:`ampcheck.engine.suppressions` reads it: an
``<!-- ampcheck-disable-next-line CODE -->`` line above the problem's line, with
that line's indentation. A problem in the front matter (or of a front-matter rule)
or in code gets ``<!-- ampcheck-disable-file CODE -->`` where the body begins; a
problem whose line begins inside a multi-line HTML tag gets ``ampcheck-disable``
above the tag and ``ampcheck-enable`` below it (a comment cannot stand inside a tag).
Each is read back as ampcheck reads suppressions before it is offered.
"""

from __future__ import annotations

from typing import NamedTuple

from ampcheck.document.post import Post
from ampcheck.engine.edits import apply_edits
from ampcheck.engine.suppressions import Suppressions, find_suppressions
from ampcheck.model import Diagnostic, Edit

#: the rule family whose problems are about the front matter or the file name
FRONT_MATTER_FAMILY = "FM"


class Suppression(NamedTuple):
    """The edits that suppress a problem, and whether they do so for the whole post."""

    edits: list[Edit]
    whole_post: bool


def suppression(post: Post, d: Diagnostic) -> Suppression | None:
    """The edits that suppress ``d`` where it is; for the whole post when ``d`` is
    in the front matter or in code (a comment there would be text, not a
    suppression), or when the comments written there would not be read as
    suppressions (text before them that the HTML scan reads as an open tag); ``None``
    when not even that works."""
    start = post.line_offset(d.line)
    in_body = d.start >= post.body_start and not d.code.startswith(FRONT_MATTER_FAMILY)
    if in_body and not post.in_code(start):
        here = _here(post, d, start)
        if _read_back(post, here, d.code):
            return Suppression(here, False)
    whole = [_whole_file(post, d.code)]
    return Suppression(whole, True) if _read_back(post, whole, d.code) else None


def _here(post: Post, d: Diagnostic, start: int) -> list[Edit]:
    tag = _tag_around(post, start)
    if tag is None:
        return [_above(post, d.line, f"<!-- ampcheck-disable-next-line {d.code} -->")]
    first, last = post.position(tag[0])[0], post.position(tag[1] - 1)[0]
    enable = f"{post.newline}{_indent(post, first)}<!-- ampcheck-enable {d.code} -->"
    disable = _above(post, first, f"<!-- ampcheck-disable {d.code} -->")
    return [disable, Edit.insertion(post.line_end(last), enable)]


def _read_back(post: Post, edits: list[Edit], code: str) -> bool:
    """Whether ampcheck reads each comment ``edits`` write as a suppression of
    ``code``."""

    def naming(found: Suppressions) -> int:
        return sum(any(k.text == code for k in s.keys) for s in found.directives)

    after = post.with_text(apply_edits(post.text, edits))
    return naming(find_suppressions(after)) == naming(find_suppressions(post)) + len(edits)


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
