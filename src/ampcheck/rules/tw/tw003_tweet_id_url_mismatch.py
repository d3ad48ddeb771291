"""TW003: the placeholder's status URL names another tweet than data-tweetid."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.tw.tweets import EmbedKind, embeds, placeholder_of, status_link, status_url_id


class TweetIdUrlMismatch(Rule):
    code = "TW003"
    name = "tweet-id-url-mismatch"
    summary = "The placeholder of an amp-twitter links to another tweet than its data-tweetid"

    def check(self, post: Post) -> Iterator[Violation]:
        for embed in embeds(post):
            if embed.kind is not EmbedKind.AMP or embed.element is None:
                continue
            if embed.tweet_id is None:
                continue  # no ID to compare: TW002
            placeholder = placeholder_of(embed.element)
            if placeholder is None:
                continue
            link = status_link(placeholder)
            if link is None:
                continue
            href = link.get("href")
            assert href is not None and href.value is not None
            linked = status_url_id(href.value)
            if linked is None or linked == embed.tweet_id:
                continue
            line = post.position(embed.value_start)[0]
            yield Violation(
                href.value_start,
                href.value_end,
                f"the placeholder links to tweet {linked}, but data-tweetid on line {line} "
                f"is {embed.tweet_id}: one of them is another tweet",
            )
