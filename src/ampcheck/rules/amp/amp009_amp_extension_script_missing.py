"""AMP009: an AMP component whose extension script the post's AMP page does not load
from its layouts, or loads twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ampcheck.document.html import Element
from ampcheck.document.layouts import amp_decision, amp_elements
from ampcheck.document.post import Post
from ampcheck.document.scripts import PageScripts, page_scripts
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp
from ampcheck.rules.amp import extensions

#: the alternatives that provide a tag, each the extensions it needs together
Needs = tuple[tuple[str, ...], ...]


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
        used = _used(post)
        if not used or not amp_decision(post, self.options.amp_key).amp:
            return
        scripts = page_scripts(post, self.options.amp_key)
        if scripts is None:
            return
        in_post = Counter(_post_scripts(post))
        done: set[str] = set()
        for el, alternatives in used:
            for extension in _wanted(alternatives, scripts, in_post):
                if extension in done:
                    continue
                done.add(extension)
                count = scripts.loaded[extension] + in_post[extension]
                if count > 1:
                    yield _twice(el, extension, scripts, in_post[extension])
                elif count or extension in scripts.maybe:
                    continue
                elif not scripts.unresolved:
                    yield _missing(el, extension, scripts)
                elif self.options.report_unresolved:
                    yield _unresolved(el, extension, scripts)


def _wanted(alternatives: Needs, scripts: PageScripts, in_post: Counter[str]) -> tuple[str, ...]:
    """The extensions to judge for an element: the first alternative the page loads (or
    may load) in full, else the first one."""
    for alternative in alternatives:
        if all(scripts.loaded[ext] or in_post[ext] or ext in scripts.maybe for ext in alternative):
            return alternative
    return alternatives[0]


def _used(post: Post) -> list[tuple[Element, Needs]]:
    """The post's elements that need an extension script, with what provides them."""
    found: list[tuple[Element, Needs]] = []
    for el in _components(post):
        if el.name in ("template", "script"):
            kind = _value(el, "type" if el.name == "template" else "template")
            extension = extensions.table().templates.get(kind)
            alternatives: Needs | None = ((extension,),) if extension else None
        else:
            alternatives = extensions.needs(el.name)
        if alternatives:
            found.append((el, alternatives))
    return found


def _components(post: Post) -> list[Element]:
    """The post's AMP elements and its amp-mustache templates, in document order."""
    found = list(amp_elements(post))
    found.extend(el for el in post.html.find_all("template") if el.get("type") is not None)
    found.extend(el for el in post.html.find_all("script") if el.get("template") is not None)
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
        return f'<template type="{_value(el, "type")}">'
    if el.name == "script":
        return f'<script template="{_value(el, "template")}">'
    return f"<{el.name}>"


def _span(el: Element) -> tuple[int, int]:
    return amp.tag_name_span(el)


def _chain(scripts: PageScripts) -> str:
    return " -> ".join(scripts.chain)


def _missing(el: Element, extension: str, scripts: PageScripts) -> Violation:
    return Violation(
        *_span(el),
        f"{_what(el)} needs the {extension} extension script, which the post's AMP page "
        f"does not load (layout chain {_chain(scripts)}): add {extensions.script_tag(extension)} "
        f"to the <head> in {scripts.target}",
    )


def _twice(el: Element, extension: str, scripts: PageScripts, in_post: int) -> Violation:
    where = list(scripts.where.get(extension, ()))
    if in_post:
        where.append("the post" if in_post == 1 else f"the post ({in_post} times)")
    places = ", ".join(where)
    count = len(scripts.where.get(extension, ())) + in_post
    # the validator only warns about a few extensions loaded twice, for now
    warn = extension in extensions.table().duplicates_warn
    verdict = (
        "the AMP validator warns that this will soon be an error" if warn else "AMP allows it once"
    )
    return Violation(
        *_span(el),
        f"the {extension} extension script that {_what(el)} needs is loaded {count} times "
        f"(from {places}; layout chain {_chain(scripts)}): {verdict}; keep one in "
        f"{scripts.target}",
        severity=Severity.WARNING if warn else None,
    )


def _unresolved(el: Element, extension: str, scripts: PageScripts) -> Violation:
    return Violation(
        *_span(el),
        f"cannot tell whether the post's AMP page loads the {extension} extension script "
        f"that {_what(el)} needs (layout chain {_chain(scripts)}): "
        + "; ".join(scripts.unresolved),
        severity=Severity.WARNING,
    )
