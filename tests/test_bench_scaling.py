"""The scaling benchmark (bench/scaling.py): every rule has a post that grows its
findings (or, for a rule that reports once a post, its input), and each post really
holds the findings it is meant to."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ampcheck import plugins
from ampcheck.engine.files import NOT_CHECKED_CODE

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_every_rule_grows_and_reports_what_it_should(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import scaling
    finally:
        sys.path.remove(str(BENCH))
    # small sizes: the rates mean nothing here, the findings do (a post without the
    # findings it is meant to hold ends the run with an error)
    assert scaling.main(["--sizes", "20,40", "--repeat", "1", "--limit", "1000"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    labels = {row.split(" | ")[0].removeprefix("| ") for row in rows[1:]}
    # AC002 reports a file that cannot be read, never a finding in a post's text
    codes = {rule.code for rule in plugins.load(autoload=False).rules} - {NOT_CHECKED_CODE}
    assert codes <= labels, sorted(codes - labels)
