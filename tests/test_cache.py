"""The results cache and parallel checking, as a user sees them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

# A rule that writes down every post it checks: a post served from the cache is not
# checked again.
COUNTING_PLUGIN = """
from pathlib import Path
from ampcheck.hookspecs import hookimpl
from ampcheck.model import Violation
from ampcheck.rule import Rule

class Counting(Rule):
    code = "ZZZ010"
    name = "counting"
    summary = "counts checks"

    def check(self, post):
        with open(Path(__file__).with_name("checked.log"), "a") as log:
            log.write(post.path + "\\n")
        if "TODO" in post.text:
            yield Violation(0, 1, "TODO")

@hookimpl
def ampcheck_register_rules():
    return [Counting]
"""

POST = "---\ntitle: Day {n}\nlayout: post\n---\n\n## Section\n{body}\n"


def _site(site: Site, posts: int = 3) -> Path:
    files: dict[str, str | bytes] = {
        f"_posts/2020-01-{n:02d}-day.md": POST.format(n=n, body="Text") for n in range(1, posts + 1)
    }
    files["myplugin.py"] = COUNTING_PLUGIN
    files[".ampcheck.toml"] = 'plugins = ["myplugin.py"]\nextend-select = ["ZZZ010"]\n'
    return site(files)


def _checked(root: Path) -> list[str]:
    log = root / "checked.log"
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return sorted(lines)


def test_a_second_run_checks_nothing_again(site: Site, cli: Cli) -> None:
    root = _site(site)
    first = cli("_posts")
    assert _checked(root) == [f"_posts/2020-01-0{n}-day.md" for n in (1, 2, 3)]
    second = cli("_posts")
    assert _checked(root) == []
    assert second.untimed == first.untimed
    tag = root / ".ampcheck_cache" / "CACHEDIR.TAG"
    assert tag.read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_a_changed_file_or_setting_is_checked_again(site: Site, cli: Cli) -> None:
    root = _site(site)
    cli("_posts")
    _checked(root)
    (root / "_posts/2020-01-02-day.md").write_text(POST.format(n=2, body="TODO"))
    result = cli("_posts")
    assert _checked(root) == ["_posts/2020-01-02-day.md"]
    assert "_posts/2020-01-02-day.md:1:1: ZZZ010 TODO" in result.out
    (root / ".ampcheck.toml").write_text(
        'plugins = ["myplugin.py"]\nextend-select = ["ZZZ010"]\nignore = ["FM008"]\n'
    )
    cli("_posts")
    assert len(_checked(root)) == 3


def test_a_corrupt_entry_is_ignored_and_rewritten(site: Site, cli: Cli) -> None:
    root = _site(site, posts=1)
    cli("_posts")
    _checked(root)
    (entry,) = (root / ".ampcheck_cache").glob("*/*.json")
    entry.write_text("{ not json")
    assert cli("_posts").code == 0
    assert _checked(root) == ["_posts/2020-01-01-day.md"]
    assert json.loads(entry.read_text())["diagnostics"] == []


def test_no_cache_and_cache_dir(site: Site, cli: Cli, tmp_path: Path) -> None:
    root = _site(site, posts=1)
    cli("--no-cache", "_posts")
    assert not (root / ".ampcheck_cache").exists()
    elsewhere = tmp_path / "elsewhere"
    cli("--cache-dir", str(elsewhere), "_posts")
    assert (elsewhere / "CACHEDIR.TAG").is_file()
    assert not (root / ".ampcheck_cache").exists()


def test_fix_uses_the_cache_only_when_nothing_is_fixable(site: Site, cli: Cli) -> None:
    root = site(
        {
            "_posts/2020-01-01-a.md": "---\ntitle: A\ntitle: B\n---\n",
            "_posts/2020-01-02-b.md": "---\ntitle: B\n---\n",
        }
    )
    cli("_posts")  # fills the cache, fixable problem included
    assert cli("--fix", "_posts").code == 0
    assert (root / "_posts/2020-01-01-a.md").read_text() == "---\ntitle: B\n---\n"


def test_results_are_the_same_in_any_number_of_processes(site: Site, cli: Cli) -> None:
    posts = {
        f"_posts/2020-02-{n % 28 + 1:02d}-post-{n}.md": (
            POST.format(n=n, body="Text") if n % 3 else "no front matter\n"
        )
        for n in range(90)
    }
    site(posts)
    one = cli("--no-cache", "--jobs", "1", "--format", "json", "_posts")
    two = cli("--no-cache", "--jobs", "2", "--format", "json", "_posts")
    assert one.code == two.code == 1
    assert one.out == two.out
    assert len(one.json) >= 30


def test_jobs_must_be_a_positive_number(
    site: Site, cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    site()
    assert cli("--jobs", "0").code == 2
    assert "--jobs/-j: expected a whole number of at least 1, got '0'" in capsys.readouterr().err
