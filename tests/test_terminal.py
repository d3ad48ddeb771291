"""ampcheck as a process: colors and progress on a real terminal (a pseudo-terminal),
NO_COLOR and --color, and standard input in and out."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, untimed

Site = Callable[..., Path]
Cli = Callable[..., Result]

DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
GOOD = "---\ntitle: Day 1\nlayout: post\n---\nText\n"
ESC = "\x1b["


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    env.update(AMPCHECK_DISABLE_PLUGIN_AUTOLOAD="1", COLUMNS="200", TERM="xterm")
    env.update(extra)
    return env


def _on_terminal(args: list[str], cwd: Path, terminal: str, **env: str) -> tuple[int, str, str]:
    """Run ampcheck with ``terminal`` ("stdout" or "stderr") on a pseudo-terminal and
    the other stream in a file; return (exit code, terminal text, file text)."""
    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as other:
        streams = {"stdout": other, "stderr": other, terminal: slave}
        proc = subprocess.Popen(
            [sys.executable, "-m", "ampcheck", *args],
            cwd=cwd, env=_env(**env), stdin=subprocess.DEVNULL,
            stdout=streams["stdout"], stderr=streams["stderr"],
        )  # fmt: skip
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        code = proc.wait(timeout=60)
        other.seek(0)
        text = other.read().decode()
    shown = b"".join(chunks).decode().replace("\r\n", "\n")  # the terminal's ONLCR
    return code, shown, text


@pytest.fixture
def blog(site: Site) -> Path:
    return site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": GOOD})


@pytest.mark.slow
def test_colors_on_a_terminal(blog: Path) -> None:
    code, shown, _ = _on_terminal(["_posts"], blog, "stdout")
    assert code == 1
    assert f"{ESC}1;31mFM007{ESC}0m" in shown  # the code, bold red
    assert f"{ESC}36m[*]{ESC}0m" in shown
    plain = untimed(_strip_ansi(shown))
    assert plain == (
        "_posts/2020-01-02-a.md:2:1: FM007 [*] key 'title' is set again on line 3: "
        "this earlier value is ignored\n1 problem (1 fixable with --fix) in 2 files.\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env"),
    [([], {"NO_COLOR": "1"}), (["--color", "never"], {}), ([], {"TERM": "dumb"})],
)
def test_no_colors_when_asked(blog: Path, args: list[str], env: dict[str, str]) -> None:
    code, shown, _ = _on_terminal(["_posts", *args], blog, "stdout", **env)
    assert code == 1
    assert ESC not in shown and "FM007 [*]" in shown


def test_color_always_and_never_in_a_pipe(blog: Path, cli: Cli) -> None:
    assert ESC not in cli("_posts").out  # not a terminal
    assert ESC in cli("--color", "always", "_posts").out
    assert cli("--color", "sometimes").code == 2


@pytest.mark.slow
def test_color_always_beats_no_color(blog: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ampcheck", "--color", "always", "_posts"],
        cwd=blog, env=_env(NO_COLOR="1"), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ESC in result.stdout


@pytest.mark.slow
def test_progress_on_a_terminal_for_many_files(site: Site) -> None:
    posts = {f"_posts/2020-01-{day:02d}-p.md": GOOD for day in range(1, 26)}
    root = site(posts)
    code, shown, out = _on_terminal(["_posts"], root, "stderr")
    assert code == 0
    assert "[ 1/25] _posts/2020-01-01-p.md" in shown
    assert "[25/25] _posts/2020-01-25-p.md" in shown
    assert shown.endswith("\r\x1b[K")  # the progress line is cleared at the end
    assert untimed(out) == "No problems in 25 files.\n"  # standard output stays clean


@pytest.mark.slow
def test_no_progress_for_few_files_or_without_a_terminal(site: Site) -> None:
    root = site({f"_posts/2020-01-{day:02d}-p.md": GOOD for day in range(1, 26)})
    piped = subprocess.run(
        [sys.executable, "-m", "ampcheck", "_posts"],
        cwd=root, env=_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert piped.stderr == ""
    for day in range(6, 26):
        (root / f"_posts/2020-01-{day:02d}-p.md").unlink()
    code, shown, _ = _on_terminal(["_posts"], root, "stderr")
    assert code == 0 and shown == ""


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _stdin(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ampcheck", *args],
        input=data, cwd=cwd, env=_env(), capture_output=True, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_stdin_is_linted(blog: Path) -> None:
    name = "_posts/2018-07-02-day-44.md"
    result = _stdin(["-", "--stdin-filename", name], DUPLICATE.encode(), blog)
    assert result.returncode == 1
    lines = untimed(result.stdout.decode()).splitlines()
    assert lines == [
        f"{name}:2:1: FM007 [*] key 'title' is set again on line 3: this earlier value is ignored",
        "1 problem (1 fixable with --fix) in 1 file.",
    ]
    assert result.stderr == b""


@pytest.mark.slow
def test_stdin_fix_writes_the_fixed_text_to_stdout(blog: Path) -> None:
    name = "_posts/2018-07-02-day-44.md"
    source = DUPLICATE.replace("\n", "\r\n").encode()
    result = _stdin(["-", "--fix", "--stdin-filename", name], source, blog)
    assert result.returncode == 0
    assert result.stdout == b"---\r\ntitle: Day 1\r\nlayout: post\r\n---\r\nText\r\n"
    assert untimed(result.stderr.decode()) == "Fixed 1 problem; no problems in 1 file.\n"
    assert not (blog / name).exists()  # nothing written to disk


@pytest.mark.slow
def test_stdin_without_a_filename(blog: Path) -> None:
    result = _stdin(["-", "--format", "json"], b"Text\n", blog)
    assert result.returncode == 1
    assert b'"path": "-"' in result.stdout and b'"FM001"' in result.stdout


@pytest.mark.slow
def test_a_terminal_gets_no_escape_sequence_from_a_post_or_a_name(site: Site) -> None:
    """Only ampcheck's own sequences reach the terminal: colors (SGR) and the progress
    line's erase; a post's and a file name's are shown as ``\\x1b``."""
    hostile = '---\ntitle: A\nlayout: "\\e]0;PWNED\\a\\e[2J"\n---\n# x\x1b[31m\n'
    posts = {f"_posts/2020-01-{day:02d}-p.md": GOOD for day in range(1, 25)}
    root = site({**posts, "_posts/2020-01-25-\x1b]0;PWNED\x07\x1b[2J.md": hostile})
    ours = re.compile(r"\x1b\[[0-9;]*m|\x1b\[K")
    for terminal in ("stdout", "stderr"):
        code, shown, _ = _on_terminal(["--no-cache", "_posts"], root, terminal)
        assert code == 1
        assert "\x1b" not in ours.sub("", shown)
        assert "2020-01-25-\\x1b]0;PWNED\\x07\\x1b[2J.md" in shown
    code, shown, _ = _on_terminal(["--no-cache", "--color", "never", "_posts"], root, "stdout")
    assert "layout '\\x1b]0;PWNED\\x07\\x1b[2J' is not in _layouts/" in shown
