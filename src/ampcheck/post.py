"""The post a rule checks: the public name of :mod:`ampcheck.document.post` for plugins
(``from ampcheck.post import Post``)."""

from __future__ import annotations

from ampcheck.document.post import (
    Attribute,
    Comment,
    Element,
    FrontMatter,
    HtmlDocument,
    KeySpan,
    LiquidTag,
    Post,
    YamlProblem,
)

__all__ = [
    "Attribute",
    "Comment",
    "Element",
    "FrontMatter",
    "HtmlDocument",
    "KeySpan",
    "LiquidTag",
    "Post",
    "YamlProblem",
]
