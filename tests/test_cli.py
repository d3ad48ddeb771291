"""The command line as a user sees it: output formats, exit codes, fixing, config."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

GOOD = "---\ntitle: Day 1\nlayout: post\n---\n\n## Section\nText\n"
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
Site = Callable[..., Path]
Cli = Callable[..., Result]


def test_clean_posts_exit_0(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": GOOD})
    result = cli()  # no path: ./_posts
    assert result.code == 0
    assert result.untimed == "No problems in 1 file.\n"


def test_text_format_and_exit_1(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": "Text\n"})
    result = cli("_posts")
    assert result.code == 1
    assert re.fullmatch(r"2 problems \(1 fixable with --fix\) in 2 files, \d+\.\d\d s\.\n",
                        result.out.splitlines(keepends=True)[-1])  # fmt: skip
    assert result.untimed.splitlines() == [
        "_posts/2020-01-02-a.md:2:1: FM007 [*] key 'title' is set again on line 3: "
        "this earlier value is ignored",
        "_posts/2020-01-03-b.md:1:1: FM001 no front matter: the file must start with a '---' line",
        "2 problems (1 fixable with --fix) in 2 files.",
    ]


def test_json_format(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE})
    result = cli("--format", "json", "_posts")
    (d,) = result.json
    assert d == {
        "path": "_posts/2020-01-02-a.md",
        "line": 2, "column": 1, "end_line": 2, "end_column": 6,
        "code": "FM007", "name": "front-matter-duplicate-key", "severity": "error",
        "message": "key 'title' is set again on line 3: this earlier value is ignored",
        "fix": {"applicability": "safe", "title": "remove the ignored 'title' entry"},
    }  # fmt: skip


def test_github_format_is_automatic_in_actions(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = cli("_posts")
    assert result.out.startswith(
        "::error file=_posts/2020-01-02-a.md,line=2,col=1,endLine=2,endColumn=6,"
        "title=FM007 front-matter-duplicate-key::FM007 key 'title'"
    )


def test_selecting_rules(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/bad-name.md": "Text\n"})
    codes = lambda r: sorted({d["code"] for d in r.json})  # noqa: E731
    assert codes(cli("--format", "json")) == ["FM001", "FM005", "FM007"]
    assert codes(cli("--format", "json", "--select", "FM00")) == ["FM001", "FM005", "FM007"]
    assert codes(cli("--format", "json", "--select", "post-filename")) == ["FM005"]
    assert codes(cli("--format", "json", "--ignore", "FM001,FM005")) == ["FM007"]
    assert codes(cli("--format", "json", "--select", "FM001", "--extend-select", "FM007")) == [
        "FM001", "FM007"
    ]  # fmt: skip


def test_unknown_selector_is_a_usage_error(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": GOOD})
    result = cli("--select", "XX9")
    assert result.code == 2
    assert result.err == "ampcheck: error: unknown rule selector 'XX9'\n"


def test_bad_option_is_a_usage_error(site: Site, cli: Cli) -> None:
    assert cli("--no-such-option").code == 2
    assert cli("--format", "xml").code == 2


def test_missing_path_is_an_error_and_the_rest_is_linted(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE})
    result = cli("nope.md", "_posts")
    assert result.code == 2
    assert "ampcheck: error: nope.md: no such file or folder" in result.err
    assert "FM007" in result.out


def test_unreadable_file_is_reported_and_the_rest_is_linted(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": DUPLICATE})
    (root / "_posts/2020-01-01-gone.md").symlink_to(root / "nowhere.md")
    result = cli("_posts")
    assert result.code == 3  # the run is incomplete
    assert result.err == ""
    assert result.untimed.splitlines() == [
        "_posts/2020-01-01-gone.md:1:1: AC002 cannot read the file: No such file or directory",
        "_posts/2020-01-02-a.md:2:1: FM007 [*] key 'title' is set again on line 3: "
        "this earlier value is ignored",
        "2 problems (1 fixable with --fix) in 2 files.",
    ]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00"


def test_every_kind_of_file_that_cannot_be_checked_is_ac002(site: Site, cli: Cli) -> None:
    root = site(
        {
            "_posts/2020-01-02-a.md": GOOD,
            "_posts/2020-01-03-image.md": PNG,
            "_posts/2020-01-04-big.md": GOOD + "x" * 200,
            ".ampcheck.toml": "max-file-size = 100\n",
        }
    )
    posts = root / "_posts"
    os.mkfifo(posts / "2020-01-05-pipe.md")
    (posts / "2020-01-06-loop.md").symlink_to("2020-01-06-loop.md")
    (posts / "2020-01-07-gone.md").symlink_to("2020-01-01-deleted.md")
    secret = posts / "2020-01-08-secret.md"
    secret.write_text(GOOD)
    secret.chmod(0)
    readable = os.access(secret, os.R_OK)  # root reads it all the same
    result = cli("--format", "json")
    assert result.code == 3, result.err
    found = {d["path"]: (d["code"], d["line"], d["column"], d["message"]) for d in result.json}
    big = len((GOOD + "x" * 200).encode())
    expected = {
        "_posts/2020-01-03-image.md": "binary data (NUL bytes, not UTF-8), not a post",
        "_posts/2020-01-04-big.md": f"{big} bytes is more than max-file-size (100 bytes); "
        "raise max-file-size to check it",
        "_posts/2020-01-05-pipe.md": "a FIFO, not a regular file",
        "_posts/2020-01-06-loop.md": "cannot read the file: Too many levels of symbolic links",
        "_posts/2020-01-07-gone.md": "cannot read the file: No such file or directory",
    }
    if not readable:
        expected["_posts/2020-01-08-secret.md"] = "cannot read the file: Permission denied"
    assert found == {path: ("AC002", 1, 1, message) for path, message in expected.items()}
    secret.chmod(0o644)


def test_ac002_is_selected_and_ignored_by_code(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-image.md": PNG})
    assert cli("--ignore", "AC002", "--format", "json").code == 1  # skipped in silence
    assert [d["code"] for d in cli("--ignore", "file-not-checked", "--format", "json").json] == [
        "FM007"
    ]
    only = cli("--select", "AC002", "--format", "json")
    assert only.code == 3 and [d["code"] for d in only.json] == ["AC002"]
    # the run is incomplete whatever fail-on says, and a warning is still a warning
    site({".ampcheck.toml": "[rules.AC002]\nseverity = 'warning'\n"})
    assert cli("--exit-zero").code == 3
    assert cli("--select", "AC002", "--format", "json").json[0]["severity"] == "warning"
    # a file that cannot be checked does not hide an internal error (exit 2)
    assert cli("nope.md", "_posts").code == 2


def test_binary_standard_input_is_ac002(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    site()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PNG)))
    result = cli("-", "--stdin-filename", "_posts/2020-01-02-a.md", "--format", "json")
    assert result.code == 3
    assert [(d["path"], d["code"]) for d in result.json] == [("_posts/2020-01-02-a.md", "AC002")]


def test_warnings_do_not_fail_and_exit_zero(site: Site, cli: Cli) -> None:
    site(
        {
            "_posts/2020-01-02-a.md": DUPLICATE,
            ".ampcheck.toml": '[rules.front-matter-duplicate-key]\nseverity = "warning"\n',
        }
    )
    result = cli("--format", "json")
    assert result.code == 0 and result.json[0]["severity"] == "warning"
    site({".ampcheck.toml": ""})
    assert cli().code == 1
    assert cli("--exit-zero").code == 0


@pytest.mark.parametrize(
    ("setting", "flags", "code"),
    [
        ("", (), 0),  # the default: only errors fail
        ("", ("--fail-on", "error"), 0),
        ("", ("--fail-on", "warning"), 1),
        ("fail-on = 'warning'\n", (), 1),
        ("fail-on = 'warning'\n", ("--fail-on", "error"), 0),  # the command line wins
        ("fail-on = 'warning'\n", ("--fail-on", "never"), 0),
        ("fail-on = 'warning'\n", ("--exit-zero",), 0),
    ],
)
def test_fail_on_a_warning(
    site: Site, cli: Cli, setting: str, flags: tuple[str, ...], code: int
) -> None:
    warning = '[rules.front-matter-duplicate-key]\nseverity = "warning"\n'
    site({"_posts/2020-01-02-a.md": DUPLICATE, ".ampcheck.toml": setting + warning})
    result = cli(*flags)
    assert result.code == code, result.err
    assert "FM007" in result.out


def test_fail_on_never_and_errors(site: Site, cli: Cli) -> None:
    site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": GOOD})
    assert cli("--fail-on", "error").code == 1
    assert cli("--fail-on", "warning", "--format", "json").code == 1
    assert cli("--fail-on", "never").code == 0
    site({".ampcheck.toml": "fail-on = 'never'\n"})
    assert cli().code == 0
    assert cli("--diff", "--fail-on", "never").code == 0
    assert cli("--diff").code == 0  # the setting says never: a fix to make does not fail
    assert cli("--diff", "--fail-on", "error").code == 1


def test_fail_on_is_checked(site: Site, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    site({"_posts/2020-01-02-a.md": GOOD, ".ampcheck.toml": "fail-on = 'warnings'\n"})
    result = cli()
    assert result.code == 2
    assert result.err == (
        f"ampcheck: error: {Path('.ampcheck.toml').resolve()}: fail-on must be one of error, "
        "warning, never (got 'warnings')\n"
    )
    site({".ampcheck.toml": ""})
    assert cli("--fail-on", "info").code == 2
    assert "argument --fail-on: invalid choice: 'info'" in capsys.readouterr().err


def test_show_config_says_where_fail_on_comes_from(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": GOOD})

    def shown(*flags: str) -> dict[str, str]:
        result = cli("--show-config", "--format", "json", *flags)
        return dict(json.loads(result.out)["settings"]["fail-on"])

    assert shown() == {"value": "error", "source": "default"}
    site({".ampcheck.toml": "fail-on = 'warning'\n"})
    assert shown() == {"value": "warning", "source": str(root / ".ampcheck.toml")}
    assert shown("--fail-on", "never") == {"value": "never", "source": "command line (--fail-on)"}
    assert shown("--exit-zero") == {"value": "never", "source": "command line (--exit-zero)"}


def test_pyproject_config_and_closest_wins(site: Site, cli: Cli) -> None:
    root = site(
        {
            "pyproject.toml": '[tool.ampcheck]\nignore = ["FM007"]\n',
            "_posts/2020-01-02-a.md": DUPLICATE,
        }
    )
    assert cli().code == 0
    (root / "sub").mkdir()
    (root / "sub" / ".ampcheck.toml").write_text("select = ['FM']\n")
    os.chdir(root / "sub")
    assert cli("../_posts").code == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("selekt = ['FM']\n", "unknown setting 'selekt'"),
        ("[rules.FM003]\nfields = 'title'\n", "FM003.fields: expected a list"),
        ("[rules.FM003]\nfeilds = ['title']\n", "FM003: unknown option 'feilds'"),
        ("[rules.FM003]\nseverity = 'fatal'\n", "unknown severity 'fatal'"),
        ("[rules.XX001]\n", "unknown rule 'XX001'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_it(site: Site, cli: Cli, config: str, message: str) -> None:
    site({".ampcheck.toml": config, "_posts/2020-01-02-a.md": GOOD})
    result = cli()
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err, result.err


def test_required_fields_setting(site: Site, cli: Cli) -> None:
    site({".ampcheck.toml": "required-fields = ['title', 'image']\n",
          "_posts/2020-01-02-a.md": GOOD})  # fmt: skip
    assert "required field 'image' is missing" in cli().out


def test_fix_writes_atomically_and_keeps_permissions(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": GOOD})
    post = root / "_posts/2020-01-02-a.md"
    clean = root / "_posts/2020-01-03-b.md"
    post.chmod(0o640)
    os.utime(clean, (1_000_000_000, 1_000_000_000))
    result = cli("--fix")
    assert result.code == 0
    assert result.untimed == "Fixed 1 problem; no problems in 2 files.\n"
    assert post.read_text() == "---\ntitle: Day 1\nlayout: post\n---\nText\n"
    assert stat.S_IMODE(post.stat().st_mode) == 0o640
    assert clean.stat().st_mtime == 1_000_000_000  # nothing to fix: not rewritten
    assert sorted(p.name for p in (root / "_posts").iterdir()) == [
        "2020-01-02-a.md", "2020-01-03-b.md"
    ]  # fmt: skip


def test_diff_writes_nothing(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": DUPLICATE})
    result = cli("--diff")
    assert result.code == 1
    assert result.out == (
        "--- a/_posts/2020-01-02-a.md\n+++ b/_posts/2020-01-02-a.md\n"
        "@@ -1,5 +1,4 @@\n ---\n-title: Old\n title: Day 1\n layout: post\n ---\n"
    )
    assert (root / "_posts/2020-01-02-a.md").read_text() == DUPLICATE
    (root / "_posts/2020-01-02-a.md").write_text(GOOD)
    assert cli("--diff").code == 0


def test_fix_keeps_crlf(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": DUPLICATE.replace("\n", "\r\n").encode()})
    cli("--fix")
    assert (root / "_posts/2020-01-02-a.md").read_bytes() == (
        b"---\r\ntitle: Day 1\r\nlayout: post\r\n---\r\nText\r\n"
    )


def test_list_rules_and_explain(site: Site, cli: Cli) -> None:
    site()
    listing = cli("--list-rules")
    assert listing.code == 0
    row = r"^FM007 +front-matter-duplicate-key +sometimes +on +error "
    assert re.search(row, listing.out, re.M)
    explained = cli("--explain", "fm001")
    assert explained.code == 0 and explained.out.startswith("# FM001 front-matter-missing\n")
    assert cli("--explain", "front-matter-missing").out == explained.out
    unknown = cli("--explain", "XX001")
    assert unknown.code == 2 and "unknown rule 'XX001'" in unknown.err


def test_stdin(site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    site()

    class Stdin:
        buffer = io.BytesIO(DUPLICATE.encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    result = cli("-", "--stdin-filename", "_posts/2020-01-02-a.md")
    assert result.out.startswith("_posts/2020-01-02-a.md:2:1: FM007")


def test_folders_are_searched_for_posts(site: Site, cli: Cli) -> None:
    site(
        {
            "_posts/2020-01-02-a.md": GOOD,
            "_posts/2020-01-03-b.markdown": GOOD,
            "_posts/drafts/2020-01-04-c.html": GOOD,
            "_posts/notes.txt": "not a post",
            "_site/2020-01-05-d.md": "Text\n",
            ".hidden/2020-01-06-e.md": "Text\n",
        }
    )
    assert cli(".").untimed == "No problems in 3 files.\n"
    site({".ampcheck.toml": "exclude = ['_posts/drafts']\n"})
    assert cli(".").untimed == "No problems in 2 files.\n"


def test_each_post_is_checked_once_and_shown_as_first_reached(site: Site, cli: Cli) -> None:
    root = site(
        {
            "_posts/2020-01-02-a.md": "---\ntitle: A\ntitle: B\n---\n",
            "_posts/sub/2020-01-03-b.md": "---\ntitle: A\ntitle: B\n---\n",
        }
    )
    (root / "_posts" / "2020-01-04-link.md").symlink_to("sub/2020-01-03-b.md")
    result = cli(
        "--no-cache",
        "--format",
        "json",
        ".",
        "./_posts/",
        "_posts//sub",
        "_posts/sub/../2020-01-02-a.md",
    )
    assert [d["path"] for d in result.json] == [
        "_posts/2020-01-02-a.md",
        "_posts/2020-01-04-link.md",
    ]
    # a folder given with ./ and a trailing slash is spelt as Path spells it
    result = cli("--no-cache", "--format", "json", "./_posts/sub/")
    assert [d["path"] for d in result.json] == ["_posts/sub/2020-01-03-b.md"]
