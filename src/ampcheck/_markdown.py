"""The shared markdown-it-py parsers (created on first use).

Posts are parsed at block level only: inline parsing is most of markdown-it's work
and few rules need it, so a rule asks for the inline tokens of the blocks it reads
(:meth:`ampcheck.post.Post.inline_children`).
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


@lru_cache(maxsize=2)
def block_parser(normalize: bool = True) -> MarkdownIt:
    """The block-level parser; without ``normalize``, markdown-it's first step (CR LF
    and CR to LF, NUL to U+FFFD) is left out, for text that has neither."""
    md = _commonmark()
    md.core.ruler.disable(
        ["inline", "text_join"] if normalize else ["normalize", "inline", "text_join"]
    )
    return md


@lru_cache(maxsize=1)
def inline_parser() -> MarkdownIt:
    return _commonmark()


def parse(text: str) -> list[Token]:
    """Block tokens; ``inline`` tokens keep their source in ``content``, no children."""
    # the normalizing step substitutes every line break; text it would not change
    # (nearly every post) skips it
    return block_parser("\r" in text or "\0" in text).parse(text)


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
