"""HD001 and HD002 give markdownlint's MD001 and MD025 answers on markdownlint-style
fixtures.

Each file of ``tests/fixtures/headings`` is Markdown whose lines end with a marker
``{MD001}`` or ``{MD025}`` where markdownlint reports that rule (as markdownlint's own
test files do), and may configure the rules with a ``<!-- markdownlint-configure-file
{...} -->`` comment. ampcheck must report HD001 (MD001) and HD002 (MD025) on exactly
those lines, with the file's line endings as they are and as CRLF.

The markers were checked with markdownlint itself, with only MD001 and MD025 enabled;
``test_markers_agree_with_markdownlint`` does it again when ``MARKDOWNLINT_DIR`` names
a folder where ``npm install markdownlint`` was run and ``node`` is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

FIXTURES = ROOT / "tests" / "fixtures" / "headings"
RULES = {"MD001": "HD001", "MD025": "HD002"}
MARKER_RE = re.compile(r"\{(MD\d{3})\}")
CONFIGURE_RE = re.compile(r"<!--\s*markdownlint-configure-file\s*(\{.*?\})\s*-->", re.DOTALL)
OPTIONS = {"front_matter_title": "front-matter-title"}


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.md"))


def _expected(text: str) -> set[tuple[int, str]]:
    return {
        (number, RULES[code])
        for number, line in enumerate(text.splitlines(), start=1)
        for code in MARKER_RE.findall(line)
        if code in RULES
    }


def _config(text: str) -> str:
    """The file's markdownlint configuration as an .ampcheck.toml."""
    lines: list[str] = []
    for block in CONFIGURE_RE.findall(text):
        for code, settings in json.loads(block).items():
            assert code in RULES, f"no ampcheck rule for {code}"
            lines.append(f"[rules.{RULES[code]}]")
            for key, value in settings.items():
                # markdownlint's front_matter_title is a pattern; only "" (off) maps
                assert key in OPTIONS and value == "", f"unsupported setting {code}.{key}"
                lines.append(f'{OPTIONS[key]} = ""')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: p.stem)
def test_same_answers_as_markdownlint(fixture: Path, crlf: bool, site: Callable[..., Path]) -> None:
    text = fixture.read_text(encoding="utf-8")
    expected = _expected(text)
    if crlf:
        text = text.replace("\n", "\r\n")
    rel = f"_posts/2020-01-02-{fixture.stem}.md"
    # posts render through the "post" layout, which prints the title as <h1>, as
    # markdownlint takes a front-matter title to be
    config = "timezone: UTC\ndefaults:\n  - scope: {path: ''}\n    values: {layout: post}\n"
    root = site({rel: text.encode("utf-8"), ".ampcheck.toml": _config(text), "_config.yml": config})
    result = invoke(str(root / rel), "--select", "HD001,HD002", "--format", "json")
    assert result.code in (0, 1), result.err
    found = {(int(str(d["line"])), str(d["code"])) for d in result.json}
    assert found == expected


def test_fixtures_cover_both_rules() -> None:
    codes = {code for path in _fixtures() for _, code in _expected(path.read_text("utf-8"))}
    assert codes == set(RULES.values())


_MARKDOWNLINT_DIR = os.environ.get("MARKDOWNLINT_DIR", "")
_LINT_JS = """
import { lint } from "markdownlint/sync";
const files = JSON.parse(process.argv[1]);
const config = { default: false, MD001: true, MD025: true };
const results = lint({ files, config });
const hits = files.flatMap((f) => results[f].map((e) => [f, e.lineNumber, e.ruleNames[0]]));
console.log(JSON.stringify(hits));
"""


@pytest.mark.skipif(
    not (_MARKDOWNLINT_DIR and shutil.which("node")),
    reason="set MARKDOWNLINT_DIR to a folder with markdownlint installed (npm)",
)
def test_markers_agree_with_markdownlint() -> None:
    files = [str(path) for path in _fixtures()]
    run = subprocess.run(
        ["node", "--input-type=module", "-e", _LINT_JS, json.dumps(files)],
        cwd=_MARKDOWNLINT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = {(Path(f).name, line, RULES[code]) for f, line, code in json.loads(run.stdout)}
    expected = {
        (path.name, line, code)
        for path in _fixtures()
        for line, code in _expected(path.read_text(encoding="utf-8"))
    }
    assert found == expected
