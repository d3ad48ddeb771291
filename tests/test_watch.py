"""``ampcheck --watch`` with real file changes in a temporary folder: a process that
watches, edits of its posts and settings, and Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

GOOD = "---\ntitle: Day 1\nlayout: post\n---\n\n## Section\nText\n"
DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\n\n## Section\nText\n"
A = "_posts/2020-01-02-a.md"
B = "_posts/2020-01-03-b.md"
WAITING = "Watching for changes (Ctrl-C to stop)."
#: seconds to wait for a run after a change (a run takes well under one)
PATIENCE = 30

pytestmark = pytest.mark.slow


def save(path: Path, text: str) -> None:
    """Save as editors do: a hidden temporary file renamed over the post, so that
    the watch never sees it half written."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text)
    os.replace(temporary, path)


class Watcher:
    """``ampcheck --watch`` in a process of its own; its output read line by line."""

    def __init__(self, root: Path, *args: str, stdout: int | IO[bytes] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("GITHUB_ACTIONS", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ampcheck", "--watch", "--no-cache", *args],
            cwd=root,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        if stdout is None:
            assert self.proc.stdout is not None
            threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self.lines.put(raw.decode("utf-8", "replace"))

    def until(self, text: str) -> list[str]:
        """The lines written up to the first one that holds ``text``."""
        deadline = time.monotonic() + PATIENCE
        got: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, self._died()
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"no {text!r} after {PATIENCE} s; output: {''.join(self.seen)}")

    def _died(self) -> str:
        err = self.proc.stderr.read().decode() if self.proc.stderr else ""
        return f"ampcheck --watch ended with {self.proc.returncode}: {err}"

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and what was written on standard error."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=PATIENCE)
        err = self.proc.stderr.read().decode() if self.proc.stderr else ""
        return code, err


def test_watch_reports_new_and_fixed_problems_and_ends_on_ctrl_c(site: Site) -> None:
    root = site({A: GOOD, B: GOOD})
    watcher = Watcher(root)
    first = watcher.until(WAITING)
    assert first[0].startswith("No problems in 2 files, ")
    assert not any("Since the last run" in line for line in first)
    save(root / A, DUPLICATE)
    run = watcher.until(WAITING)
    assert run[0].startswith(
        f"{A}:2:1: FM007 [*] key 'title' is set again on line 3: this earlier value is ignored"
    )
    assert "Since the last run: 1 new, 0 fixed.\n" in run
    assert (
        f"+ {A}:2:1: FM007 key 'title' is set again on line 3: this earlier value is ignored\n"
    ) in run
    # lines added above move the problem: it is the same problem, not a new one
    save(root / A, DUPLICATE.replace("## Section\n", "## Section\n\nMore\n"))
    assert "Since the last run: nothing changed.\n" in watcher.until(WAITING)
    save(root / A, GOOD)
    run = watcher.until(WAITING)
    assert "Since the last run: 0 new, 1 fixed.\n" in run
    assert any(line.startswith(f"- {A}:2:1: FM007 ") for line in run)
    code, err = watcher.interrupt()
    assert code == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    # piped output is never cleared
    assert not any("\x1b[" in line for line in watcher.seen)


def test_watch_sees_a_new_post_and_a_change_of_the_settings(site: Site) -> None:
    root = site({A: DUPLICATE})
    watcher = Watcher(root)
    watcher.until(WAITING)
    save(root / B, "no front matter\n")
    run = watcher.until(WAITING)
    assert any(line.startswith(f"+ {B}:1:1: FM001 ") for line in run)
    save(root / ".ampcheck.toml", 'ignore = ["FM007"]\n')
    run = watcher.until(WAITING)
    assert "Since the last run: 0 new, 1 fixed.\n" in run
    assert any(line.startswith(f"- {A}:2:1: FM007 ") for line in run)
    # settings that are wrong are named, and the watch goes on
    save(root / ".ampcheck.toml", 'ignore = ["NOPE"]\n')
    deadline = time.monotonic() + PATIENCE
    assert watcher.proc.stderr is not None
    os.set_blocking(watcher.proc.stderr.fileno(), False)
    err = b""
    while b"unknown rule selector 'NOPE'" not in err and time.monotonic() < deadline:
        err += watcher.proc.stderr.read() or b""
        time.sleep(0.1)
    assert b"ampcheck: error: unknown rule selector 'NOPE'\n" in err
    assert not any("Since the last run" in line for line in watcher.until(WAITING))
    save(root / ".ampcheck.toml", "")
    run = watcher.until(WAITING)
    assert any(line.startswith(f"+ {A}:2:1: FM007 ") for line in run)
    os.set_blocking(watcher.proc.stderr.fileno(), True)
    code, _ = watcher.interrupt()
    assert code == 130


def test_watch_clears_a_terminal(site: Site) -> None:
    import pty

    root = site({A: GOOD})
    main, child = pty.openpty()
    watcher = Watcher(root, stdout=child)
    os.close(child)
    seen = b""
    deadline = time.monotonic() + PATIENCE
    while WAITING.encode() not in seen and time.monotonic() < deadline:
        try:
            seen += os.read(main, 4096)
        except OSError:
            break
    code, err = watcher.interrupt()
    os.close(main)
    assert seen.startswith(b"\x1b[H\x1b[2J\x1b[3J"), seen[:40]
    assert WAITING.encode() in seen
    assert code == 130 and "Traceback" not in err


def test_watch_needs_the_watch_extra(site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    site({A: GOOD})
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # not installed
    result = cli("--watch")
    assert result.code == 2
    assert result.err == (
        "ampcheck: error: --watch needs the watchfiles package: pip install 'ampcheck[watch]'\n"
    )
    assert result.out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fix"], "--watch cannot be used with --fix"),
        (["--diff"], "--watch cannot be used with --diff"),
        (["--write-baseline", "b.json"], "--watch cannot be used with --write-baseline"),
        (["-"], "--watch cannot read standard input ('-')"),
        (["--select", "NOPE"], "unknown rule selector 'NOPE'"),
    ],
)
def test_watch_refuses_what_it_cannot_do(
    site: Site, cli: Cli, args: list[str], message: str
) -> None:
    site({A: GOOD})
    result = cli("--watch", *args)
    assert result.code == 2
    assert result.err == f"ampcheck: error: {message}\n"


def test_watch_judges_folders_from_the_place_watched_down(site: Site) -> None:
    from ampcheck.session import RunOptions
    from ampcheck.watch import Watch

    watch = Watch(RunOptions(), sys.stdout, sys.stderr)
    blog = "/home/u/.sites/vendor/blog"  # a blog under a hidden folder and a "vendor"
    places = [blog, f"{blog}/_posts"]
    assert watch.wanted(f"{blog}/_posts/2020-01-02-a.md", places)
    assert watch.wanted(f"{blog}/_config.yml", places)
    assert watch.wanted(f"{blog}/.ampcheck.toml", places)
    assert watch.wanted(f"{blog}/_layouts/post.html", places)
    assert watch.wanted(f"{blog}/_includes/head.html", places)
    assert not watch.wanted(f"{blog}/_site/2020/01/02/a.html", places)  # Jekyll's output
    assert not watch.wanted(f"{blog}/.ampcheck_cache/ab/cd.json", places)
    assert not watch.wanted(f"{blog}/.git/index", places)
    assert not watch.wanted(f"{blog}/_posts/.2020-01-02-a.md.swp", places)
    assert not watch.wanted(f"{blog}/assets/logo.png", places)
