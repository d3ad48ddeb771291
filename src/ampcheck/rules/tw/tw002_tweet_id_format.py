"""TW002: a tweet ID is not 1-19 ASCII digits within 2^63-1."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule
from ampcheck.rules.tw.tweets import EmbedKind, embeds, id_problem, is_valid_id, recover_id

_WHAT = {
    EmbedKind.AMP: "data-tweetid",
    EmbedKind.LIQUID_TWITTER: "the tweet ID in {% twitter %}",
    EmbedKind.LIQUID_INCLUDE: "the id of {% include tweet.html %}",
}


class TweetIdFormat(Rule):
    code = "TW002"
    name = "tweet-id-format"
    summary = "A tweet ID is not 1-19 ASCII digits within 2^63-1"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        for embed in embeds(post):
            what = _WHAT.get(embed.kind)
            if what is None:
                continue  # Twitter's embed code: TW007
            value = embed.value
            if value is not None and is_valid_id(value):
                continue
            problem = id_problem(value)
            recovered = recover_id(value) if value is not None else None
            fix = None
            message = f"{what} {problem}"
            if recovered is not None:
                message += f": the tweet is {recovered}"
                fix = Fix.safe(
                    f"use the tweet ID {recovered}",
                    Edit(embed.value_start, embed.value_end, recovered),
                )
            start, end = embed.value_start, embed.value_end
            if start == end:
                start, end = embed.start, embed.end
            yield Violation(start, end, message, fix)
