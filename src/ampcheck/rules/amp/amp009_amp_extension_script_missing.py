"""AMP009: an AMP component whose extension script the post's AMP page does not load
from its layouts, or loads twice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ampcheck.document.html import Element
from ampcheck.document.layouts import amp_decision, amp_elements
from ampcheck.document.post import Post
from ampcheck.document.scripts import PageScripts, page_scripts
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp

#: components of the AMP runtime itself: no extension script
BUILT_IN = frozenset({"amp-img", "amp-pixel", "amp-layout"})
#: tags provided by another extension than the one of their own name (the validator's
#: ``requires_extension``); every other ``amp-*`` tag is its own extension
EXTENSION_OF = {
    "amp-embed": "amp-ad",
    "amp-state": "amp-bind",
    "amp-bind-macro": "amp-bind",
    "amp-list-load-more": "amp-list",
    "amp-inline-gallery-pagination": "amp-inline-gallery",
    "amp-inline-gallery-thumbnails": "amp-inline-gallery",
    "amp-web-push-widget": "amp-web-push",
    "amp-story-page": "amp-story",
    "amp-story-grid-layer": "amp-story",
    "amp-story-cta-layer": "amp-story",
    "amp-story-bookend": "amp-story",
    "amp-story-animation": "amp-story",
}
#: tag prefixes whose tags all come from one extension
EXTENSION_PREFIXES = (
    ("amp-story-interactive-", "amp-story-interactive"),
    ("amp-story-shopping-", "amp-story-shopping"),
)
#: the version of an extension's script where it is not 0.1
VERSIONS = {"amp-story": "1.0"}
TEMPLATE = "amp-mustache"


def extension_of(tag: str) -> str | None:
    """The extension whose script an ``amp-*`` tag needs (``None``: built in)."""
    tag = tag.lower()
    if tag in BUILT_IN:
        return None
    known = amp.component(tag)
    if known is not None:
        return known.extension
    for prefix, extension in EXTENSION_PREFIXES:
        if tag.startswith(prefix):
            return extension
    return EXTENSION_OF.get(tag, tag)


def script_tag(extension: str) -> str:
    attribute = "custom-template" if extension == TEMPLATE else "custom-element"
    version = VERSIONS.get(extension, "0.1")
    return (
        f'<script async {attribute}="{extension}" '
        f'src="https://cdn.ampproject.org/v0/{extension}-{version}.js"></script>'
    )


@dataclass(frozen=True, slots=True)
class ExtensionScriptOptions:
    """The front-matter key of AMP pages, and whether to say what could not be read."""

    amp_key: str = "amp"
    report_unresolved: bool = False


class AmpExtensionScriptMissing(Rule):
    code = "AMP009"
    name = "amp-extension-script-missing"
    summary = (
        "An AMP component whose extension script the post's layouts do not load, or "
        "load twice: the page is invalid AMP"
    )
    severity = Severity.ERROR
    Options = ExtensionScriptOptions

    def check(self, post: Post) -> Iterator[Violation]:
        used = _used_extensions(post)
        if not used or not amp_decision(post, self.options.amp_key).amp:
            return
        scripts = page_scripts(post, self.options.amp_key)
        if scripts is None:
            return
        in_post = _post_scripts(post)
        for extension, el in used.items():
            count = scripts.loaded[extension] + in_post.count(extension)
            if count > 1:
                yield _twice(el, extension, scripts, in_post.count(extension))
            elif count or extension in scripts.maybe:
                continue
            elif not scripts.unresolved:
                yield _missing(el, extension, scripts)
            elif self.options.report_unresolved:
                yield _unresolved(el, extension, scripts)


def _used_extensions(post: Post) -> dict[str, Element]:
    """Each extension the post's components need, with the first element needing it."""
    used: dict[str, Element] = {}
    for el in _components(post):
        if el.name == "template" or el.name == "script":
            extension: str | None = TEMPLATE
        else:
            extension = extension_of(el.name)
        if extension is not None:
            used.setdefault(extension, el)
    return used


def _components(post: Post) -> list[Element]:
    """The post's AMP elements and its amp-mustache templates, in document order."""
    found = list(amp_elements(post))
    for el in post.html.find_all("template"):
        if _value(el, "type") == TEMPLATE:
            found.append(el)
    for el in post.html.find_all("script"):
        if _value(el, "template") == TEMPLATE:
            found.append(el)
    return sorted(found, key=lambda el: el.start)


def _value(el: Element, name: str) -> str:
    attr = el.get(name)
    return (attr.value or "").strip().lower() if attr is not None else ""


def _post_scripts(post: Post) -> list[str]:
    """The extensions the post loads itself (scripts in its body)."""
    found: list[str] = []
    for el in post.html.find_all("script"):
        for name in ("custom-element", "custom-template"):
            value = _value(el, name)
            if value:
                found.append(value)
    return found


def _what(el: Element) -> str:
    if el.name == "template":
        return f'<template type="{TEMPLATE}">'
    if el.name == "script":
        return f'<script template="{TEMPLATE}">'
    return f"<{el.name}>"


def _span(el: Element) -> tuple[int, int]:
    return amp.tag_name_span(el)


def _chain(scripts: PageScripts) -> str:
    return " -> ".join(scripts.chain)


def _missing(el: Element, extension: str, scripts: PageScripts) -> Violation:
    return Violation(
        *_span(el),
        f"{_what(el)} needs the {extension} extension script, which the post's AMP page "
        f"does not load (layout chain {_chain(scripts)}): add {script_tag(extension)} "
        f"to the <head> in {scripts.target}",
    )


def _twice(el: Element, extension: str, scripts: PageScripts, in_post: int) -> Violation:
    where = list(scripts.where.get(extension, ()))
    if in_post:
        where.append("the post" if in_post == 1 else f"the post ({in_post} times)")
    places = ", ".join(where)
    return Violation(
        *_span(el),
        f"the {extension} extension script that {_what(el)} needs is loaded "
        f"{len(scripts.where.get(extension, ())) + in_post} times (from {places}; layout "
        f"chain {_chain(scripts)}): AMP allows it once; keep one in {scripts.target}",
    )


def _unresolved(el: Element, extension: str, scripts: PageScripts) -> Violation:
    return Violation(
        *_span(el),
        f"cannot tell whether the post's AMP page loads the {extension} extension script "
        f"that {_what(el)} needs (layout chain {_chain(scripts)}): "
        + "; ".join(scripts.unresolved),
        severity=Severity.WARNING,
    )
