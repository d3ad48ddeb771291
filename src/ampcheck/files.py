"""Finding posts in folders, and reading one without trusting what is on disk.

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
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

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
    byte order mark (EN002 converts it).
    """
    from ampcheck.encoding import bom_encoding

    sample = data[:BINARY_SAMPLE]
    if b"\0" not in sample or bom_encoding(sample) is not None:
        return None
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
