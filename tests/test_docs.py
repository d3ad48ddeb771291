"""The documentation says what the code does."""

from __future__ import annotations

import inspect
import re

from ampcheck import hookspecs, plugins
from tests.conftest import ROOT, invoke


def _hooks() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in vars(hookspecs).items()
        if name.startswith("ampcheck_") and callable(fn)
    }


def test_plugin_docs_list_every_hook_with_its_signature() -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### `(ampcheck_\w+)(\(.*\)(?: -> .+)?)`$", doc, re.MULTILINE)
    hooks = _hooks()
    assert {name for name, _ in documented} == set(hooks)
    for name, signature in documented:
        assert signature == str(hooks[name]).replace("'", ""), name


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.DOTALL)
    assert block is not None, "README has no generated rule table"
    generated = invoke("--list-rules", "--format", "markdown")
    assert block.group(1) == generated.out, "regenerate: ampcheck --list-rules --format markdown"


def test_list_rules_has_a_row_per_rule() -> None:
    table = plugins.load(autoload=False).rules
    listing = invoke("--list-rules").out.splitlines()
    assert [line.split()[0] for line in listing[1:]] == [r.code for r in table]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(python -m pip install '\.\[test\]' && python -m pytest)$", readme, re.M)
    assert command is not None
    assert command.group(1) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
