"""AMP004: raw HTML that AMP forbids in an AMP post (scripts, iframes, handlers...)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ampcheck.document.html import Attribute, Element
from ampcheck.document.post import Post
from ampcheck.document.scripts import page_scripts
from ampcheck.model import Severity, Violation
from ampcheck.rule import OptionError
from ampcheck.rules.amp import components as amp
from ampcheck.rules.amp import html_specs

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
# The layout's own tags: a post that holds them is not judged here.
LAYOUT_TAGS = frozenset({"html", "head", "body"})
IMG_LEVELS = ("error", "warning", "off")
# A CSS vendor prefix: the validator judges -webkit-transform as transform.
VENDOR_PREFIX_RE = re.compile(r"^-(?:webkit|moz|ms|o)-")
CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Options(amp.AmpOptions):
    img: str = "error"
    extensions: tuple[str, ...] = ()


class HtmlNotAmp(amp.AmpPageRule):
    code = "AMP004"
    name = "html-not-amp"
    summary = (
        "Raw HTML that AMP forbids in an AMP post: tags AMP does not allow or not where "
        "they stand, scripts, event handlers, javascript: URLs, inline CSS AMP rejects"
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
            if name == "script":
                yield from _script(el)
            elif (
                not amp.is_amp_name(name)
                and name not in LAYOUT_TAGS
                and not html_specs.in_head(post, el)
            ):
                yield from self._element(post, el, rules.get(name))
            if _suspect(el.lowered_attributes):
                yield from _attributes(post, el)

    def _loaded(self, post: Post, extension: str) -> bool:
        """The extension is loaded for the post: named in the ``extensions`` option, or
        loaded by its layout chain (AMP009's reading), perhaps inside a Liquid block,
        or the chain cannot be read exactly (then nothing is said, as AMP009 says
        nothing)."""
        if extension in self.options.extensions:
            return True
        scripts = page_scripts(post, self.options.amp_key)
        if scripts is None:
            return False
        return bool(scripts.loaded[extension] or extension in scripts.maybe or scripts.unresolved)

    def _element(
        self, post: Post, el: Element, rule: amp.HtmlElementRule | None
    ) -> Iterator[Violation]:
        if rule is not None and rule.unchecked:
            return
        use = f": use {rule.use}" if rule is not None and rule.use else ""
        if html_specs.specs(el) is None:
            what = "is not allowed in AMP" if use else "is not an HTML tag AMP allows"
            yield Violation(*amp.tag_name_span(el), f"<{el.name}> {what}{use}")
            return
        if (
            rule is not None
            and rule.extension is not None
            and not self._loaded(post, rule.extension)
        ):
            yield Violation(
                *amp.tag_name_span(el),
                f"<{el.name}> is not allowed in AMP without the {rule.extension} extension, "
                f"which the post's layouts do not load{use}",
            )
        for problem in html_specs.problems(post, el):
            if problem.kind != "tag":
                continue
            outside = "outside <" in problem.message
            if el.name == "img" and outside:
                yield from self._img(problem)
            else:
                yield Violation(
                    problem.start, problem.end, problem.message + (use if outside else "")
                )

    def _img(self, problem: html_specs.Problem) -> Iterator[Violation]:
        level = self.options.img
        if level == "off":
            return
        yield Violation(
            problem.start,
            problem.end,
            "<img> is not allowed in AMP outside <noscript>: use <amp-img>, which AMP "
            "sizes before it loads and loads lazily",
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


def _attributes(post: Post, el: Element) -> Iterator[Violation]:
    for attr in el.attributes:
        if EVENT_HANDLER_RE.match(attr.name):
            yield Violation(
                attr.start,
                attr.end,
                f'event handler {attr.name} is not allowed in AMP: use on="tap:..." actions',
            )
        elif attr.name == "style" and attr.value:
            yield from _style(el, attr)
        elif attr.value and (attr.name in URL_ATTRIBUTES or attr.name == "srcset"):
            yield from _javascript_url(post, el, attr)


def _javascript_url(post: Post, el: Element, attr: Attribute) -> Iterator[Violation]:
    value = attr.value or ""
    urls = html_specs.srcset_urls(value) if attr.name == "srcset" else [value]
    if not any(amp.url_scheme(url) == "javascript" for url in urls):
        return
    if any(p.kind == "url" and p.start == attr.value_start for p in html_specs.problems(post, el)):
        return  # AMP011 reports it, with the protocols the attribute allows
    yield Violation(
        attr.value_start,
        attr.value_end,
        f"javascript: URLs are not allowed in AMP ({attr.name})",
    )


def _style(el: Element, attr: Attribute) -> Iterator[Violation]:
    value = attr.value or ""
    if IMPORTANT_RE.search(value):
        yield Violation(
            attr.value_start, attr.value_end, "style has !important, which AMP does not allow"
        )
        return
    if html_specs.LIQUID_RE.search(value):
        return
    variants = amp.table().html_tags.get(el.name) or ()
    allowed = next((v.style for v in variants if v.style is not None), None)
    if allowed is None:
        allowed = amp.table().style
    for prop, css_value in css_declarations(value):
        name = VENDOR_PREFIX_RE.sub("", prop)
        if name not in allowed:
            yield Violation(
                attr.value_start,
                attr.value_end,
                f"style sets {prop}, a CSS property AMP does not allow in a style attribute",
            )
        elif allowed[name] and css_value.lower() not in allowed[name]:
            yield Violation(
                attr.value_start,
                attr.value_end,
                f"style sets {prop}: {css_value}, which AMP does not allow "
                f"(only {', '.join(allowed[name])})",
            )


def css_declarations(text: str) -> list[tuple[str, str]]:
    """(property in lower case, value) of each declaration of a style attribute."""
    out = []
    for part in _declarations(CSS_COMMENT_RE.sub(" ", text)):
        name, colon, value = part.partition(":")
        if colon and name.strip():
            out.append((name.strip().lower(), value.strip()))
    return out


def _declarations(text: str) -> Iterator[str]:
    """The text split at semicolons outside strings and parentheses."""
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            yield text[start:i]
            start = i + 1
    yield text[start:]
