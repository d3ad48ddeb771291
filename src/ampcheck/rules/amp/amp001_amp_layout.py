"""AMP001: an AMP element has a layout that is unknown or that its component does not support."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rules.amp import components as amp

KNOWN = ", ".join(layout.value for layout in amp.Layout)


class AmpLayout(amp.AmpElementRule):
    code = "AMP001"
    name = "amp-layout"
    summary = "An AMP element has an unknown layout, or one its component does not support"

    def check_element(self, post: Post, el: Element) -> Iterator[Violation]:
        comp = amp.component(el.name)
        info = amp.layout(el)
        attr = info.attribute
        if info.layout is None:
            assert attr is not None
            start, end = _span(attr.value_start, attr.value_end, attr.start, attr.end)
            yield Violation(
                start, end, f"layout {attr.value!r} is not an AMP layout (layouts: {KNOWN})"
            )
            return
        if comp is None or info.layout in comp.layouts:
            return
        supported = ", ".join(sorted(layout.value for layout in comp.layouts))
        if attr is not None:
            start, end = _span(attr.value_start, attr.value_end, attr.start, attr.end)
            yield Violation(
                start,
                end,
                f"{comp.name} does not support layout {info.layout.value} (supported: {supported})",
            )
        else:
            hint = ""
            if info.layout is amp.Layout.CONTAINER:
                hint = "; give it a width and a height"
            yield Violation(
                *amp.tag_name_span(el),
                f"{comp.name} gets layout {info.layout.value} because {info.inferred}, "
                f"and does not support it (supported: {supported}){hint}",
            )


def _span(value_start: int, value_end: int, start: int, end: int) -> tuple[int, int]:
    return (value_start, value_end) if value_start < value_end else (start, end)
