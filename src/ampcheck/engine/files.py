"""Finding posts in folders, and reading one without trusting what is on disk.

The paths of a run lead to its inputs (:func:`collect`): each file once, however many
paths lead to it; folders are searched for posts (``.md``, ``.markdown``, ``.html``),
skipping hidden folders, Jekyll's output, templates and data, and ``exclude``.

A folder search does not follow a symbolic link to a folder, and skips a link to a
file outside the folder searched, unless ``follow-symlinks`` is on; then every folder
is entered once, so that a link loop ends. A folder that cannot be listed is
reported, not skipped in silence.

Reading a post opens it without blocking (a FIFO named ``x.md`` would otherwise wait
for a writer for ever), reads a regular file only, at most ``max-file-size`` bytes,
and refuses binary data: ``--fix`` must never "repair" an image that has a ``.md``
name.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

POST_SUFFIXES = (".md", ".markdown", ".html")
# Folders a search never enters: Jekyll's output, templates and data (not posts), and
# other tools' folders.
SKIP_FOLDERS = {
    "_site", "_layouts", "_includes", "_sass", "_data", "_plugins",
    "node_modules", "vendor", "__pycache__",
}  # fmt: skip

#: bytes of a file looked at to tell text from binary data (as Git does)
BINARY_SAMPLE = 8000
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


#: the rule that reports a file that cannot be checked (``AC002 file-not-checked``): a
#: diagnostic of the file, placed at its start, which the runner makes, as the file
#: has no text for a rule to look at
NOT_CHECKED_CODE = "AC002"


class NotChecked(Exception):
    """A file that is deliberately not checked; the message says why."""


def read_post(path: Path, max_size: int | None = None) -> bytes:
    """The bytes of the post at ``path``.

    Raises ``OSError`` when the file cannot be read (missing, a link loop, no
    permission) and :class:`NotChecked` when it is not a regular file, is larger than
    ``max_size`` bytes or holds binary data.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotChecked(f"{describe_kind(st.st_mode)}, not a regular file")
        if max_size is not None and st.st_size > max_size:
            raise NotChecked(_too_large(st.st_size, max_size))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if max_size is not None and size > max_size:  # it grew while being read
                raise NotChecked(_too_large(size, max_size))
    finally:
        os.close(fd)
    data = b"".join(chunks)
    reason = binary_reason(data)
    if reason is not None:
        raise NotChecked(reason)
    return data


def read_stream(stream: BinaryIO, max_size: int | None = None) -> bytes:
    """The bytes of a post read from ``stream`` (standard input): at most one byte
    more than ``max_size``, so that :func:`check_read` can tell it is too large."""
    return stream.read() if max_size is None else stream.read(max_size + 1)


def check_read(data: bytes, max_size: int | None = None) -> None:
    """Raise :class:`NotChecked` when ``data``, read by :func:`read_stream`, is larger
    than ``max_size`` bytes or holds binary data: what :func:`read_post` refuses."""
    if max_size is not None and len(data) > max_size:
        raise NotChecked(
            f"more than max-file-size ({max_size:,} bytes); raise max-file-size to check it"
        )
    reason = binary_reason(data)
    if reason is not None:
        raise NotChecked(reason)


def describe_kind(mode: int) -> str:
    """What a file that is not a regular one is: ``"a FIFO"``, ``"a folder"``..."""
    return _KINDS.get(stat.S_IFMT(mode), "a special file")


def _too_large(size: int, limit: int) -> str:
    return (
        f"{size:,} bytes is more than max-file-size ({limit:,} bytes); "
        "raise max-file-size to check it"
    )


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is binary rather than a post, or ``None`` for text.

    Binary means a NUL byte among the first :data:`BINARY_SAMPLE` bytes (Git's test)
    together with bytes that are not UTF-8 or many control characters: a post with a
    stray NUL stays text (EN004 reports the NUL), and so does UTF-16 or UTF-32 with a
    byte order mark, or UTF-16 without one (EN002 converts it).
    """
    from ampcheck.document.post import bom_encoding, utf16_without_bom

    sample = data[:BINARY_SAMPLE]
    if b"\0" not in sample or bom_encoding(sample) is not None:
        return None
    if utf16_without_bom(sample) is not None:
        return None  # UTF-16 text without a byte order mark (EN002 converts it)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "binary data (NUL bytes, not UTF-8), not a post"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls * 10 > len(sample):
        return "binary data (NUL and other control bytes), not a post"
    return None


def walk(
    root: Path,
    skip_folder: Callable[[Path], bool],
    wanted: Callable[[str, str], bool],
    *,
    follow_symlinks: bool = False,
) -> Iterator[tuple[str, str, str] | str]:
    """Files under ``root`` for which ``wanted(path, name)`` holds, in a stable order,
    each as its path (as :class:`~pathlib.Path` would spell it) and its
    :func:`file_key` split in folder and name, and an error message for each folder
    that cannot be listed.

    Folders for which ``skip_folder`` holds are not entered. Without
    ``follow_symlinks``, links to folders are not entered and links to files outside
    ``root`` are left out; a link that leads nowhere (or in a loop) is yielded, so
    that reading it reports the problem.

    Files are handled as strings, so that a folder of many thousands of posts costs
    neither a :class:`~pathlib.Path` nor a ``realpath`` per file.
    """
    errors: list[OSError] = []
    base = os.path.realpath(root)
    entered: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=follow_symlinks):
        yield from _listing_errors(errors)
        if follow_symlinks:
            try:
                st = os.stat(folder)
            except OSError:
                dirs[:] = []
                continue
            if (st.st_dev, st.st_ino) in entered:  # reached again through a link
                dirs[:] = []
                continue
            entered.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not skip_folder(Path(folder, d)))
        shown = str(Path(folder))
        real = os.path.realpath(folder)
        for name in sorted(files):
            path = name if shown == os.curdir else os.path.join(shown, name)
            if not wanted(path, name):
                continue
            if os.path.islink(path):
                if not follow_symlinks and not _inside(path, base):
                    continue
                yield (path, *os.path.split(file_key(path)))
            else:  # a file that is no link is where its folder really is
                yield path, real, name
    yield from _listing_errors(errors)


def _listing_errors(errors: list[OSError]) -> Iterator[str]:
    while errors:
        exc = errors.pop(0)
        yield f"{exc.filename}: cannot list the folder: {exc.strerror or exc}"


def _inside(link: str, base: str) -> bool:
    """Whether the link leads to a place inside ``base`` (or nowhere: a broken link
    or a loop, which reading reports)."""
    if not os.path.exists(link):
        return True
    target = os.path.realpath(link)
    return target == base or target.startswith(base.rstrip(os.sep) + os.sep)


def file_key(path: str | Path) -> str:
    """What identifies a file across the paths that lead to it (never raises, even
    for a link loop)."""
    return os.path.realpath(path)


class Inputs(NamedTuple):
    """What a run checks: files on disk (their paths, as shown), the name shown for
    standard input if it is read, and a message for each path that cannot be checked."""

    on_disk: list[str]
    stdin: str | None
    errors: list[str]


def collect(
    paths: Sequence[str],
    exclude: Sequence[str] = (),
    *,
    follow_symlinks: bool = False,
    stdin_filename: str | None = None,
) -> Inputs:
    """The files to check, each once (however many paths lead to it); no paths: the
    ``_posts`` folder if there is one, else the current folder."""
    if not paths:
        paths = ["_posts"] if Path("_posts").is_dir() else ["."]
    inputs = Inputs([], None, [])
    # the real folder and name of each file taken: the names are the folder
    # listing's own strings, so a large folder costs no second copy of them
    seen: dict[str, set[str]] = {}

    def take(shown: str, folder: str, name: str) -> None:
        names = seen.setdefault(folder, set())
        if name not in names:
            names.add(name)
            inputs.on_disk.append(shown)

    for raw in paths:
        if raw == "-":
            if inputs.stdin is None:
                inputs = inputs._replace(stdin=stdin_filename or "-")
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _search(path, exclude, follow_symlinks):
                if isinstance(found, str):
                    inputs.errors.append(found)  # a folder that cannot be listed
                else:
                    take(*found)
        elif os.path.lexists(path):  # a broken link too: reading it says what is wrong
            take(str(path), *os.path.split(file_key(path)))
        else:
            inputs.errors.append(f"{raw}: no such file or folder")
    return inputs


def _search(
    root: Path, exclude: Sequence[str], follow_symlinks: bool = False
) -> Iterator[tuple[str, str, str] | str]:
    """Posts under ``root`` (path, real folder, name), and an error message for each
    folder that cannot be listed (symbolic links: see :func:`walk`)."""

    is_excluded = _Exclude(exclude)

    def skip(folder: Path) -> bool:
        name = folder.name
        return name.startswith(".") or name in SKIP_FOLDERS or is_excluded(folder.as_posix(), name)

    def wanted(path: str, name: str) -> bool:
        return name.endswith(POST_SUFFIXES) and not is_excluded(path.replace(os.sep, "/"), name)

    return walk(root, skip, wanted, follow_symlinks=follow_symlinks)


def exclusion(patterns: Sequence[str]) -> Callable[[str, str], bool]:
    """``(posix path, name) -> bool``: whether the ``exclude`` patterns leave a file
    out, as a folder search does."""
    return _Exclude(patterns)


class _Exclude:
    """The ``exclude`` patterns (fnmatch's), indexed so that testing a path takes time
    in its length and in the patterns that could match it, not in all of them (a
    configuration may list tens of thousands): a pattern without wildcards is looked
    up; the others by the text before their first wildcard and after their last,
    which must begin and end the path, and only those are matched (each compiled
    once: fnmatch's own cache holds 32,768 and compiles again past that)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.literal: set[str] = set()
        #: head -> tail -> patterns
        self.globs: dict[str, dict[str, list[str]]] = {}
        #: patterns whose one "*" stands between head and tail: matched by them alone
        self.simple: set[str] = set()
        self.compiled: dict[str, re.Pattern[str]] = {}
        for pattern in map(os.path.normcase, patterns):
            first = _WILDCARD_RE.search(pattern)
            if first is None:
                self.literal.add(pattern)
                continue
            # the tail follows the last wildcard, or the "]" that closes a set
            last = max(pattern.rfind("*"), pattern.rfind("?"), pattern.rfind("]"))
            head, tail = pattern[: first.start()], pattern[max(last + 1, first.end()) :]
            self.globs.setdefault(head, {}).setdefault(tail, []).append(pattern)
            if pattern == f"{head}*{tail}":
                self.simple.add(pattern)

    def __call__(self, posix: str, name: str) -> bool:
        if posix.startswith("./"):
            posix = posix[2:]
        return self._matches(os.path.normcase(posix)) or self._matches(os.path.normcase(name))

    def _matches(self, text: str) -> bool:
        if text in self.literal:
            return True
        if not self.globs:
            return False
        size = len(text)
        for cut in range(size + 1):
            tails = self.globs.get(text[:cut])
            if tails is None:
                continue
            for start in range(cut, size + 1):
                for pattern in tails.get(text[start:], ()):
                    if pattern in self.simple or self._regex(pattern).match(text):
                        return True
        return False

    def _regex(self, pattern: str) -> re.Pattern[str]:
        compiled = self.compiled.get(pattern)
        if compiled is None:
            compiled = self.compiled[pattern] = re.compile(fnmatch.translate(pattern))
        return compiled


_WILDCARD_RE = re.compile(r"[*?\[]")
