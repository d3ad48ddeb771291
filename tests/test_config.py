"""Finding the configuration and the Jekyll site, and resolving a post's path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ampcheck.config import find_config
from ampcheck.document.site import SiteFinder
from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

POST = "---\ntitle: Day 1\nlayout: post\n---\n\nText.\n"


def test_site_resolves_paths_as_pathlib_does(site: Site) -> None:
    root = site({"_posts/2020-01-02-a.md": POST, "drafts/b.md": POST})
    (root / "linked").symlink_to(root / "_posts")
    (root / "_posts" / "2020-01-03-c.md").symlink_to(root / "drafts" / "b.md")
    found = SiteFinder().site_for(Path("_posts/2020-01-02-a.md"))
    assert found is not None
    for given in (
        "_posts/2020-01-02-a.md",
        "linked/2020-01-02-a.md",  # a file in a linked folder
        "_posts/2020-01-03-c.md",  # a linked file
        "drafts/../_posts/2020-01-02-a.md",
        str(root / "linked" / "2020-01-02-a.md"),
    ):
        # twice: the second answer comes from the folder already resolved
        assert found.resolve(Path(given)) == Path(given).resolve()
        assert found.resolve(Path(given)) == Path(given).resolve()
    assert found.resolve(Path("_posts/2020-01-03-c.md")) == root / "drafts" / "b.md"


def test_a_post_linked_from_elsewhere_is_judged_where_it_lives(site: Site, cli: Cli) -> None:
    root = site({"drafts/notes.md": POST})
    (root / "_posts").mkdir()
    (root / "_posts" / "notes.md").symlink_to(root / "drafts" / "notes.md")
    (root / "_posts" / "undated.md").write_text(POST)
    result = cli("--select", "FM005", "_posts/notes.md", "_posts/undated.md")
    # the linked file is not in _posts: its name needs no date
    assert "2 files" in result.out and "_posts/notes.md" not in result.out
    assert "_posts/undated.md:1:1: FM005" in result.out


def test_pyproject_without_an_ampcheck_table_is_passed_over(site: Site) -> None:
    root = site()
    (root / "pyproject.toml").write_text('[project]\nname = "blog"\n')
    assert find_config(root) is None
    # one that says "ampcheck" but cannot be read is passed over too
    (root / "pyproject.toml").write_bytes(b"[tool.ampcheck]\nx = '\xff'\n")  # not UTF-8
    assert find_config(root) is None
    (root / "pyproject.toml").write_text("[tool.ampcheck\n")  # not TOML
    assert find_config(root) is None
    (root / "pyproject.toml").write_text("[tool.ampcheck]\nselect = ['FM']\n")
    assert find_config(root) == root / "pyproject.toml"


def test_configuration_that_is_not_utf8_is_an_error_naming_the_file(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": POST})
    (root / ".ampcheck.toml").write_bytes(b"select = ['FM']\n# caf\xe9\n")
    result = cli("_posts")
    assert result.code == 2
    assert result.err == (
        f"ampcheck: error: {root / '.ampcheck.toml'}: not UTF-8: byte 0xE9 at byte offset 21 "
        "cannot be decoded\n"
    )


def test_a_site_without_config_yml_is_read_with_jekylls_defaults(site: Site, cli: Cli) -> None:
    # Jekyll builds a folder with _posts and _layouts and no _config.yml; its layouts
    # here print no title, so the post's own level-1 heading is the page's only one
    site(
        {
            "_layouts/post.html": "<html><body>{{ content }}</body></html>\n",
            "_posts/2009-05-19-parable.md": "---\nlayout: post\ntitle: The Parable\n---\n\n"
            "{{ page.title }}\n================\n\n## The story\n",
        },
        default=False,
    )
    result = cli("--format", "json", "--select", "HD", "_posts")
    assert result.code == 0 and result.json == []
    assert SiteFinder().site_for(Path("_posts/2009-05-19-parable.md")) is not None
