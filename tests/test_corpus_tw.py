"""Real posts: what the tweet (TW) and AMP rules find in the dstotd blog, exactly."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import DSTOTD, invoke

pytestmark = pytest.mark.skipif(not DSTOTD.is_dir(), reason=f"{DSTOTD} is not present")

DAY_1_EMBEDS = (24, 32, 37, 46, 54, 61, 68, 75, 80, 88, 94, 100)

EXPECTED = {
    # amp-twitter elements with no placeholder: the blog's first post
    *(("2018-05-20-day-1.md", line, 1, "TW006") for line in DAY_1_EMBEDS),
    # the same tweet embedded twice in a post (reported at the second embed)
    ("2018-06-01-day-13.md", 231, 1, "TW004"),
    ("2018-06-12-day-24.md", 79, 1, "TW004"),
    ("2018-06-15-day-27.md", 130, 1, "TW004"),
    # a form feed pasted after the digits of data-tweetid
    ("2018-06-25-day-37.md", 50, 28, "TW002"),
    ("2018-07-03-day-45.md", 186, 28, "TW002"),
}

# tweets created more than two days after the post's date (their placeholders print
# the same later dates, so the IDs are right and the post dates are early): reported
# only with TW005's compare-post-date, which a tweets-of-the-day blog turns on
LATE_TWEETS = {
    *(("2018-07-12-day-54.md", line, 28, "TW005") for line in (85, 105, 112, 140, 147)),
    ("2018-07-17-day-59.md", 36, 28, "TW005"),
    ("2018-07-17-day-59.md", 42, 28, "TW005"),
}


def _findings(path: Path, *args: str) -> list[dict[str, object]]:
    result = invoke(str(path), "--select", "TW,AMP", "--format", "json", *args)
    assert result.err == ""
    return result.json


def test_tweet_and_amp_findings_are_exactly_the_known_ones() -> None:
    found = _findings(DSTOTD)
    assert {
        (Path(str(d["path"])).name, d["line"], d["column"], d["code"]) for d in found
    } == EXPECTED
    assert len(found) == len(EXPECTED)
    counts = Counter(str(d["code"]) for d in found)
    assert counts == {"TW006": 12, "TW004": 3, "TW002": 2}
    severities = {str(d["code"]): d["severity"] for d in found}
    assert severities["TW006"] == "warning"


def test_late_tweets_are_found_when_the_blog_compares_post_dates(tmp_path: Path) -> None:
    config = tmp_path / "ampcheck.toml"
    config.write_text("[rules.tweet-date-mismatch]\ncompare-post-date = true\n")
    found = _findings(DSTOTD, "--config", str(config), "--no-cache")
    late = {
        (Path(str(d["path"])).name, d["line"], d["column"], d["code"])
        for d in found
        if d["code"] == "TW005"
    }
    assert late == LATE_TWEETS
    assert {d["severity"] for d in found if d["code"] == "TW005"} == {"warning"}


def test_fixing_the_form_feeds_changes_only_them(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    names = ("2018-06-25-day-37.md", "2018-07-03-day-45.md")
    for name in names:
        shutil.copyfile(DSTOTD / name, posts / name)  # the corpus is read-only
    result = invoke(str(posts), "--select", "TW002", "--fix", "--format", "json")
    assert result.code == 0, result.out + result.err
    assert result.json == []
    for name in names:
        before = (DSTOTD / name).read_bytes()
        assert (posts / name).read_bytes() == before.replace(b'\f">', b'">', 1)
    assert [d["code"] for d in _findings(posts)] == []


def test_a_lost_end_tag_is_found_and_put_back_in_every_post(tmp_path: Path) -> None:
    # one </amp-twitter> line taken out of each post: AMP008 reports that embed alone,
    # and its fix gives back the post byte for byte
    posts = tmp_path / "_posts"
    posts.mkdir()
    originals: dict[str, bytes] = {}
    for path in sorted(DSTOTD.glob("*.md")):
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        ends = [i for i, line in enumerate(lines) if line.strip() == b"</amp-twitter>"]
        if not ends:
            continue
        del lines[ends[len(ends) // 2]]
        (posts / path.name).write_bytes(b"".join(lines))
        originals[path.name] = data
    assert len(originals) >= 50
    found = invoke(str(posts), "--select", "AMP008", "--format", "json", "--no-cache").json
    assert sorted(Path(str(d["path"])).name for d in found) == sorted(originals)
    assert all(d["fix"] is not None for d in found)
    result = invoke(str(posts), "--select", "AMP008", "--fix", "--no-cache", "--format", "json")
    assert result.code == 0, result.out + result.err
    for name, data in originals.items():
        assert (posts / name).read_bytes() == data, name
