"""Whether a post is an AMP page: the rules that judge a page as AMP (AMP004, TW007)
run on AMP pages only, the component rules everywhere, AMP007 on pages that never load
the AMP runtime; ``--show-config PATH`` says what was decided and why. The last test
builds sites with real Jekyll to check the layout chain against what it renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DSTOTD, Result, invoke

Site = Callable[..., Path]

POST = "_posts/2020-01-02-links.md"
TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Happy π day!</p>&mdash; '
    'Data Notes (@datanotes_demo) <a href="https://twitter.com/datanotes_demo/status/'
    '1106210626511938227?ref_src=twsrc%5Etfw">March 14, 2019</a></blockquote> '
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
)
EMBEDS = (
    "## Links\n\n"
    + TWEET
    + '\n<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ">'
    "</iframe>\n\n"
    '<img src="/img/pi.png" alt="π">\n'
)
PLAIN_DEFAULT = (
    '<!doctype html>\n<html lang="en">\n<head><title>{{ page.title }}</title></head>\n'
    "<body>{{ content }}</body>\n</html>\n"
)
AMP_DEFAULT = PLAIN_DEFAULT.replace('<html lang="en">', '<html ⚡ lang="en">').replace(
    "</head>", '<script async src="https://cdn.ampproject.org/v0.js"></script></head>'
)
POST_LAYOUT = "---\nlayout: default\n---\n<article>{{ content }}</article>\n"


def _post(body: str, **front: object) -> str:
    fm = "".join(f"{k}: {json.dumps(v)}\n" for k, v in {"title": "Links", **front}.items())
    return f"---\n{fm}---\n{body}"


def _codes(result: Result) -> list[str]:
    assert result.code in (0, 1), result.err
    return [str(d["code"]) for d in result.json]


def _decisions(*paths: str) -> dict[str, dict[str, object]]:
    result = invoke("--show-config", "--format", "json", *paths)
    assert result.code == 0, result.err
    pages: dict[str, dict[str, object]] = json.loads(result.out)["amp-pages"]
    return pages


def _amp_site(site: Site, post: str, **more: str) -> Path:
    return site(
        {
            "_layouts/default.html": AMP_DEFAULT,
            "_layouts/post.html": POST_LAYOUT,
            POST: post,
            **more,
        }
    )


# -- a blog without AMP pages ---------------------------------------------------


def test_plain_blog_with_twitter_embeds_is_not_judged_as_amp(site: Site) -> None:
    root = site(
        {
            "_layouts/default.html": PLAIN_DEFAULT,
            "_layouts/post.html": POST_LAYOUT,
            POST: _post(EMBEDS, layout="post"),
        }
    )
    before = (root / POST).read_bytes()
    result = invoke("--format", "json", POST)
    assert result.code == 0
    assert _codes(result) == []
    fixed = invoke("--fix", POST)
    assert fixed.code == 0, fixed.err
    assert (root / POST).read_bytes() == before
    assert _decisions(POST)[POST] == {
        "amp": False,
        "reason": 'no AMP layout: _layouts/default.html is plain HTML (<html lang="en">)',
    }


def test_post_without_a_layout_is_not_an_amp_page(site: Site) -> None:
    # Jekyll 4 places a post that names no layout in none, even with a "post" layout
    _amp_site(site, _post(EMBEDS), **{"_config.yml": "timezone: UTC\n"})
    assert _codes(invoke("--format", "json", POST)) == []
    reason = _decisions(POST)[POST]["reason"]
    assert reason == "no layout: the post names none, and Jekyll renders it without one"


def test_github_pages_default_layout_plugin_gives_posts_the_post_layout(site: Site) -> None:
    _amp_site(
        site,
        _post(TWEET),
        **{"_config.yml": "timezone: UTC\nplugins: [jekyll-default-layout]\n"},
    )
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == ["TW007"]


# -- an AMP blog ------------------------------------------------------------------


def test_amp_blog_through_post_and_default_keeps_its_findings(site: Site) -> None:
    root = _amp_site(site, _post(EMBEDS, layout="post"))
    codes = _codes(invoke("--format", "json", POST))
    assert codes == ["TW007", "AMP004", "AMP004", "AMP004"]
    assert _decisions(POST)[POST] == {
        "amp": True,
        "reason": "layout chain post -> default is an AMP document "
        '(_layouts/default.html: <html ⚡ lang="en">)',
    }
    invoke("--fix", "--select", "TW007", POST)
    text = (root / POST).read_text(encoding="utf-8")
    assert '<amp-twitter width="375" height="472" layout="responsive" ' in text
    assert "widgets.js" not in text


def test_layout_from_site_defaults(site: Site) -> None:
    config = (
        "timezone: UTC\ndefaults:\n  - scope: {path: '', type: posts}\n    values: {layout: post}\n"
    )
    _amp_site(site, _post(TWEET), **{"_config.yml": config})
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == ["TW007"]
    reason = str(_decisions(POST)[POST]["reason"])
    assert reason.endswith("(layout from _config.yml defaults)")


def test_html_tag_in_an_include(site: Site) -> None:
    site(
        {
            "_includes/head.html": '<!doctype html>\n<html amp lang="en">\n<head></head>\n',
            "_layouts/default.html": "{% include head.html %}\n<body>{{ content }}</body></html>\n",
            "_layouts/post.html": POST_LAYOUT,
            POST: _post(TWEET, layout="post"),
        }
    )
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == ["TW007"]
    assert "_includes/head.html: <html amp" in str(_decisions(POST)[POST]["reason"])


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ('<html ⚡4email lang="en">', "is plain HTML"),
        ('<html amp4email data-css-strict lang="en">', "is plain HTML"),
        ('<html lang="en" {% if page.amp %}amp{% endif %}>', "only under a Liquid condition"),
        ('<html lang="{{ site.lang }}" data-amp="1">', "is plain HTML"),
    ],
)
def test_html_tags_that_are_no_amp_document(site: Site, html: str, why: str) -> None:
    _amp_site(
        site,
        _post(TWEET, layout="post"),
        **{"_layouts/default.html": AMP_DEFAULT.replace('<html ⚡ lang="en">', html)},
    )
    assert _codes(invoke("--format", "json", "--select", "TW007,AMP004", POST)) == []
    decision = _decisions(POST)[POST]
    assert decision["amp"] is False
    assert why in str(decision["reason"])


def test_liquid_inside_the_html_tag_keeps_an_amp_marker(site: Site) -> None:
    _amp_site(
        site,
        _post(TWEET, layout="post"),
        **{
            "_layouts/default.html": AMP_DEFAULT.replace(
                '<html ⚡ lang="en">', '<html lang="{{ site.lang | default: "en" }}" ⚡>'
            )
        },
    )
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == ["TW007"]


# -- what the post says wins ----------------------------------------------------------


def test_amp_false_on_an_amp_blog(site: Site) -> None:
    _amp_site(site, _post(EMBEDS, layout="post", amp=False))
    assert _codes(invoke("--format", "json", POST)) == []
    assert _decisions(POST)[POST] == {"amp": False, "reason": "amp: false in front matter"}


def test_amp_false_in_site_defaults(site: Site) -> None:
    config = "timezone: UTC\ndefaults:\n  - scope: {path: _posts}\n    values: {amp: false}\n"
    _amp_site(site, _post(EMBEDS, layout="post"), **{"_config.yml": config})
    assert _codes(invoke("--format", "json", POST)) == []
    reason = _decisions(POST)[POST]["reason"]
    assert reason == "amp: false in _config.yml defaults"


def test_amp_true_on_a_plain_blog(site: Site) -> None:
    site({"_layouts/default.html": PLAIN_DEFAULT, POST: _post(TWEET, layout="default", amp=True)})
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == ["TW007"]


def test_another_amp_key(site: Site) -> None:
    _amp_site(
        site,
        _post(TWEET, layout="post", amp_page=False),
        **{".ampcheck.toml": "[rules.TW007]\namp-key = 'amp_page'\n"},
    )
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == []


# -- plugins and themes ----------------------------------------------------------------

AMP_LAYOUT = "---\n---\n<!doctype html>\n<html amp>\n<body>{{ page.body }}</body>\n</html>\n"


def test_amp_jekyll_makes_every_post_an_amp_page(site: Site) -> None:
    site(
        {
            "_config.yml": "timezone: UTC\nplugins:\n  - amp-jekyll\n",
            "_layouts/default.html": PLAIN_DEFAULT,
            "_layouts/amp.html": AMP_LAYOUT,
            POST: _post(TWEET, layout="default"),
            "_posts/2020-01-03-skipped.md": _post(TWEET, layout="default", skip_amp=True),
        }
    )
    result = invoke("--format", "json", "--select", "TW007", "_posts")
    assert [d["path"] for d in result.json] == [POST]
    decisions = _decisions("_posts")
    assert "amp-jekyll plugin makes an AMP version of every post" in str(decisions[POST]["reason"])
    assert decisions["_posts/2020-01-03-skipped.md"]["amp"] is False


def test_amp_jekyll_without_its_layout_is_not_enough(site: Site) -> None:
    site(
        {
            "_config.yml": "timezone: UTC\nplugins:\n  - amp-jekyll\n",
            "_layouts/default.html": PLAIN_DEFAULT,
            POST: _post(TWEET, layout="default"),
        }
    )
    assert _codes(invoke("--format", "json", "--select", "TW007", POST)) == []


def test_theme_layout_not_in_the_site(site: Site) -> None:
    site(
        {
            "_config.yml": "timezone: UTC\ntheme: minima\n",
            POST: _post(EMBEDS + '<amp-img src="/a.png" width="1" height="1"></amp-img>\n',
                        layout="post"),
        },
        default=False,
    )  # fmt: skip
    codes = _codes(invoke("--format", "json", POST))
    assert "AMP004" not in codes and "TW007" not in codes and "AMP007" not in codes
    assert _decisions(POST)[POST] == {
        "amp": False,
        "reason": "layout 'post' not in the site (theme gem?)",
    }


# -- AMP components on pages that are not AMP -----------------------------------------

AMP_IMG = '<amp-img src="/img/pi.png" width="100%" height="360" alt="π"></amp-img>\n'


def test_runtime_in_a_plain_layout(site: Site) -> None:
    head = '<head><script async src="https://cdn.ampproject.org/v0.js"></script></head>'
    site(
        {
            "_layouts/default.html": PLAIN_DEFAULT.replace(
                "<head><title>{{ page.title }}</title></head>", head
            ),
            "_layouts/post.html": POST_LAYOUT,
            POST: _post(AMP_IMG + EMBEDS, layout="post"),
        }
    )  # fmt: skip
    # not an AMP page: the components are checked, the rest of the page is not
    assert _codes(invoke("--format", "json", POST)) == ["AMP002"]


def test_amp_components_without_the_runtime(site: Site) -> None:
    site(
        {
            "_layouts/default.html": PLAIN_DEFAULT,
            "_layouts/post.html": POST_LAYOUT,
            POST: _post("Intro.\n\n" + AMP_IMG + AMP_IMG, layout="post"),
        }
    )
    result = invoke("--format", "json", POST)
    found = [(d["code"], d["line"]) for d in result.json]
    assert found == [("AMP007", 7), ("AMP002", 7), ("AMP002", 8)]
    message = str(result.json[0]["message"])
    assert message.startswith("<amp-img> and 1 more AMP element show nothing")
    assert "its layout chain (post -> default) does not load the AMP runtime" in message
    assert result.json[0]["severity"] == "warning"


# -- no Jekyll site ---------------------------------------------------------------------


def test_post_alone_decides_by_its_own_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    amp_post = tmp_path / "amp.md"
    amp_post.write_text(_post(AMP_IMG.replace("100%", "640") + '<iframe src="/x"></iframe>\n'))
    plain = tmp_path / "plain.md"
    plain.write_text(_post(EMBEDS + AMP_IMG.replace("100%", "640")))
    assert _codes(invoke("--format", "json", "amp.md")) == ["AMP004"]
    assert _codes(invoke("--format", "json", "plain.md")) == []
    decisions = _decisions("amp.md", "plain.md")
    assert decisions["amp.md"]["reason"] == (
        "no Jekyll site: the post uses AMP components (<amp-img>) and no other script"
    )
    assert decisions["plain.md"]["reason"] == (
        "no Jekyll site, and the post loads a script AMP pages do not run "
        "(https://platform.twitter.com/widgets.js)"
    )


def test_show_config_text_lists_the_posts(site: Site) -> None:
    _amp_site(site, _post(TWEET, layout="post"))
    result = invoke("--show-config", POST)
    assert result.code == 0
    assert result.out.splitlines()[-3:] == [
        "[amp-pages]",
        "# whether each post is rendered as an AMP page; after '#': why",
        f'"{POST}" = true  # layout chain post -> default is an AMP document '
        '(_layouts/default.html: <html ⚡ lang="en">)',
    ]
    assert "[amp-pages]" not in invoke("--show-config").out


def test_a_changed_layout_is_not_answered_from_the_cache(site: Site) -> None:
    root = site(
        {
            "_layouts/default.html": PLAIN_DEFAULT,
            "_layouts/post.html": POST_LAYOUT,
            POST: _post(TWEET, layout="post"),
        }
    )
    assert _codes(invoke("--format", "json", POST)) == []
    (root / "_layouts/default.html").write_text(AMP_DEFAULT, encoding="utf-8")
    assert _codes(invoke("--format", "json", POST)) == ["TW007", "AMP004"]


@pytest.mark.skipif(not DSTOTD.is_dir(), reason="the dstotd corpus is not there")
def test_every_dstotd_post_is_an_amp_page() -> None:
    decisions = _decisions(str(DSTOTD))
    assert len(decisions) == 60
    assert {d["amp"] for d in decisions.values()} == {True}
    assert {d["reason"] for d in decisions.values()} == {
        "layout chain post -> default is an AMP document "
        '(_layouts/default.html: <html ⚡ lang="en">)'
    }


# -- the oracle: what Jekyll renders --------------------------------------------------

ORACLE_POSTS = {
    "a-front-matter": {"layout": "post"},
    "b-defaults": {},
    "c-plain": {"layout": "plain"},
    "d-include": {"layout": "included"},
    "e-email": {"layout": "email"},
    "f-none": {"layout": "none"},
    "g-cycle": {"layout": "loop"},
}


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="jekyll is not installed")
def test_layout_chain_matches_what_jekyll_renders(tmp_path: Path) -> None:
    files = {
        "_config.yml": "timezone: UTC\ndefaults:\n"
        "  - scope: {path: _posts/2020-01-03-b-defaults.md}\n    values: {layout: post}\n",
        "_layouts/default.html": AMP_DEFAULT,
        "_layouts/post.html": POST_LAYOUT,
        "_layouts/plain.html": PLAIN_DEFAULT,
        "_includes/head.html": '<!doctype html>\n<html amp lang="en">\n<head></head>\n',
        "_layouts/included.html": "{% include head.html %}<body>{{ content }}</body></html>\n",
        "_layouts/email.html": PLAIN_DEFAULT.replace('<html lang="en">', "<html ⚡4email>"),
        "_layouts/loop.html": "---\nlayout: loop\n---\n" + AMP_DEFAULT,
        # no layout named: Jekyll 4 places the post in none, even with "post" here
        "_posts/2020-01-01-no-layout.md": _post(TWEET),
    }
    for day, (name, front) in enumerate(ORACLE_POSTS.items(), 2):
        files[f"_posts/2020-01-{day:02d}-{name}.md"] = _post(TWEET, **front)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    built = subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(tmp_path), "--destination",
         str(tmp_path / "_site")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    rendered: dict[str, bool] = {}
    for page in (tmp_path / "_site").rglob("*.html"):
        tag = re.search(r"<html(?=[\s>])[^>]*>", page.read_text(encoding="utf-8"))
        names = set(tag.group(0)[5:-1].split()) if tag else set()
        rendered[page.stem] = bool(names & {"amp", "⚡"})
    assert len(rendered) == len(ORACLE_POSTS) + 1
    decided = {
        Path(path).stem.split("-", 3)[3]: bool(d["amp"])
        for path, d in _decisions_in(tmp_path).items()
    }
    assert decided == rendered
    assert rendered["a-front-matter"] and rendered["b-defaults"] and rendered["d-include"]
    assert not rendered["no-layout"] and not rendered["e-email"]


def _decisions_in(root: Path) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "ampcheck", "--show-config", "--format", "json", "_posts"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages: dict[str, dict[str, object]] = json.loads(result.stdout)["amp-pages"]
    return pages
