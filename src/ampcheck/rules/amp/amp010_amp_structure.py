"""AMP010: an AMP component inside an element the validator forbids around it, or with
child elements its tag spec does not allow."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document import layouts
from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp


class AmpStructure(Rule):
    code = "AMP010"
    name = "amp-structure"
    summary = (
        "An AMP component stands inside an element the AMP validator forbids around it, "
        "or has child elements it does not allow"
    )

    def check(self, post: Post) -> Iterator[Violation]:
        elements = layouts.amp_elements(post)
        if not elements:
            return
        table = amp.table()
        around = _around(post, table)
        for el in elements:
            comp = amp.component_for(el)
            if comp is None:
                continue
            for outer in around.get(id(el), ()):
                if outer in comp.disallowed_ancestors:
                    yield Violation(
                        *amp.tag_name_span(el), f"<{el.name}> may not stand inside <{outer}>"
                    )
                    break
            if comp.children is not None:
                yield from _children(post, el, comp.children, f"<{el.name}>")
        for name, specs in table.nested.items():
            for el in post.html.find_all(name):
                yield from _nested(post, el, specs)


def _around(post: Post, table: amp.ComponentTable) -> dict[int, tuple[str, ...]]:
    """For each element inside one that some component may not stand in, the names of
    those around it (outermost first), in one pass over the document."""
    watched = {
        a
        for variants in table.variants.values()
        for comp in variants
        for a in comp.disallowed_ancestors
    }
    around: dict[int, tuple[str, ...]] = {}
    for el in post.html.elements:  # document order: a parent comes before its children
        parent = el.parent
        if parent is None:
            continue
        outer = around.get(id(parent), ())
        if parent.name in watched and parent.name not in outer:
            outer = (*outer, parent.name)
        if outer:
            around[id(el)] = outer
    return around


def _nested(post: Post, el: Element, specs: tuple[amp.Nested, ...]) -> Iterator[Violation]:
    """An HTML element directly inside the AMP component its spec names."""
    parent = el.parent
    for spec in specs:
        if parent is None or parent.name != spec.parent:
            continue
        if not all(el.has(name) for name in spec.dispatch):
            continue  # the validator judges it as an ordinary element
        where = f"<{el.name}> inside <{parent.name}>"
        for name in spec.mandatory:
            if not el.has(name):
                yield Violation(*amp.tag_name_span(el), f"{where} needs a {name} attribute")
        if spec.children is not None:
            yield from _children(post, el, spec.children, where)
        return


def _children(post: Post, el: Element, rule: amp.ChildTags, where: str) -> Iterator[Violation]:
    kids = el.children
    for kid in kids:
        if rule.names and kid.name not in rule.names:
            allowed = ", ".join(f"<{n}>" for n in sorted(rule.names))
            yield Violation(
                *amp.tag_name_span(kid),
                f"<{kid.name}> may not be a child of {where} (allowed: {allowed})",
            )
    if not el.closed or _loose_text(post, el):
        return  # Markdown or text between the children: their count is not known here
    if rule.first and kids and kids[0].name not in rule.first:
        allowed = ", ".join(f"<{n}>" for n in sorted(rule.first))
        yield Violation(
            *amp.tag_name_span(kids[0]),
            f"the first child of {where} must be one of {allowed}, not <{kids[0].name}>",
        )
    count = len(kids)
    if rule.exactly is not None and count != rule.exactly:
        plural = "s" * (rule.exactly != 1)
        yield Violation(
            *amp.tag_name_span(el),
            f"{where} must have {rule.exactly} child element{plural}, not {count}",
        )
    elif rule.minimum is not None and count < rule.minimum:
        yield Violation(
            *amp.tag_name_span(el),
            f"{where} must have at least {rule.minimum} child elements, not {count}",
        )


def _loose_text(post: Post, el: Element) -> bool:
    """Whether text stands directly in the element, outside its child elements."""
    assert el.close_start is not None
    pos = el.tag_end
    text = post.text
    for kid in el.children:
        if text[pos : kid.start].strip():
            return True
        pos = kid.end
    return bool(text[pos : el.close_start].strip())
