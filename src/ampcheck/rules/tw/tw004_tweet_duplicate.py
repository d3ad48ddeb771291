"""TW004: the same tweet is embedded twice in one post."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.tw.tweets import Embed, embeds


class TweetDuplicate(Rule):
    code = "TW004"
    name = "tweet-duplicate"
    summary = "The same tweet is embedded twice in one post"

    def check(self, post: Post) -> Iterator[Violation]:
        seen: dict[str, Embed] = {}
        for embed in embeds(post):
            if embed.tweet_id is None:
                continue
            first = seen.setdefault(embed.tweet_id, embed)
            if first is embed:
                continue
            line = post.position(first.start)[0]
            how = "" if first.kind is embed.kind else f" (as {first.kind.value})"
            yield Violation(
                embed.start,
                embed.end,
                f"tweet {embed.tweet_id} is already embedded on line {line}{how}",
            )
