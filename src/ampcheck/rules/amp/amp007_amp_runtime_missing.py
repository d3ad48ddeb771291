"""AMP007: AMP components in a post whose page never loads the AMP runtime."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document import layouts
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp


class AmpRuntimeMissing(Rule):
    code = "AMP007"
    name = "amp-runtime-missing"
    summary = (
        "AMP components in a post that is no AMP page and whose layouts do not load the "
        "AMP runtime: they show nothing"
    )
    severity = Severity.WARNING
    Options = amp.AmpOptions

    def check(self, post: Post) -> Iterator[Violation]:
        elements = layouts.amp_elements(post)
        if not elements:
            return
        decision = layouts.amp_decision(post, self.options.amp_key)
        # only where every layout and include the post renders through was read: a
        # theme gem's layout may load the runtime
        if decision.amp or not decision.complete or decision.runtime or post.site is None:
            return
        if any(
            (src := el.get("src")) is not None and layouts.RUNTIME_RE.search(src.value or "")
            for el in post.html.find_all("script")
        ):
            return  # the post loads the runtime itself
        first = elements[0]
        if decision.chain:
            chain = " -> ".join(decision.chain)
            where = f"its layout chain ({chain}) does not load the AMP runtime"
        else:
            where = "it has no layout, so nothing loads the AMP runtime"
        others = len(elements) - 1
        what = f"<{first.name}> shows nothing"
        if others:
            what = (
                f"<{first.name}> and {others} more AMP element{'s' if others > 1 else ''} "
                "show nothing"
            )
        yield Violation(
            *amp.tag_name_span(first),
            f"{what}: the post is not an AMP page ("
            f"{decision.reason}) and {where} (cdn.ampproject.org/v0.js); load the "
            "runtime and the component's script in the layout, or use plain HTML",
        )
