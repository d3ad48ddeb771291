"""AMP004: raw HTML that AMP forbids in an AMP post (scripts, iframes, handlers...)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import OptionError
from ampcheck.rules.amp import components as amp
from ampcheck.rules.tw.tweets import nearest_ancestor

# AMP validator: <script> in the body only for JSON data (structured data, component
# configuration); everything else runs through AMP's own runtime and extensions.
JSON_TYPES = frozenset({"application/ld+json", "application/json"})
EVENT_HANDLER_RE = re.compile(r"^on[a-z]")
IMPORTANT_RE = re.compile(r"!\s*important", re.IGNORECASE)
# Attributes that hold a URL a browser may follow or load (WHATWG HTML attribute index).
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "poster", "cite", "data", "background",
        "longdesc", "usemap", "xlink:href", "manifest", "icon", "ping",
    }
)  # fmt: skip
KNOWN_SCRIPTS = (
    (
        re.compile(r"platform\.(?:twitter|x)\.com/widgets\.js"),
        "<amp-twitter> (TW007 converts tweets)",
    ),
    (re.compile(r"instagram\.com/embed\.js"), "<amp-instagram>"),
    (re.compile(r"connect\.facebook\.net/"), "<amp-facebook>"),
    (re.compile(r"gist\.github\.com/"), "<amp-gist>"),
)
IMG_LEVELS = ("warning", "error", "off")


@dataclass(frozen=True, slots=True)
class Options(amp.AmpOptions):
    img: str = "warning"
    extensions: tuple[str, ...] = ()


class HtmlNotAmp(amp.AmpPageRule):
    code = "AMP004"
    name = "html-not-amp"
    summary = (
        "Raw HTML that AMP forbids in an AMP post: scripts, iframes, embeds, event handlers, "
        "javascript: URLs"
    )
    Options = Options

    @classmethod
    def parse_options(cls, raw: Mapping[str, Any]) -> Any:
        options = super().parse_options(raw)
        if options.img not in IMG_LEVELS:
            raise OptionError(
                f"{cls.code}.img: {options.img!r} is not one of {', '.join(IMG_LEVELS)}"
            )
        return options

    def check_amp(self, post: Post) -> Iterator[Violation]:
        rules = amp.table().html
        for el in post.html.elements:
            name = el.name
            rule = rules.get(name)
            if rule is not None:
                yield from self._element(post, el, rule)
            elif name == "script":
                yield from _script(el)
            elif name == "img":
                yield from self._img(post, el)
            if _suspect(el.lowered_attributes):
                yield from _attributes(el)

    def _element(self, post: Post, el: Element, rule: amp.HtmlElementRule) -> Iterator[Violation]:
        allowed_in = rule.allowed_in
        if allowed_in and nearest_ancestor(post, el, " ".join(allowed_in), allowed_in.__contains__):
            return
        if rule.extension is not None and rule.extension in self.options.extensions:
            return
        where = f" outside <{'>, <'.join(rule.allowed_in)}>" if rule.allowed_in else ""
        yield Violation(
            *amp.tag_name_span(el), f"<{el.name}> is not allowed in AMP{where}: use {rule.use}"
        )

    def _img(self, post: Post, el: Element) -> Iterator[Violation]:
        if not el.has("src") and not el.has("srcset"):
            yield Violation(*amp.tag_name_span(el), "<img> needs a src or a srcset")
            return
        level = self.options.img
        if level == "off" or nearest_ancestor(post, el, "noscript", _is_noscript):
            return
        yield Violation(
            *amp.tag_name_span(el),
            "<img> works in AMP, but <amp-img> is preferred: AMP sizes it before it loads "
            "and loads it lazily",
            severity=Severity.WARNING if level == "warning" else Severity.ERROR,
        )


def _script(el: Element) -> Iterator[Violation]:
    kind = el.get("type")
    if kind is not None and (kind.value or "").strip().lower() in JSON_TYPES:
        return
    src = el.get("src")
    use = "an AMP component, or <amp-script>"
    if src is not None and src.value:
        for pattern, replacement in KNOWN_SCRIPTS:
            if pattern.search(src.value):
                use = replacement
                break
    yield Violation(
        *amp.tag_name_span(el),
        f'<script> is only allowed in AMP for JSON data (type="application/ld+json"): use {use}',
    )


# Start tags that may hold an event handler, a style or a javascript: URL (entities,
# and tabs and newlines inside a value, can hide the scheme); others need not have
# their attributes parsed.
_HANDLER_RE = re.compile(r"\son")
_BROKEN_VALUE_RE = re.compile(r"""=\s*"[^"]*[\t\n\r]|=\s*'[^']*[\t\n\r]""")


def _suspect(lower: str) -> bool:
    """Whether a start tag's attribute text (in lower case) may hold any of them
    (plain ``in`` tests first: they are the quickest)."""
    return (
        "style" in lower
        or "script" in lower
        or "&" in lower
        or ("on" in lower and _HANDLER_RE.search(lower) is not None)
        or (
            ("\n" in lower or "\t" in lower or "\r" in lower)
            and _BROKEN_VALUE_RE.search(lower) is not None
        )
    )


def _attributes(el: Element) -> Iterator[Violation]:
    for attr in el.attributes:
        if EVENT_HANDLER_RE.match(attr.name):
            yield Violation(
                attr.start,
                attr.end,
                f'event handler {attr.name} is not allowed in AMP: use on="tap:..." actions',
            )
        elif attr.name == "style" and attr.value and IMPORTANT_RE.search(attr.value):
            yield Violation(
                attr.value_start, attr.value_end, "style has !important, which AMP does not allow"
            )
        elif (
            attr.name in URL_ATTRIBUTES
            and attr.value
            and amp.url_scheme(attr.value) == "javascript"
        ):
            yield Violation(
                attr.value_start,
                attr.value_end,
                f"javascript: URLs are not allowed in AMP ({attr.name})",
            )


def _is_noscript(name: str) -> bool:
    return name == "noscript"
