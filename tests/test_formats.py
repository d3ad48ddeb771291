"""Output for CI and for people: SARIF (checked against the official schema), JUnit,
GitHub annotations, --statistics, --show-config and the summary line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import SHARED, Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
A = "_posts/2020-01-02-a.md"
B = "_posts/2020-01-03-b.md"
C = "_posts/2020-01-04-c.md"
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
GOOD = "---\ntitle: Day 1\nlayout: post\n---\nText\n"
WARNING = "---\ntitle: Day 1\nlayout: post\n---\n## <span></span>\n"  # HD003, a warning


def _blog(site: Site) -> Path:
    return site({A: DUPLICATE, B: "Text\n", C: GOOD, "_posts/2020-01-05-d.md": WARNING})


def _validate_sarif(log: Any) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_a_file_that_cannot_be_checked_in_every_format(site: Site, cli: Cli) -> None:
    root = site({A: DUPLICATE, B: GOOD})
    (root / "_posts/2020-01-01-gone.md").symlink_to("2019-12-31-deleted.md")
    gone, why = "_posts/2020-01-01-gone.md", "cannot read the file: No such file or directory"
    text = cli("--format", "text")
    assert text.code == 3 and text.err == ""
    assert text.untimed.splitlines()[0] == f"{gone}:1:1: AC002 {why}"
    (first, _) = cli("--format", "json").json
    assert first == {
        "path": gone, "line": 1, "column": 1, "end_line": 1, "end_column": 1,
        "code": "AC002", "name": "file-not-checked", "severity": "error", "message": why,
        "fix": None,
    }  # fmt: skip
    github = cli("--format", "github").out.splitlines()[0]
    assert github == (
        f"::error file={gone},line=1,col=1,endLine=1,endColumn=1,"
        f"title=AC002 file-not-checked::AC002 {why}"
    )
    junit = ET.fromstring(cli("--format", "junit").out)
    (failure,) = junit.findall(f"testsuite[@name='{gone}']/testcase/failure")
    assert (failure.get("type"), failure.get("message")) == ("AC002", why)
    sarif = cli("--format", "sarif")
    assert sarif.code == 3
    log = json.loads(sarif.out)
    _validate_sarif(log)
    (run,) = log["runs"]
    result = run["results"][0]
    assert result["ruleId"] == "AC002" and result["message"] == {"text": why}
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": gone, "uriBaseId": "%SRCROOT%"}
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "AC002"
    statistics = cli("--statistics").out.splitlines()
    assert re.sub(" +", " ", statistics[1]) == "AC002 file-not-checked 1 0"


def test_sarif_is_valid_and_complete(site: Site, cli: Cli) -> None:
    _blog(site)
    result = cli("--format", "sarif")
    assert result.code == 1
    log = json.loads(result.out)
    _validate_sarif(log)
    (run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "ampcheck"
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    codes = [r["id"] for r in rules]
    assert "FM007" in codes and "HD003" in codes
    fm007 = rules[codes.index("FM007")]
    assert fm007["name"] == "front-matter-duplicate-key"
    assert fm007["help"]["markdown"].startswith("# FM007 front-matter-duplicate-key")
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"FM001", "FM007", "HD003"}
    dup = by_rule["FM007"]
    assert rules[dup["ruleIndex"]]["id"] == "FM007"
    assert dup["level"] == "error" and by_rule["HD003"]["level"] == "warning"
    assert dup["message"]["text"].startswith("key 'title' is set again on line 3")
    location = dup["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": A, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 6}
    assert re.fullmatch(r"[0-9a-f]{16}", dup["partialFingerprints"]["ampcheck/v1"])
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_reports_internal_errors_and_odd_paths(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a b%.md": "Text\n"})
    (root / "myplugin.py").write_text(
        "from ampcheck.hookspecs import hookimpl\nfrom ampcheck.rule import Rule\n"
        "class Boom(Rule):\n    code = 'ZZZ001'\n    name = 'boom'\n    summary = 'raises'\n"
        "    def check(self, post):\n        raise RuntimeError('boom')\n"
        "@hookimpl\ndef ampcheck_register_rules():\n    return [Boom]\n"
    )
    (root / ".ampcheck.toml").write_text('plugins = ["myplugin.py"]\n')
    result = cli("--format", "sarif")
    assert result.code == 2
    log = json.loads(result.out)
    _validate_sarif(log)
    (run,) = log["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert "internal error in rule ZZZ001 (boom): RuntimeError: boom" in note["message"]["text"]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "_posts/2020-01-02-a%20b%25.md"


def test_sarif_with_no_problems_is_valid(site: Site, cli: Cli) -> None:
    site({A: GOOD})
    result = cli("--format", "sarif")
    assert result.code == 0
    log = json.loads(result.out)
    _validate_sarif(log)
    assert log["runs"][0]["results"] == []


def test_junit(site: Site, cli: Cli) -> None:
    _blog(site)
    result = cli("--format", "junit")
    assert result.code == 1
    assert result.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ET.fromstring(result.out)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "3", "0")
    assert float(root.get("time", "x")) >= 0
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == sorted([A, B, C, "_posts/2020-01-05-d.md"])
    (case,) = suites[A].iter("testcase")
    assert case.get("name") == "FM007 front-matter-duplicate-key at 2:1"
    assert (case.get("classname"), case.get("file"), case.get("line")) == (A, A, "2")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "FM007"
    assert failure.get("message", "").startswith("key 'title' is set again")
    assert failure.text == (
        f"{A}:2:1: FM007 [error] key 'title' is set again on line 3: this earlier value is ignored"
    )
    (passing,) = suites[C].iter("testcase")
    assert passing.get("name") == "no problems" and len(passing) == 0


def test_github_annotations(site: Site, cli: Cli) -> None:
    _blog(site)
    lines = cli("--format", "github").out.splitlines()
    assert lines == [
        f"::error file={A},line=2,col=1,endLine=2,endColumn=6,title=FM007 "
        "front-matter-duplicate-key::FM007 key 'title' is set again on line 3: this earlier "
        "value is ignored",
        f"::error file={B},line=1,col=1,endLine=1,endColumn=5,title=FM001 front-matter-missing"
        "::FM001 no front matter: the file must start with a '---' line",
        "::warning file=_posts/2020-01-05-d.md,line=5,col=1,endLine=5,endColumn=17,"
        "title=HD003 heading-empty::HD003 the level-2 heading has no text",
    ]


def test_statistics(site: Site, cli: Cli) -> None:
    _blog(site)
    (Path.cwd() / "_posts/2020-01-06-e.md").write_text(DUPLICATE)
    result = cli("--statistics")
    assert result.code == 1
    lines = result.untimed.splitlines()
    assert lines[:4] == [
        "code   name                        count  fixable",
        "FM007  front-matter-duplicate-key      2        2",
        "FM001  front-matter-missing            1        0",
        "HD003  heading-empty                   1        0",
    ]
    assert lines[4] == "4 problems (2 fixable with --fix) in 5 files."
    as_json = cli("--statistics", "--format", "json")
    assert as_json.json[0] == {
        "code": "FM007", "name": "front-matter-duplicate-key", "count": 2, "fixable": 2
    }  # fmt: skip
    assert cli("--statistics", "--exit-zero").code == 0


def test_summary_line_ends_with_the_run_time(site: Site, cli: Cli) -> None:
    _blog(site)
    last = cli().out.splitlines()[-1]
    assert re.fullmatch(r"3 problems \(1 fixable with --fix\) in 4 files, \d+\.\d\d s\.", last)
    assert cli("--quiet").out.count("\n") == 3  # diagnostics only


def test_show_config_says_where_values_come_from(site: Site, cli: Cli) -> None:
    root = site(
        {
            ".ampcheck.toml": "ignore = ['FM008']\nrequired-fields = ['title', 'image']\n"
            "[rules.heading-empty]\nseverity = 'error'\n",
            A: GOOD,
        }
    )
    result = cli("--show-config", "--select", "FM,HD003", "--ignore", "FM006", "--format", "text")
    assert result.code == 0, result.err
    config = str(root / ".ampcheck.toml")
    lines = result.out.splitlines()

    def line(key: str) -> str:
        (found,) = [ln for ln in lines if re.match(rf"{re.escape(key)} +=", ln)]
        return re.sub(r" +", " ", found)

    assert line("config-file") == f'config-file = "{config}" # found from the current folder'
    assert line("select") == 'select = ["FM", "HD003"] # command line (--select)'
    assert line("ignore") == f'ignore = ["FM008", "FM006"] # {config} + command line (--ignore)'
    assert line("extend-select") == "extend-select = [] # default"
    assert line("format") == 'format = "text" # command line (--format)'
    assert line("color") == 'color = "auto" # default'
    assert line("required-fields") == f'required-fields = ["title", "image"] # {config}'
    rules = json.loads(line("rules").split(" = ", 1)[1].split(" #")[0])
    assert "FM006" not in rules and "FM008" not in rules and "HD003" in rules
    hd003 = lines[lines.index("[rules.HD003]") + 1]
    assert re.sub(r" +", " ", hd003) == f'severity = "error" # {config}'
    fm003 = lines.index("[rules.FM003]")
    assert re.sub(r" +", " ", lines[fm003 + 2]) == (
        f'fields = ["title", "image"] # {config} (required-fields)'
    )
    as_json = json.loads(cli("--show-config", "--format", "json").out)
    assert as_json["settings"]["ignore"] == {"value": ["FM008"], "source": config}
    assert as_json["rules"]["FM001"]["severity"] == {"value": "error", "source": "default"}


def test_show_config_without_a_file(site: Site, cli: Cli) -> None:
    site()
    out = re.sub(r" +", " ", cli("--show-config").out)
    assert "\nconfig-file = (not set) # none found\n" in out
    assert "\nselect = (not set) # default: the rules that are on by default\n" in out


def test_text_output_written_file_by_file_matches_the_json_output(site: Site, cli: Cli) -> None:
    # text is written as each file's result comes in, json once the run is over; over
    # enough files for --jobs 2 to use two processes
    files = {f"_posts/2020-02-01-p{n:02d}.md": DUPLICATE if n % 2 else WARNING for n in range(45)}
    site(files)
    for jobs in ("1", "2"):
        text = cli("--jobs", jobs).untimed.splitlines()
        rows = cli("--jobs", jobs, "--format", "json").json
        assert [line.split(" ", 2)[:2] for line in text[:-1]] == [
            [f"{r['path']}:{r['line']}:{r['column']}:", r["code"]] for r in rows
        ]
        assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)
        assert text[-1] == f"{len(rows)} problems (22 fixable with --fix) in 45 files."
