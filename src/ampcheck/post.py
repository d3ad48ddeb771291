"""The post a rule checks: the public name of :mod:`ampcheck.document.post` and the
parts of a post it holds, for plugins (``from ampcheck.post import Post``)."""

from __future__ import annotations

from ampcheck.document.frontmatter import FrontMatter, KeySpan, YamlProblem
from ampcheck.document.html import Attribute, Comment, Element, HtmlDocument
from ampcheck.document.liquid import LiquidTag
from ampcheck.document.post import Post

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
