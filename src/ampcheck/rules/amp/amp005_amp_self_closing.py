"""AMP005: an AMP element written as self-closing (<amp-img ... />)."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rules.amp import components as amp


class AmpSelfClosing(amp.AmpElementRule):
    code = "AMP005"
    name = "amp-self-closing"
    summary = "An AMP element is written self-closing (<amp-img ... />): HTML keeps it open"
    fixable = FixAvailability.ALWAYS

    def check_element(self, post: Post, el: Element) -> Iterator[Violation]:
        text = post.text
        if not el.self_closing:
            return
        # WHATWG HTML 13.2.6: "/>" on a non-void element is ignored; the element stays
        # open and swallows what follows, up to its parent's end tag.
        slash = el.tag_end - 2
        assert text[slash : el.tag_end] == "/>"
        start = slash
        while text[start - 1] in " \t":
            start -= 1
        raw_name = text[el.start + 1 : el.start + 1 + len(el.name)]
        yield Violation(
            el.start,
            el.tag_end,
            f"<{raw_name} ... /> does not close the element in HTML: everything after "
            f"it ends up inside it; write <{raw_name} ...></{raw_name}>",
            Fix.safe(f"close it with </{raw_name}>", Edit(start, el.tag_end, f"></{raw_name}>")),
        )
