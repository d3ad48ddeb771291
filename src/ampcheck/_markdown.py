"""The shared markdown-it-py parser (created on first use)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # kramdown, Jekyll's default, reads tables and strikethrough like GFM does.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def parse(text: str) -> list[Token]:
    return parser().parse(text)
