"""Tweet IDs: snowflake times, the ID format, status URLs, and a post's embeds."""

from __future__ import annotations

import datetime as dt

import pytest

from ampcheck.document.post import Post
from ampcheck.rules.tw.tweets import (
    EmbedKind,
    created_at,
    embeds,
    id_problem,
    is_valid_id,
    printed_date,
    recover_id,
    status_url_id,
)

UTC = dt.timezone.utc


def test_snowflake_time_of_the_example_in_twitters_documentation() -> None:
    # developer.twitter.com, "Tweet object": id 1050118621198921728, created_at
    # "Wed Oct 10 20:19:24 +0000 2018"
    assert created_at("1050118621198921728") == dt.datetime(
        2018, 10, 10, 20, 19, 24, 211000, tzinfo=UTC
    )


def test_snowflake_time_of_an_invented_id() -> None:
    created = created_at("1106210626511938227")
    assert created is not None
    assert created.replace(microsecond=0) == dt.datetime(2019, 3, 14, 15, 9, tzinfo=UTC)


@pytest.mark.parametrize("tweet_id", ["20", "29700859247"])
def test_ids_older_than_snowflakes_have_no_time(tweet_id: str) -> None:
    assert is_valid_id(tweet_id)
    assert created_at(tweet_id) is None


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1", True),
        ("9223372036854775807", True),
        ("9223372036854775808", False),  # 2^63
        ("99999999999999999999", False),  # 20 digits
        ("0", False),
        ("01106210626511938227", False),
        ("", False),
        ("\uff11\uff12\uff13", False),  # fullwidth digits are not ASCII
        ("123 ", False),
    ],
)
def test_id_format(value: str, valid: bool) -> None:
    assert is_valid_id(value) is valid
    assert (id_problem(value) is None) is valid


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/datanotes_demo/status/1106210626511938227",
        "http://twitter.com/datanotes_demo/statuses/1106210626511938227",
        "https://www.twitter.com/datanotes_demo/status/1106210626511938227?s=20",
        "https://mobile.twitter.com/datanotes_demo/status/1106210626511938227/photo/1",
        "https://x.com/datanotes_demo/status/1106210626511938227?ref_src=twsrc%5Etfw",
        "https://twitter.com/#!/datanotes_demo/status/1106210626511938227",
        "https://twitter.com/i/web/status/1106210626511938227",
        "twitter.com/datanotes_demo/status/1106210626511938227",
    ],
)
def test_status_urls(url: str) -> None:
    assert status_url_id(url) == "1106210626511938227"
    assert recover_id(url) == "1106210626511938227"


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/datanotes_demo",
        "https://twitter.com/datanotes_demo/lists/pi",
        "https://example.org/datanotes_demo/status/1106210626511938227",
        "https://t.co/Xk2pQa9LmB",
    ],
)
def test_not_status_urls(url: str) -> None:
    assert status_url_id(url) is None


@pytest.mark.parametrize(
    ("value", "recovered"),
    [
        ("1106210626511938227\f", "1106210626511938227"),
        (" 1106210626511938227\n", "1106210626511938227"),
        ("11062106\u200b26511938227", "1106210626511938227"),
        ("1106210626511938227a", None),
        ("01106210626511938227", None),
        ("https://twitter.com/datanotes_demo/status/0123", None),
    ],
)
def test_recovering_the_intended_id(value: str, recovered: str | None) -> None:
    assert recover_id(value) == recovered


def test_problems_name_invisible_characters() -> None:
    assert id_problem("1106210626511938227\f") == (
        "'1106210626511938227\\x0c' contains a form feed (U+000C)"
    )
    assert "zero width space (U+200B)" in (id_problem("1\u200b2") or "")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("July 2, 2018", dt.date(2018, 7, 2)),
        ("Mar 14, 2019", dt.date(2019, 3, 14)),
        ("Sept. 3, 2019", dt.date(2019, 9, 3)),
        ("2 juillet 2018", None),
        ("February 30, 2019", None),
    ],
)
def test_printed_dates(text: str, day: dt.date | None) -> None:
    assert printed_date(text) == day


def test_embeds_of_a_post_in_every_form() -> None:
    post = Post.from_text(
        "_posts/2019-03-14-pi-day-links.md",
        "---\ntitle: Pi day links\n---\n"
        '<amp-twitter width="375" height="472" layout="responsive" '
        'data-tweetid="1106210626511938227\f">\n'
        '  <blockquote placeholder class="twitter-tweet"><p>π</p>&mdash; Data Notes '
        '<a href="https://twitter.com/datanotes_demo/status/1106210626511938227">'
        "March 14, 2019</a></blockquote>\n</amp-twitter>\n\n"
        '<blockquote class="twitter-tweet"><p>π</p><a href="https://x.com/d/status/20">'
        "March 21, 2006</a></blockquote>\n\n"
        "{% twitter https://twitter.com/datanotes_demo/status/1106263726400651473 %}\n"
        '{% include tweet.html id="1105758396654613410" %}\n'
        '{% include other.html id="1" %}\n'
        '```html\n<amp-twitter data-tweetid="1104713511642243073"></amp-twitter>\n```\n',
    )
    found = [(e.kind, e.value, e.tweet_id) for e in embeds(post)]
    assert found == [
        (EmbedKind.AMP, "1106210626511938227\f", "1106210626511938227"),
        (EmbedKind.BLOCKQUOTE, "20", "20"),
        (EmbedKind.LIQUID_TWITTER, "1106263726400651473", "1106263726400651473"),
        (EmbedKind.LIQUID_INCLUDE, "1105758396654613410", "1105758396654613410"),
    ]
    include = embeds(post)[-1]
    assert post.text[include.value_start : include.value_end] == "1105758396654613410"
