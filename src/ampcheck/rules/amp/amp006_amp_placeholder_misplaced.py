"""AMP006: a placeholder or fallback not directly inside an AMP element, or with a value."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document import layouts
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp
from ampcheck.rules.tw.tweets import nearest_ancestor

MARKERS = ("placeholder", "fallback")
# Form controls whose placeholder attribute is HTML's hint text, not AMP's marker.
FORM_CONTROLS = frozenset({"input", "textarea"})


class AmpPlaceholderMisplaced(Rule):
    code = "AMP006"
    name = "amp-placeholder-misplaced"
    summary = "A placeholder or fallback is not a direct child of an AMP element, or has a value"
    Options = amp.AmpOptions

    def check(self, post: Post) -> Iterator[Violation]:
        # outside AMP pages a placeholder or fallback attribute means something only
        # beside AMP components (a page that loads the AMP runtime for a few of them)
        if not layouts.amp_elements(post) and not layouts.is_amp_post(post, self.options.amp_key):
            return
        for el in post.html.elements:
            lower = el.lowered_attributes
            if "placeholder" not in lower and "fallback" not in lower:
                continue  # the usual case, told without parsing the attributes
            for marker in MARKERS:
                attr = el.get(marker)
                if attr is None or (marker == "placeholder" and el.name in FORM_CONTROLS):
                    continue
                if attr.value:
                    yield Violation(
                        attr.start,
                        attr.end,
                        f"{marker} takes no value (it is {attr.value!r}): write just {marker}",
                    )
                parent = el.parent
                if parent is not None and amp.is_amp_name(parent.name):
                    continue
                where = "at the top level" if parent is None else f"inside <{parent.name}>"
                outer = nearest_ancestor(post, el, "amp", amp.is_amp_name)
                hint = (
                    f": move it up to be a direct child of <{outer.name}>"
                    if outer is not None
                    else ": it must be a direct child of the AMP element it stands in for"
                )
                yield Violation(
                    attr.start,
                    attr.end,
                    f"<{el.name} {marker}> is {where}, not a direct child of an AMP element, "
                    f"so AMP ignores it{hint}",
                )
