"""AMP009 against real Jekyll: a site whose layouts load some extension scripts and
not others is built, and the rule must report exactly the components whose script the
built page lacks, or has twice."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ampcheck.rules.amp.extensions import needs
from tests.conftest import invoke

RUNTIME = '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'


def _script(extension: str) -> str:
    return (
        f'<script async custom-element="{extension}" '
        f'src="https://cdn.ampproject.org/v0/{extension}-0.1.js"></script>\n'
    )


DEFAULT = (
    '<!doctype html>\n<html ⚡ lang="en">\n<head>\n<meta charset="utf-8">\n'
    "{% include amp-head.html %}\n"
    "{% if page.soundcloud %}" + _script("amp-soundcloud") + "{% endif %}\n"
    "</head>\n<body>\n{{ content }}\n</body>\n</html>\n"
)
SITE = {
    "_config.yml": "timezone: UTC\ndefaults:\n"
    "  - scope: {path: _posts/2020-01-04-defaults.md}\n    values: {layout: video}\n",
    "_includes/amp-head.html": RUNTIME + _script("amp-youtube"),
    "_includes/vimeo.html": _script("amp-vimeo"),
    "_layouts/default.html": DEFAULT,
    "_layouts/post.html": "---\nlayout: default\n---\n<article>{{ content }}</article>\n",
    # a layout whose page adds the amp-vimeo script through an include, and one whose
    # page loads amp-youtube's a second time
    "_layouts/video.html": "---\nlayout: with-vimeo\n---\n<article>{{ content }}</article>\n",
    "_layouts/with-vimeo.html": DEFAULT.replace("</head>", "{% include vimeo.html %}</head>"),
    "_layouts/loud.html": DEFAULT.replace("</head>", _script("amp-youtube") + "</head>"),
    "_layouts/twice.html": "---\nlayout: loud\n---\n<article>{{ content }}</article>\n",
}
YOUTUBE = (
    '<amp-youtube data-videoid="mGENRKrdoGY" width="480" height="270" '
    'layout="responsive"></amp-youtube>\n'
)
VIMEO = (
    '<amp-vimeo data-videoid="27246366" width="500" height="281" layout="responsive"></amp-vimeo>\n'
)
IMG = '<amp-img src="/a.png" width="640" height="360" layout="responsive" alt="a"></amp-img>\n'
SOUNDCLOUD = (
    '<amp-soundcloud height="657" layout="fixed-height" data-trackid="243169232">'
    "</amp-soundcloud>\n"
)
POSTS = {
    "youtube": ("layout: post\n", YOUTUBE + IMG),
    "vimeo": ("layout: post\n", IMG + VIMEO),
    "both": ("layout: post\n", VIMEO + "\nText.\n\n" + YOUTUBE + VIMEO),
    "defaults": ("", YOUTUBE + VIMEO),
    "twice": ("layout: twice\n", YOUTUBE),
    "soundcloud": ("layout: post\nsoundcloud: true\n", SOUNDCLOUD + YOUTUBE),
    "image": ("layout: post\n", IMG),
}

JEKYLL = shutil.which("jekyll")


def _write(root: Path) -> None:
    files = dict(SITE)
    for day, (name, (front, body)) in enumerate(POSTS.items(), 1):
        files[f"_posts/2020-01-{day:02d}-{name}.md"] = f"---\ntitle: {name}\n{front}---\n{body}"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _built(root: Path) -> dict[str, dict[str, str]]:
    """For each built post, what Jekyll's page says of each extension its article
    uses: ``missing`` (no script), ``twice`` (more than one), or nothing."""
    found: dict[str, dict[str, str]] = {}
    for page in (root / "_site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        article = html.split("<article>", 1)[-1] if "<article>" in html else html
        scripts = Counter(re.findall(r'custom-element="([^"]+)"', head))
        # the fixture's components each have one extension
        tags = re.findall(r"<(amp-[a-z0-9-]+)", article)
        needed = {ext for tag in tags for alt in (needs(tag) or ())[:1] for ext in alt}
        found[page.stem] = {
            ext: ("missing" if not scripts[ext] else "twice") for ext in needed if scripts[ext] != 1
        }
    return found


def _reported(root: Path) -> dict[str, dict[str, str]]:
    result = invoke(str(root / "_posts"), "--select", "AMP009", "--format", "json", "--no-cache")
    assert result.code in (0, 1), result.err
    reported: dict[str, dict[str, str]] = {Path(n).stem.split("-", 3)[3]: {} for n in
                                           (root / "_posts").iterdir()}  # fmt: skip
    for d in result.json:
        message = str(d["message"])
        m = re.search(r"needs the (\S+) extension script, which", message) or re.search(
            r"the (\S+) extension script that", message
        )
        assert m is not None, message
        kind = "twice" if "times" in message else "missing"
        reported[Path(str(d["path"])).stem.split("-", 3)[3]][m.group(1)] = kind
    return reported


@pytest.mark.slow
@pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed: no build to compare with")
def test_reports_exactly_the_scripts_the_built_page_lacks(tmp_path: Path) -> None:
    _write(tmp_path)
    assert JEKYLL is not None
    built = subprocess.run(
        [JEKYLL, "build", "--quiet", "-s", str(tmp_path), "-d", str(tmp_path / "_site")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    pages = _built(tmp_path)
    assert set(pages) == set(POSTS)
    # the fixture has pages of each kind
    assert pages["vimeo"] == {"amp-vimeo": "missing"}
    assert pages["twice"] == {"amp-youtube": "twice"}
    assert pages["defaults"] == {} and pages["soundcloud"] == {} and pages["image"] == {}
    assert _reported(tmp_path) == pages


def test_findings_on_the_same_site_without_jekyll(tmp_path: Path) -> None:
    """What the rule says of the fixture, where and in which words."""
    _write(tmp_path)
    result = invoke(str(tmp_path / "_posts"), "--select", "AMP009", "--no-cache")
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if "AMP009" in line]
    root = str(tmp_path / "_posts")
    assert [line.replace(root, "").split(" AMP009 ")[0] for line in lines] == [
        "/2020-01-02-vimeo.md:6:1:",
        "/2020-01-03-both.md:5:1:",
        "/2020-01-05-twice.md:5:1:",
    ]
    assert (
        "<amp-vimeo> needs the amp-vimeo extension script, which the post's AMP page does "
        "not load (layout chain post -> default): add <script async "
        'custom-element="amp-vimeo" src="https://cdn.ampproject.org/v0/amp-vimeo-0.1.js">'
        "</script> to the <head> in _includes/amp-head.html"
    ) in lines[0]
    assert (
        "the amp-youtube extension script that <amp-youtube> needs is loaded 2 times (from "
        "_includes/amp-head.html, _layouts/loud.html; layout chain twice -> loud): the AMP "
        "validator warns that this will soon be an error"
    ) in lines[2]


def test_a_data_file_that_may_print_the_script_is_seen_through_the_cache(tmp_path: Path) -> None:
    """The data folder is part of what the cache keys a post's result on: a script tag
    added there (which a layout may print) silences the report at once."""
    _write(tmp_path)
    post = str(tmp_path / "_posts" / "2020-01-02-vimeo.md")
    cache = ["--cache-dir", str(tmp_path / ".cache"), "--select", "AMP009"]
    assert "AMP009" in invoke(post, *cache).out
    data = tmp_path / "_data" / "amp.yml"
    data.parent.mkdir()
    data.write_text(f"scripts: '{_script('amp-vimeo').strip()}'\n", encoding="utf-8")
    again = invoke(post, *cache)
    assert again.code == 0, again.out
    assert "AMP009" not in again.out


@pytest.mark.parametrize(
    "head",
    [
        # start tags and Liquid never closed: read in one pass, not retried
        "<script async " + "{{ a }} " * 60,
        "<script " * 3000,
        "{% a " * 3000,
        "<!--" * 3000,
        "{% comment %}" * 3000,
    ],
    ids=["liquid-in-an-open-script", "open-scripts", "open-tags", "open-comments", "comments"],
)
def test_templates_that_never_close_a_tag(tmp_path: Path, head: str) -> None:
    _write(tmp_path)
    include = tmp_path / "_includes" / "amp-head.html"
    include.write_text(RUNTIME + head, encoding="utf-8")
    result = invoke(str(tmp_path / "_posts" / "2020-01-01-youtube.md"), "--select", "AMP009")
    assert result.code in (0, 1), result.err
    assert "internal error" not in result.out + result.err


@pytest.mark.parametrize(
    ("name", "reported"),
    [
        ("vimeo.html", False),  # followed: it loads amp-vimeo
        ("/vimeo.html", False),  # Jekyll joins it to the includes folder too
        ("../_includes/vimeo.html", False),  # Jekyll refuses it: not followed
        ("missing.html", False),  # not in the site: a theme gem's
        ("empty.html", True),  # read: it loads nothing
    ],
)
def test_include_names(tmp_path: Path, name: str, reported: bool) -> None:
    _write(tmp_path)
    (tmp_path / "_includes" / "empty.html").write_text("\n", encoding="utf-8")
    (tmp_path / "_includes" / "amp-head.html").write_text(
        RUNTIME + "{% include " + name + " %}\n", encoding="utf-8"
    )
    result = invoke(str(tmp_path / "_posts" / "2020-01-02-vimeo.md"), "--select", "AMP009")
    assert ("<amp-vimeo> needs the amp-vimeo extension script" in result.out) is reported


def test_the_two_component_tables_agree_on_extensions() -> None:
    """The extension each component of amp_components.toml names is the one the
    extension table says its tag needs (built-ins: none)."""
    from ampcheck.rules.amp.components import table

    for name, component in table().components.items():
        wanted = needs(name)
        assert wanted is not None, name
        assert wanted[:1] == (((component.extension,),) if component.extension else ()), name
