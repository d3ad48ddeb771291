"""--fix never loses a byte: killed at any moment, out of disk space, on a read-only
file, or racing an editor, every file is afterwards either its original or its fixed
version; and a fix keeps permissions, owner, line endings and byte order mark.

What is real and what is simulated: SIGKILL, RLIMIT_FSIZE (the kernel refuses the
write with EFBIG, as a full disk refuses it with ENOSPC) and read-only permission bits
are real. ENOSPC itself, a read-only file system and an unwritable folder (root may
write anywhere) are simulated in-process by making ``os.write``, ``os.fsync`` or
``tempfile.mkstemp`` fail.
"""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Result

Site = Callable[..., Path]
Cli = Callable[..., Result]

DUPLICATE = "---\ntitle: Old\ntitle: Day 1\nlayout: post\n---\nText\n"
FIXED = "---\ntitle: Day 1\nlayout: post\n---\nText\n"


def _variants(i: int) -> bytes:
    """Posts with something to fix: a repeated key, control characters, mojibake,
    CRLF line endings; every tenth one is large, so that writing it takes a while."""
    body = f"Day {i}: it\u00e2\u20ac\u2122s here\x07.\n" + ("Lorem ipsum dolor sit amet.\n" * 40)
    text = f"---\ntitle: Old {i}\ntitle: Day {i}\nlayout: post\n---\n{body}"
    if i % 10 == 0:
        text += "A long paragraph of text.\n" * 20_000  # 500 KB
    if i % 3 == 0:
        text = text.replace("\n", "\r\n")
    return text.encode()


def _ampcheck(*args: str, cwd: Path, **popen: object) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "ampcheck", "--no-cache", *args]
    return subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen
    )  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """120 posts and their fixed versions (from a run that was not interrupted)."""
    base = tmp_path_factory.mktemp("kill")
    original = base / "original" / "_posts"
    original.mkdir(parents=True)
    for i in range(120):
        (original / f"2020-01-{i % 28 + 1:02d}-post-{i}.md").write_bytes(_variants(i))
    fixed = base / "fixed"
    shutil.copytree(base / "original", fixed)
    _fix_uninterrupted(fixed, "1")
    for path in original.iterdir():
        assert (fixed / "_posts" / path.name).read_bytes() != path.read_bytes()
    yield original, fixed / "_posts"


def _fix_uninterrupted(site: Path, jobs: str) -> float:
    """Run ``--fix`` over the site's posts to the end; how long it took."""
    started = time.monotonic()
    proc = _ampcheck("--fix", "--jobs", jobs, "_posts", cwd=site)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert b"internal error" not in err
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigkill_at_random_moments_leaves_every_file_whole(
    corpus: tuple[Path, Path], tmp_path: Path, jobs: str
) -> None:
    original, fixed = corpus
    # kills fall within the time a whole run takes with as many processes
    timed = tmp_path / "timed"
    shutil.copytree(original, timed / "_posts")
    took = _fix_uninterrupted(timed, jobs)
    seed = int(os.environ.get("AMPCHECK_KILL_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    mixed_states = 0
    for trial in range(5):
        work = tmp_path / f"trial-{trial}"
        shutil.copytree(original, work / "_posts")
        proc = _ampcheck("--fix", "--jobs", jobs, "_posts", cwd=work, start_new_session=True)
        time.sleep(rng.uniform(0.15, 1.0) * took)
        os.killpg(proc.pid, signal.SIGKILL)  # ampcheck and its worker processes
        proc.wait()
        states = set()
        for path in original.iterdir():
            now = (work / "_posts" / path.name).read_bytes()
            before, after = path.read_bytes(), (fixed / path.name).read_bytes()
            assert now in (before, after), f"seed {seed}: {path.name} is neither"
            states.add(now == after)
        mixed_states += states == {True, False}
        # at worst a hidden temporary file is left; never a file that looks like a post
        for leftover in set((work / "_posts").iterdir()) - {
            work / "_posts" / p.name for p in original.iterdir()
        }:
            assert leftover.name.startswith(".") and leftover.name.endswith(".ampcheck-tmp")
            assert not leftover.name.endswith((".md", ".markdown", ".html"))
    assert mixed_states, f"seed {seed}: no kill landed in the middle of the run"


# -- write failures -----------------------------------------------------------------


def _two_posts(site: Site) -> tuple[Path, Path]:
    root = site({"_posts/2020-01-02-a.md": DUPLICATE, "_posts/2020-01-03-b.md": DUPLICATE})
    return root / "_posts/2020-01-02-a.md", root / "_posts/2020-01-03-b.md"


def _temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".ampcheck-tmp")]


def _failing_on(path: Path, real: Callable[..., object], error: int) -> Callable[..., object]:
    """A stand-in for ``os.write``/``os.fsync`` that fails for temporary files next to
    ``path`` (after writing half of the first chunk, as a disk that fills up does)."""

    def fake(fd: int, *rest: object) -> object:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if Path(name).parent == path.parent and name.endswith(".ampcheck-tmp"):
            if rest and isinstance(rest[0], (bytes, memoryview)) and len(rest[0]) > 1:
                real(fd, rest[0][: len(rest[0]) // 2])
            raise OSError(error, os.strerror(error))
        return real(fd, *rest)

    return fake


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("call", ["write", "fsync"])
def test_full_disk_leaves_the_original_and_is_reported(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    first, second = _two_posts(site)
    # only the first file's folder fails: the second lives elsewhere
    other = second.parent.parent / "_drafts"
    other.mkdir()
    second = second.rename(other / second.name)
    monkeypatch.setattr(os, call, _failing_on(first, getattr(os, call), errno.ENOSPC))
    result = cli("--no-cache", "--jobs", "1", "--fix", str(first), str(second))
    monkeypatch.undo()
    assert result.code == 2
    assert (
        f"{first}: internal error: cannot write the fixed file: No space left on device"
        in result.err
    )
    assert first.read_text() == DUPLICATE
    assert _temporary_files(first.parent) == []
    assert second.read_text() == FIXED


@pytest.mark.slow
def test_file_size_limit_of_the_kernel_leaves_the_original(site: Site) -> None:
    """A real refused write: RLIMIT_FSIZE makes the kernel refuse bytes past the
    limit (EFBIG, "File too large"), as a full disk refuses them (ENOSPC)."""
    root = site()
    post = root / "_posts" / "2020-01-02-a.md"
    post.parent.mkdir()
    original = (DUPLICATE + "Text.\n" * 20_000).encode()  # 120 KB
    post.write_bytes(original)

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = _ampcheck("--fix", "--jobs", "1", "_posts", cwd=root, preexec_fn=limit)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"cannot write the fixed file: File too large" in err
    assert post.read_bytes() == original
    assert _temporary_files(post.parent) == []


def test_read_only_file_is_left_and_reported(site: Site, cli: Cli) -> None:
    first, second = _two_posts(site)
    first.chmod(0o444)
    result = cli("--no-cache", "--fix", "_posts")
    assert result.code == 2
    assert (
        "_posts/2020-01-02-a.md: internal error: cannot write the fixed file: the file is "
        "read-only" in result.err
    )
    assert first.read_text() == DUPLICATE
    assert stat.S_IMODE(first.stat().st_mode) == 0o444
    assert second.read_text() == FIXED


@pytest.mark.parametrize(
    ("error", "message"),
    [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")],
)
def test_unwritable_folder_leaves_the_original(
    site: Site, cli: Cli, monkeypatch: pytest.MonkeyPatch, error: int, message: str
) -> None:
    """(Simulated: root may write to any folder.)"""
    first, _ = _two_posts(site)

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = cli("--no-cache", "--jobs", "1", "--fix", "_posts")
    monkeypatch.undo()
    assert result.code == 2
    assert f"cannot write the fixed file: {message}" in result.err
    assert first.read_text() == DUPLICATE


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_read_only_folder_leaves_the_original(site: Site, cli: Cli) -> None:  # pragma: no cover
    first, _ = _two_posts(site)
    first.parent.chmod(0o555)
    try:
        result = cli("--no-cache", "--fix", "_posts")
    finally:
        first.parent.chmod(0o755)
    assert "cannot write the fixed file: Permission denied" in result.err
    assert first.read_text() == DUPLICATE


EDITOR = """
from pathlib import Path
from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

class Editor(Rule):
    code = "ZZZ200"
    name = "saves-meanwhile"
    summary = "an editor saves the file while ampcheck works on it"

    def check(self, post):
        if post.file is not None and "title: Old" in post.text:
            Path(post.file).write_text("saved by the editor\\n")
        return iter(())

@hookimpl
def ampcheck_register_rules():
    return [Editor]
"""


def test_file_changed_while_fixing_is_not_overwritten(site: Site, cli: Cli) -> None:
    first, _ = _two_posts(site)
    (first.parent.parent / "editor.py").write_text(EDITOR)
    (first.parent.parent / ".ampcheck.toml").write_text('plugins = ["editor.py"]\n')
    result = cli("--no-cache", "--jobs", "1", "--fix", str(first))
    assert result.code == 2
    assert "the file changed since it was read; it was left as it is" in result.err
    assert first.read_text() == "saved by the editor\n"


# -- what a fix keeps ---------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755, 0o2755])
def test_fix_keeps_permissions(site: Site, cli: Cli, mode: int) -> None:
    first, _ = _two_posts(site)
    first.chmod(mode)
    assert cli("--no-cache", "--fix", "_posts").code == 0
    assert first.read_text() == FIXED
    assert stat.S_IMODE(first.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file away")
def test_fix_keeps_the_owner(site: Site, cli: Cli) -> None:
    first, _ = _two_posts(site)
    os.chown(first, 1234, 5678)
    first.chmod(0o6755)  # set-user-ID and set-group-ID survive the change of owner
    assert cli("--no-cache", "--fix", "_posts").code == 0
    assert first.read_text() == FIXED
    assert (first.stat().st_uid, first.stat().st_gid) == (1234, 5678)
    assert stat.S_IMODE(first.stat().st_mode) == 0o6755


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (DUPLICATE.replace("\n", "\r\n"), FIXED.replace("\n", "\r\n")),
        ("\ufeff" + DUPLICATE, "\ufeff" + FIXED),
        ("\ufeff" + DUPLICATE.replace("\n", "\r\n"), "\ufeff" + FIXED.replace("\n", "\r\n")),
        (DUPLICATE.rstrip("\n"), FIXED.rstrip("\n")),
        (DUPLICATE.replace("Text\n", "Text\r\nmore\rold mac\r\n"),
         FIXED.replace("Text\n", "Text\r\nmore\rold mac\r\n")),
    ],
)  # fmt: skip
def test_fix_keeps_line_endings_and_byte_order_mark(
    site: Site, cli: Cli, before: str, after: str
) -> None:
    root = site({"_posts/2020-01-02-a.md": before.encode()})
    post = root / "_posts/2020-01-02-a.md"
    result = cli("--no-cache", "--fix", "--ignore", "EN005", "_posts")
    assert result.code == 0, result.out + result.err
    assert post.read_bytes() == after.encode()


def test_byte_order_mark_goes_only_when_its_fix_is_reported(site: Site, cli: Cli) -> None:
    root = site({"_posts/2020-01-02-a.md": ("\ufeff" + FIXED).encode()})
    listed = cli("--no-cache", "_posts")
    assert "_posts/2020-01-02-a.md:1:1: EN005 [*] the file starts with a UTF-8 byte order" in (
        listed.out
    )
    assert cli("--no-cache", "--fix", "_posts").code == 0
    assert (root / "_posts/2020-01-02-a.md").read_bytes() == FIXED.encode()


def test_one_refused_fix_does_not_hold_back_the_others_of_its_rule(site: Site, cli: Cli) -> None:
    # repairing N¬∫ inside the start tag would make kramdown read a new HTML element
    # there: that fix alone is refused, the repairs in the text are written
    text = (
        "---\ntitle: A\n---\n\n"
        "You\u201a\u00c4\u00f4re here. Caf\u221a\u00a9 and d\u221a\u00a9j\u221a\u2020 vu.\n\n"
        '<amp-twitter width="400" height="400"\n'
        '  layout="responsive" N\u00ac\u222b data-tweetid="902147434519755159">\n'
        "  <blockquote p.x placeholder><p>Hi</p></blockquote>\n</amp-twitter>\n"
    )  # fmt: skip
    root = site({"_posts/2020-01-02-a.md": text})
    result = cli("--no-cache", "--fix", "--select", "EN001", "_posts")
    assert result.code == 2
    assert (
        "internal error in rule EN001 (mojibake): fix refused for the problem at line 8: "
        "the Markdown block on line 9 (html_element) would change"
    ) in result.err
    assert "Fixed 4 problems; 1 problem in 1 file" in result.out
    fixed = text.replace("You\u201a\u00c4\u00f4re", "You\u2019re")
    fixed = fixed.replace(
        "Caf\u221a\u00a9 and d\u221a\u00a9j\u221a\u2020", "Caf\u00e9 and d\u00e9j\u00e0"
    )
    assert (root / "_posts/2020-01-02-a.md").read_text() == fixed


def test_files_with_nothing_to_fix_are_not_touched(site: Site, cli: Cli) -> None:
    first, second = _two_posts(site)
    second.write_text(FIXED)
    os.utime(second, (1_000_000_000, 1_000_000_000))
    inode = second.stat().st_ino
    assert cli("--no-cache", "--fix", "_posts").code == 0
    assert second.stat().st_mtime == 1_000_000_000 and second.stat().st_ino == inode
    again = cli("--no-cache", "--fix", "_posts")
    assert again.untimed == "Fixed 0 problems; no problems in 2 files.\n"
    assert first.read_text() == FIXED
