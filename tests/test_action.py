"""The GitHub Action (action.yml), run here as a runner runs it: its ``run:`` steps in
order, each in ``bash --noprofile --norc -eo pipefail`` with the inputs and
``github.action_path`` substituted into their ``env:``, ``RUNNER_TEMP`` and
``GITHUB_PATH`` as the runner gives them, a step skipped by its ``if:`` or after a
failure. The install step builds this checkout into a virtual environment with pip,
as the action does for its users (needs the package index for the dependencies)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DEFAULT_SITE, ROOT
from tests.test_formats import _validate_sarif

pytestmark = pytest.mark.slow

ACTION = ROOT / "action.yml"
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
GOOD = "---\ntitle: Day 1\nlayout: post\n---\nText\n"
A = "_posts/2020-01-02-a.md"
B = "_posts/2020-01-03-b.md"
EXPRESSION_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _inputs(**given: str) -> dict[str, str]:
    """The inputs a workflow's ``with:`` gives, over the action's defaults."""
    declared = _action()["inputs"]
    assert set(given) <= set(declared), "an input the action does not declare"
    return {name: given.get(name, spec.get("default", "")) for name, spec in declared.items()}


def _expand(text: str, inputs: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        expr = m.group(1)
        if expr == "github.action_path":
            return str(ROOT)
        name = expr.removeprefix("inputs.")
        assert name != expr and name in inputs, f"an expression the test does not know: {expr}"
        return inputs[name]

    return EXPRESSION_RE.sub(value, text)


def _runs(step: dict[str, Any], inputs: dict[str, str], failed: bool) -> bool:
    """Whether a step runs: by its ``if:`` (the expressions action.yml uses), else
    only when no step before it failed."""
    condition = step.get("if")
    if condition is None:
        return not failed
    expr = EXPRESSION_RE.fullmatch(condition.strip())
    assert expr is not None, condition
    known: dict[str, Callable[[], bool]] = {
        "always() && inputs.sarif != ''": lambda: inputs["sarif"] != "",
    }
    assert expr.group(1) in known, f"a condition the test does not know: {condition}"
    return known[expr.group(1)]()


class Runner:
    """The runner's side of a job: its temporary folder and the PATH steps extend."""

    def __init__(self, base: Path) -> None:
        self.temp = base / "runner-temp"
        self.temp.mkdir()
        self.github_path = base / "github_path"
        self.github_path.touch()

    def env(self, step_env: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "NO_COLOR"))}
        added = [p for p in self.github_path.read_text().splitlines() if p]
        env["PATH"] = os.pathsep.join([*reversed(added), env.get("PATH", "")])
        env.update(
            GITHUB_ACTIONS="true",
            RUNNER_TEMP=str(self.temp),
            GITHUB_PATH=str(self.github_path),
            **step_env,
        )
        return env

    def run(
        self, cwd: Path, inputs: dict[str, str], names: tuple[str, ...] | None = None
    ) -> dict[str, subprocess.CompletedProcess[str]]:
        """Run the action's steps (or those named) in ``cwd``; each one's outcome."""
        done: dict[str, subprocess.CompletedProcess[str]] = {}
        failed = False
        for step in _action()["runs"]["steps"]:
            assert step["shell"] == "bash" and "uses" not in step
            if names is not None and step["name"] not in names:
                continue
            if not _runs(step, inputs, failed):
                continue
            env = {k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()}
            assert "${{" not in step["run"], "expressions belong in env:, not in the script"
            script = self.temp / "step.sh"
            script.write_text(step["run"])
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=cwd,
                env=self.env(env),
                capture_output=True,
                text=True,
                timeout=600,
            )
            done[step["name"]] = result
            failed = failed or result.returncode != 0
        return done


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """A runner on which the action's install step has run (version: the default)."""
    base = tmp_path_factory.mktemp("action")
    runner = Runner(base)
    (install,) = runner.run(base, _inputs(), ("Install ampcheck",)).values()
    assert install.returncode == 0, install.stderr[-3000:]
    venv_bin = runner.temp / "ampcheck-venv" / "bin"
    assert runner.github_path.read_text() == f"{venv_bin}\n"
    return runner


def _site(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**DEFAULT_SITE, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_action_annotates_and_writes_sarif(runner: Runner, tmp_path: Path) -> None:
    site = _site(tmp_path, {A: DUPLICATE, B: GOOD})
    done = runner.run(
        site, _inputs(sarif="ampcheck.sarif"), ("Check the posts", "Write the SARIF log")
    )
    check, sarif = done["Check the posts"], done["Write the SARIF log"]
    assert check.returncode == 1  # the job fails on an error...
    assert check.stdout.startswith(
        f"::error file={A},line=2,col=1,endLine=2,endColumn=6,"
        "title=FM007 front-matter-duplicate-key::FM007 key 'title' is set again on line 3"
    )
    assert sarif.returncode == 0, sarif.stderr  # ...and the log is written all the same
    log = json.loads((site / "ampcheck.sarif").read_text(encoding="utf-8"))
    _validate_sarif(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "FM007"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == A
    assert location["region"]["startLine"] == 2
    # the installed ampcheck is the one the install step put on the PATH
    which = subprocess.run(
        ["bash", "-c", "command -v ampcheck"], env=runner.env({}), capture_output=True, text=True
    )
    assert which.stdout.strip() == str(runner.temp / "ampcheck-venv" / "bin" / "ampcheck")


def test_action_without_sarif_on_a_clean_site(runner: Runner, tmp_path: Path) -> None:
    site = _site(tmp_path, {A: GOOD})
    done = runner.run(site, _inputs(), ("Check the posts", "Write the SARIF log"))
    assert list(done) == ["Check the posts"]  # no SARIF path: no log
    assert done["Check the posts"].returncode == 0, done["Check the posts"].stderr
    assert done["Check the posts"].stdout == ""
    assert not any(site.glob("*.sarif"))


def test_action_args_are_paths_and_options(runner: Runner, tmp_path: Path) -> None:
    site = _site(tmp_path, {A: DUPLICATE, "_drafts/b.md": "no front matter\n"})
    inputs = _inputs(args="_posts _drafts --select FM001", sarif="out/log.sarif")
    (site / "out").mkdir()
    done = runner.run(site, inputs, ("Check the posts", "Write the SARIF log"))
    check = done["Check the posts"]
    assert check.returncode == 1
    assert [line.split("::")[1].split(",")[0] for line in check.stdout.splitlines()] == [
        "error file=_drafts/b.md"
    ]
    log = json.loads((site / "out/log.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["FM001"]


def test_action_sarif_step_fails_when_no_log_is_written(runner: Runner, tmp_path: Path) -> None:
    site = _site(tmp_path, {A: GOOD})
    steps = ("Check the posts", "Write the SARIF log")
    done = runner.run(site, _inputs(args="--select NOPE", sarif="x.sarif"), steps)
    assert done["Check the posts"].returncode == 2
    assert "unknown rule selector 'NOPE'" in done["Check the posts"].stderr
    sarif = done["Write the SARIF log"]
    assert sarif.returncode == 1
    assert "ampcheck wrote no SARIF log (exit code 2)" in sarif.stderr
