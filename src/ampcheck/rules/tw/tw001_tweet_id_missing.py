"""TW001: an amp-twitter names no tweet, moment or timeline, or more than one."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp

# The attributes that say what an amp-twitter shows, when the table does not name them.
IDENTIFYING = ("data-tweetid", "data-momentid", "data-timeline-source-type")


def identifying_attributes() -> tuple[str, ...]:
    """The one-of group of amp-twitter that the component table gives to TW001."""
    comp = amp.component("amp-twitter")
    if comp is not None:
        for group in comp.one_of:
            if group.rule == TweetIdMissing.code:
                return group.attributes
    return IDENTIFYING


class TweetIdMissing(Rule):
    code = "TW001"
    name = "tweet-id-missing"
    summary = "An amp-twitter has no data-tweetid (or moment, timeline), or more than one"

    def check(self, post: Post) -> Iterator[Violation]:
        names = identifying_attributes()
        for el in post.html.find_all("amp-twitter"):
            present = [a for a in el.attributes if a.name in names]
            if not present:
                start, end = amp.tag_name_span(el)
                yield Violation(
                    start,
                    end,
                    "amp-twitter shows nothing without data-tweetid "
                    f"(or {' or '.join(n for n in names if n != 'data-tweetid')})",
                )
            elif len({a.name for a in present}) > 1:
                first, second = present[0], next(a for a in present if a.name != present[0].name)
                yield Violation(
                    second.start,
                    second.end,
                    f"amp-twitter has both {first.name} and {second.name}: it takes exactly one",
                )
