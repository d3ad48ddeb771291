"""The markup a Jekyll post holds beside Markdown and HTML: Liquid tags and output, and
kramdown's attribute lists and extensions."""

from __future__ import annotations

import re
from typing import NamedTuple

# Liquid (Shopify Liquid and Jekyll): tags {% %} and output {{ }}, with whitespace control.
LIQUID_RE = re.compile(
    r"\{%-?\s*(?P<tag>[A-Za-z_][\w]*)?(?P<markup>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.DOTALL
)


LIQUID_OPEN_RE = re.compile(r"\{[%{]")


# Blocks whose content is not Markdown/HTML for a linter: comments and code.
LIQUID_OPAQUE = {"comment": "endcomment", "highlight": "endhighlight"}


# kramdown inline attribute lists and extensions: {: .class #id key="v"}, {::options ... /}
KRAMDOWN_RE = re.compile(r"\{:(?!:)[^}\n]*\}|\{::[a-z]+[^}\n]*/?\}")


class LiquidTag(NamedTuple):
    """A Liquid tag (``{% name markup %}``) or output (``{{ markup }}``)."""

    start: int
    end: int
    name: str | None
    markup: str
    is_output: bool
