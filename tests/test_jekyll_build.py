"""Real Jekyll as the oracle of where a post is published: FM005, FM006 and FM009 must
report exactly the posts that Jekyll skips, or publishes under another day."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import invoke

JEKYLL = shutil.which("jekyll")
pytestmark = pytest.mark.skipif(
    JEKYLL is None, reason="jekyll is not installed: no build to compare the rules with"
)

POST = "---\nlayout: post\ntitle: {slug}\n{date}---\nText.\n"
#: file name -> front-matter date line (all written on May 2)
POSTS = {
    "2020-05-02-before.md": "date: 2020-05-02 00:30:00 +0200\n",
    "2020-05-02-after.md": 'date: "2020-05-02 22:30:00 -0300"\n',
    "2020-05-02-pacific.md": "date: May 2, 2020 9:00 pm PDT\n",
    "2020-05-02-same.md": "date: 2020-05-02 10:00:00 +0200\n",
    "2020-05-02-utc.md": "date: 2020-05-02 00:30:00\n",
    "2020-05-02-ignored.md": 'date: "2020-05-02 22:30:00 GMT-3"\n',
    "2020-05-02-local.md": 'date: "2020-05-02 00:30"\n',
    "2020-05-02-none.md": "",
    "README.md": "",
    "template.md": "",
    "2020-5-notes.md": "",
}


def _build(site: Callable[..., Path], config: str) -> tuple[Path, dict[str, str]]:
    """Build the site with TZ=UTC, as GitHub Pages does: each post's published day."""
    files: dict[str, str | bytes] = {
        "_config.yml": config,
        "_layouts/post.html": "<main>{{ content }}</main>\n",
    }
    for name, date in POSTS.items():
        files[f"_posts/{name}"] = POST.format(slug=name.split(".")[0], date=date)
    root = site(files, default=False)
    assert JEKYLL is not None
    subprocess.run(
        [JEKYLL, "build", "--quiet", "-s", str(root), "-d", str(root / "_site")],
        env={**os.environ, "TZ": "UTC"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    published = {}
    for page in (root / "_site").rglob("*.html"):
        year, month, day = page.relative_to(root / "_site").parts[:3]
        published[page.stem] = f"{year}-{month}-{day}"
    return root, published


def _reported(root: Path, code: str) -> set[str]:
    result = invoke(str(root / "_posts"), "--select", code, "--format", "json", "--no-cache")
    assert result.code in (0, 1), result.err
    return {Path(str(d["path"])).name for d in result.json if d["code"] == code}


def test_without_a_timezone(site: Callable[..., Path]) -> None:
    root, published = _build(site, "title: Tweets of the Day\n")
    # Jekyll publishes every dated name, and nothing else
    dated = {name.split(".")[0].removeprefix("2020-05-02-") for name in POSTS if "-05-02-" in name}
    assert set(published) == dated
    skipped = {name for name in POSTS if "-05-02-" not in name}
    assert _reported(root, "FM005") == skipped
    # FM009: exactly the posts a build in UTC moves off the day written
    moved = {f"2020-05-02-{slug}.md" for slug, day in published.items() if day != "2020-05-02"}
    assert moved == {"2020-05-02-before.md", "2020-05-02-after.md", "2020-05-02-pacific.md"}
    assert _reported(root, "FM009") == moved
    # FM006 judges the day as written: the front matter agrees with every file name
    assert _reported(root, "FM006") == set()


def test_with_a_timezone(site: Callable[..., Path]) -> None:
    root, published = _build(site, "title: Tweets of the Day\ntimezone: Asia/Taipei\n")
    moved = {f"2020-05-02-{slug}.md" for slug, day in published.items() if day != "2020-05-02"}
    assert moved == {"2020-05-02-after.md", "2020-05-02-pacific.md"}
    assert _reported(root, "FM006") == moved
    assert _reported(root, "FM009") == set()
