"""The shared markdown-it-py parsers (created on first use).

Posts are parsed at block level only: inline parsing is most of markdown-it's work
and few rules need it, so a rule asks for the inline tokens of the blocks it reads
(:meth:`ampcheck.document.post.Post.inline_children`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


def _commonmark() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # kramdown, Jekyll's default, reads tables and strikethrough like GFM does.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@lru_cache(maxsize=32)
def block_parser(normalize: bool = True, absent: tuple[str, ...] = ()) -> MarkdownIt:
    """The block-level parser; without ``normalize``, markdown-it's first step (CR LF
    and CR to LF, NUL to U+FFFD) is left out, for text that has neither; the block
    rules named in ``absent`` are left out, for text in which they cannot start."""
    md = _commonmark()
    md.core.ruler.disable(
        ["inline", "text_join"] if normalize else ["normalize", "inline", "text_join"]
    )
    if absent:
        md.block.ruler.disable(list(absent))
    return md


# markdown-it tries its block rules where a line's text starts (after spaces and
# tabs), and, inside a blockquote or a list item, after their markers. A text in
# which no line starts with a container's marker has no containers, and each other
# rule can start only on a line that starts with one of its characters.
_LINE_START_RE = re.compile(r"^[ \t]*(.)", re.MULTILINE)
_CONTAINER_STARTS = frozenset(">-*+0123456789")
# the characters each other rule can start with, less those of a container
_LEAF_STARTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fence", frozenset("`~")),
    ("hr", frozenset("_")),  # and - or *
    ("reference", frozenset("[")),
    ("html_block", frozenset("<")),
    ("heading", frozenset("#")),
    ("lheading", frozenset("=")),  # and -
)


def _cannot_start(text: str) -> tuple[str, ...]:
    """Block rules that cannot start anywhere in ``text`` (which has LF line breaks)."""
    absent = () if "|" in text else ("table",)  # a table's header row has a "|"
    starts = set(_LINE_START_RE.findall(text))
    if starts & _CONTAINER_STARTS:
        return absent
    leaves = tuple(rule for rule, chars in _LEAF_STARTS if not starts & chars)
    return (*absent, "blockquote", "list", *leaves)


@lru_cache(maxsize=1)
def inline_parser() -> MarkdownIt:
    return _commonmark()


def parse(text: str) -> list[Token]:
    """Block tokens; ``inline`` tokens keep their source in ``content``, no children."""
    if "\r" in text or "\0" in text:
        return block_parser(True).parse(text)
    # The normalizing step substitutes every line break, and every block rule is
    # tried on every line (lheading, and a paragraph for each of its lines, also try
    # the rules that may end a paragraph). A post needs neither normalizing nor most
    # rules: leaving them out gives the same tokens in 30% less time.
    return block_parser(False, _cannot_start(text)).parse(text)


# Characters that can start inline syntax (CommonMark 6: escapes, code, emphasis,
# links, images, raw HTML, entities, breaks; ~ for strikethrough).
_INLINE_SYNTAX_RE = re.compile(r"[\\`*_\[\]!<&~\n]|  ")


def parse_inline(content: str) -> list[Token]:
    """The inline tokens of one block's content."""
    if not _INLINE_SYNTAX_RE.search(content):
        # plain text: what markdown-it would return, without running it
        from markdown_it.token import Token

        return [Token("text", "", 0, content=content)] if content else []
    tokens = inline_parser().parseInline(content)
    return list(tokens[0].children or []) if tokens else []
