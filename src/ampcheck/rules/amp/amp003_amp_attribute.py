"""AMP003: an AMP component's attribute is not allowed, has a bad value, or lacks another."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.html import Attribute, Element
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rules.amp import components as amp

# Event handlers and javascript: URLs are AMP004's, on every element.
EVENT_HANDLER_RE = re.compile(r"^on[a-z]")


class AmpAttribute(amp.AmpElementRule):
    code = "AMP003"
    name = "amp-attribute"
    summary = (
        "An AMP component has an attribute it does not allow, a bad value, or lacks one it needs"
    )

    def check_element(self, post: Post, el: Element) -> Iterator[Violation]:
        comp = amp.component_for(el)
        if comp is not None:
            table = amp.table()
            yield from _attributes(table, comp, el)
            yield from _mandatory(comp, el)


def _attributes(table: amp.ComponentTable, comp: amp.Component, el: Element) -> Iterator[Violation]:
    """Each attribute: allowed, with a good value, with the attributes it needs."""
    for attr in el.attributes:
        if EVENT_HANDLER_RE.match(attr.name):
            continue
        if not table.allows(comp, attr.name):
            yield Violation(attr.start, attr.end, f"{comp.name} has no attribute {attr.name}")
            continue
        spec = table.spec_for(comp, attr.name)
        if spec is None:
            continue
        if spec.url is not None and amp.url_scheme(attr.value or "") == "javascript":
            continue
        problem = spec.value_problem(attr.value)
        if problem is not None:
            shown = "" if attr.value is None else f"={attr.value!r}"
            yield Violation(*_value_span(attr), f"{attr.name}{shown} {problem}")
        missing = [name for name in spec.required_with(attr.value) if not el.has(name)]
        if missing:
            yield Violation(
                attr.start,
                attr.end,
                f"{attr.name} only works together with {' and '.join(missing)}",
            )


def _mandatory(comp: amp.Component, el: Element) -> Iterator[Violation]:
    """Mandatory attributes, one-of and any-of groups."""
    tag = amp.tag_name_span(el)
    for name, spec in comp.attributes.items():
        if spec.mandatory and not el.has(name):
            yield Violation(*tag, f"{comp.name} needs a {name} attribute")
    for group in comp.one_of:
        if group.rule is not None:
            continue  # reported by that rule (the table says so)
        present = [a for a in el.attributes if a.name in group.attributes]
        names = _or(group.attributes)
        if not present:
            yield Violation(*tag, f"{comp.name} needs one of {names}")
        elif len({a.name for a in present}) > 1:
            extra = next(a for a in present if a.name != present[0].name)
            yield Violation(extra.start, extra.end, f"{comp.name} takes only one of {names}")
    for group in comp.any_of:
        if not any(el.has(name) for name in group.attributes):
            yield Violation(*tag, f"{comp.name} needs {_or(group.attributes)}")


def _or(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _value_span(attr: Attribute) -> tuple[int, int]:
    if attr.value_start < attr.value_end:
        return attr.value_start, attr.value_end
    return attr.start, attr.end
