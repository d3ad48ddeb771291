"""Plugins: a real distribution with an entry point, plugin files, broken plugins."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ampcheck.plugins import may_have_entry_points
from tests.conftest import ROOT, Result

EXAMPLE = ROOT / "tests" / "plugins" / "ampcheck-example"
BROKEN = ROOT / "tests" / "plugins" / "ampcheck-broken"
POST = "---\ntitle: Day 1\n---\n\nTODO: pick tweets\n"


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin installed as a distribution into its own folder."""
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(EXAMPLE)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


@pytest.fixture(scope="module")
def installed_with_broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin and one whose hook raises, installed side by side."""
    target = tmp_path_factory.mktemp("site-packages-broken")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(EXAMPLE), str(BROKEN)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def _ampcheck(target: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "AMPCHECK_DISABLE_PLUGIN_AUTOLOAD"}
    environ.update(PYTHONPATH=str(target), **env)
    return subprocess.run(
        [sys.executable, "-m", "ampcheck", *args],
        cwd=cwd, env=environ, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_installed_plugin_adds_a_rule(installed_plugin: Path, tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-02-a.md").write_text(POST)
    listed = _ampcheck(installed_plugin, "--list-rules", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "XMP001  no-todo" in listed.stdout
    found = _ampcheck(installed_plugin, cwd=tmp_path)
    assert "_posts/2020-01-02-a.md:5:1: XMP001 TODO left in the post" in found.stdout
    assert found.returncode == 0  # a warning does not fail the run
    explained = _ampcheck(installed_plugin, "--explain", "no-todo", cwd=tmp_path)
    assert explained.stdout.startswith("# XMP001 no-todo")


@pytest.mark.slow
def test_autoload_can_be_turned_off(installed_plugin: Path, tmp_path: Path) -> None:
    off = _ampcheck(
        installed_plugin, "--list-rules", cwd=tmp_path, AMPCHECK_DISABLE_PLUGIN_AUTOLOAD="1"
    )
    assert off.returncode == 0
    assert "XMP001" not in off.stdout


@pytest.mark.slow
def test_installed_plugin_whose_hook_raises_is_named(
    installed_with_broken: Path, tmp_path: Path
) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-02-a.md").write_text(POST)
    found = _ampcheck(installed_with_broken, cwd=tmp_path)
    assert found.returncode == 2
    assert found.stderr.splitlines() == [
        "ampcheck: error: plugin broken failed to load: ampcheck_register_rules raised "
        "RuntimeError: the rule table is missing"
    ]
    # the other plugin and the built-in rules still run
    assert "_posts/2020-01-02-a.md:5:1: XMP001 TODO left in the post" in found.stdout
    listed = _ampcheck(installed_with_broken, "--list-rules", cwd=tmp_path)
    assert listed.returncode == 2 and "XMP001" in listed.stdout and "FM001" in listed.stdout


def _dist(site: Path, name: str, entry_points: str | None) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_entry_point_look_answers_no_only_when_no_distribution_declares_the_group(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    _dist(site, "tool", "[console_scripts]\ntool = tool:main\n")
    _dist(site, "plain", None)
    (site / "old.egg-info").write_text("Metadata-Version: 1.0\n")  # a file, no entry points
    path = [str(site), str(tmp_path / "missing")]
    assert may_have_entry_points(path) is False
    assert _group(path) == []  # importlib.metadata agrees

    _dist(site, "ampcheck-extra", "[console_scripts]\nx = y:z\n\n[ampcheck]\nlint = extra\n")
    assert may_have_entry_points(path) is True
    assert _group(path) == ["lint"]


def _group(path: list[str]) -> list[str]:
    return [
        ep.name
        for dist in importlib.metadata.distributions(path=path)
        for ep in dist.entry_points
        if ep.group == "ampcheck"
    ]


def test_entry_point_look_defers_to_importlib_metadata_for_what_it_cannot_read(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    assert may_have_entry_points([str(archive)]) is True
    egg = tmp_path / "thing-1.0-py3.11.egg"
    egg.mkdir()
    assert may_have_entry_points([str(egg)]) is True
    # sys.path should hold strings; anything else is left to importlib.metadata
    assert may_have_entry_points([tmp_path]) is True  # type: ignore[list-item]


PLUGIN_FILE = """
from ampcheck.hookspecs import hookimpl
from ampcheck.model import Edit, Fix, Violation
from ampcheck.rule import Rule

{body}

@hookimpl
def ampcheck_register_rules():
    return [{classes}]
"""

RAISING = """
class Broken(Rule):
    code = "ZZZ001"
    name = "always-raises"
    summary = "raises"

    def check(self, post):
        raise RuntimeError("boom")
"""

FLIP_FLOP = """
class FlipFlop(Rule):
    code = "ZZZ002"
    name = "flip-flop"
    summary = "a fix that never settles"

    def check(self, post):
        i = post.text.index("yes") if "yes" in post.text else post.text.index("no")
        word = "no" if post.text[i:i + 3] == "yes" else "yes"
        old = 3 if word == "no" else 2
        yield Violation(i, i + old, "flip", Fix.safe("flip", Edit(i, i + old, word)))
"""

BREAKS_YAML = """
class BreaksYaml(Rule):
    code = "ZZZ003"
    name = "breaks-front-matter"
    summary = "a fix that breaks the front matter"

    def check(self, post):
        i = post.text.index("title:")
        if post.text[i + 6:i + 7] == " ":
            yield Violation(i, i + 6, "x", Fix.safe("x", Edit(i + 6, i + 7, ": [")))
"""

OUT_OF_RANGE = """
class OutOfRange(Rule):
    code = "ZZZ004"
    name = "out-of-range"
    summary = "reports past the end"

    def check(self, post):
        yield Violation(0, len(post.text) + 5, "too far")
"""


def _plugin(root: Path, body: str, classes: str) -> None:
    (root / "myplugin.py").write_text(PLUGIN_FILE.format(body=body, classes=classes))
    (root / ".ampcheck.toml").write_text('plugins = ["myplugin.py"]\n')


def test_plugin_file_rule_that_raises_is_an_internal_error(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "no front matter\n"})
    _plugin(root, RAISING, "Broken")
    result = cli("_posts")
    assert result.code == 2
    assert "internal error in rule ZZZ001 (always-raises): RuntimeError: boom" in result.err
    # the other rules still ran
    assert "_posts/2020-01-02-a.md:1:1: FM001" in result.out


def test_rule_returning_bad_offsets_is_reported_by_name(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "---\ntitle: A\n---\n"})
    _plugin(root, OUT_OF_RANGE, "OutOfRange")
    result = cli("_posts")
    assert result.code == 2
    assert "rule ZZZ004 (out-of-range): violation span" in result.err


def test_fixes_that_never_settle_write_nothing(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    source = "---\ntitle: A\n---\nyes\n"
    root = site({"_posts/2020-01-02-a.md": source})
    _plugin(root, FLIP_FLOP, "FlipFlop")
    result = cli("--fix", "_posts")
    assert result.code == 2
    assert "did not settle after 10 passes" in result.err
    assert (root / "_posts/2020-01-02-a.md").read_text() == source


def test_fix_that_breaks_front_matter_is_refused(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    source = "---\ntitle: A\n---\nbody\n"
    root = site({"_posts/2020-01-02-a.md": source})
    _plugin(root, BREAKS_YAML, "BreaksYaml")
    result = cli("--fix", "_posts")
    assert result.code == 2
    assert "fix refused, nothing was written: the front matter would no longer load" in result.err
    assert (root / "_posts/2020-01-02-a.md").read_text() == source


def test_duplicate_rule_code_is_a_startup_error(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "---\ntitle: A\n---\n"})
    body = RAISING.replace("ZZZ001", "FM001")
    _plugin(root, body, "Broken")
    result = cli("_posts")
    assert result.code == 2
    assert "rule FM001 is registered twice" in result.err
    assert result.out == ""


def test_plugin_that_fails_to_import_is_named_and_the_run_goes_on(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "no front matter\n"})
    (root / "myplugin.py").write_text("import does_not_exist\n")
    (root / ".ampcheck.toml").write_text('plugins = ["myplugin.py"]\n')
    result = cli("_posts")
    assert result.code == 2
    assert "myplugin.py failed to load: ModuleNotFoundError" in result.err
    assert "FM001" in result.out


def test_plugin_file_whose_hook_raises_is_named_and_the_run_goes_on(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "no front matter\n"})
    (root / "myplugin.py").write_text(
        "from ampcheck.hookspecs import hookimpl\n"
        "@hookimpl\ndef ampcheck_register_formatters():\n    raise ValueError('no formats')\n"
    )
    (root / ".ampcheck.toml").write_text('plugins = ["myplugin.py"]\n')
    result = cli("_posts")
    assert result.code == 2
    assert result.err.startswith(
        f"ampcheck: error: plugin {root / 'myplugin.py'} failed to load: "
        "ampcheck_register_formatters raised ValueError: no formats\n"
    )
    assert "_posts/2020-01-02-a.md:1:1: FM001" in result.out


def test_plugin_with_a_misspelt_hook_is_named_and_left_out(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    root = site({"_posts/2020-01-02-a.md": "no front matter\n"})
    (root / "myplugin.py").write_text(
        "from ampcheck.hookspecs import hookimpl\n"
        "@hookimpl\ndef ampcheck_register_rulez():\n    return []\n"
    )
    (root / ".ampcheck.toml").write_text('plugins = ["myplugin.py"]\n')
    result = cli("_posts")
    assert result.code == 2
    assert "myplugin.py failed to load: " in result.err
    assert "ampcheck_register_rulez" in result.err
    assert "FM001" in result.out
