"""pre-commit for real: pre-commit from PyPI runs this checkout's hooks in a site.

The checkout as it is on disk (tracked and untracked files, not ignored ones) is
committed into a temporary repository, which a temporary site repository's
``.pre-commit-config.yaml`` points at; pre-commit builds the hook's environment from
it with pip, as it does for any user. Needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_SITE, ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ROOT / ".git").exists() or shutil.which("git") is None,
        reason="needs git and a git checkout of ampcheck (to snapshot its files)",
    ),
]

DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
FIXED = "---\ntitle: Day 1\nlayout: post\n---\nText\n"
NO_FRONT_MATTER = "Text\n"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | dict[str, str]]:
    base = tmp_path_factory.mktemp("precommit")
    gitconfig = base / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test\n\temail = test@example.org\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "NO_COLOR") and not k.startswith(("GIT_", "PRE_COMMIT"))
    }
    env.update(
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
    )

    # pre-commit itself, from PyPI, in its own environment
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "pre-commit"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, f"pip install pre-commit failed:\n{pip.stderr}"

    # this checkout, as it is on disk, committed into a repository of its own
    hooks_repo = base / "ampcheck"
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard",
                  cwd=ROOT, env=env)  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (hooks_repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hooks_repo / name)
    _git("init", "-q", cwd=hooks_repo, env=env)
    _git("add", "-A", cwd=hooks_repo, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=hooks_repo, env=env)
    rev = _git("rev-parse", "HEAD", cwd=hooks_repo, env=env).strip()

    # a Jekyll site with an old bad post already committed, and a README that is not a post
    site = base / "site"
    files = {
        **DEFAULT_SITE,
        "README.md": "A site.\n",
        "_posts/2020-01-01-old.md": NO_FRONT_MATTER,
        ".pre-commit-config.yaml": f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n"
        "    hooks:\n      - id: ampcheck\n",
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    _git("init", "-q", cwd=site, env=env)
    _git("add", "-A", cwd=site, env=env)
    _git("commit", "-q", "-m", "the site", cwd=site, env=env)
    return {"site": site, "hooks": hooks_repo, "bin": venv / "bin", "env": env}


def _run(world: dict[str, Path | dict[str, str]], *args: str) -> subprocess.CompletedProcess[str]:
    env = world["env"]
    assert isinstance(env, dict)
    return subprocess.run(
        list(args), cwd=world["site"], env=env, capture_output=True, text=True, check=False,
        timeout=900,
    )  # fmt: skip


def test_hooks_lint_and_fix_only_staged_posts(world: dict[str, Path | dict[str, str]]) -> None:
    site, hooks, bin_ = world["site"], world["hooks"], world["bin"]
    assert isinstance(site, Path) and isinstance(bin_, Path)
    pre_commit = str(bin_ / "pre-commit")
    (site / "_posts/2020-01-02-a.md").write_text(DUPLICATE)
    (site / "_posts/2020-01-05-untracked.md").write_text(DUPLICATE)  # not staged
    _run(world, "git", "add", "_posts/2020-01-02-a.md")

    lint = _run(world, pre_commit, "try-repo", str(hooks), "ampcheck")
    output = lint.stdout + lint.stderr
    assert lint.returncode == 1, output
    assert "ampcheck" in output and "Failed" in output
    assert (
        "_posts/2020-01-02-a.md:2:1: FM007 [*] key 'title' is set again on line 3: "
        "this earlier value is ignored"
    ) in output
    assert "2020-01-01-old.md" not in output  # committed before: not staged
    assert "untracked" not in output  # not staged
    assert "README.md" not in output  # not a post

    fix = _run(world, pre_commit, "try-repo", str(hooks), "ampcheck-fix")
    output = fix.stdout + fix.stderr
    assert fix.returncode == 1, output  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in output
    assert (site / "_posts/2020-01-02-a.md").read_text() == FIXED
    assert (site / "_posts/2020-01-05-untracked.md").read_text() == DUPLICATE
    assert (site / "_posts/2020-01-01-old.md").read_text() == NO_FRONT_MATTER


def test_bad_post_fails_the_commit(world: dict[str, Path | dict[str, str]]) -> None:
    site, bin_ = world["site"], world["bin"]
    assert isinstance(site, Path) and isinstance(bin_, Path)
    _run(world, "git", "reset", "-q", "--hard")  # start from the committed site
    _run(world, "git", "clean", "-fdq")
    installed = _run(world, str(bin_ / "pre-commit"), "install")
    assert installed.returncode == 0, installed.stderr
    before = _run(world, "git", "rev-list", "--count", "HEAD").stdout

    (site / "_posts/2020-01-03-b.md").write_text(NO_FRONT_MATTER)
    _run(world, "git", "add", "_posts/2020-01-03-b.md")
    refused = _run(world, "git", "commit", "-m", "a bad post")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert (
        "_posts/2020-01-03-b.md:1:1: FM001 no front matter: the file must start with a '---' line"
    ) in output
    assert _run(world, "git", "rev-list", "--count", "HEAD").stdout == before

    (site / "_posts/2020-01-03-b.md").write_text(FIXED)
    _run(world, "git", "add", "_posts/2020-01-03-b.md")
    accepted = _run(world, "git", "commit", "-m", "a good post")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert int(_run(world, "git", "rev-list", "--count", "HEAD").stdout) == int(before) + 1
