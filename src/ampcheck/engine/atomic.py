"""Writing a file so that a crash, a full disk or a second writer never leaves it
half-written: posts (``--fix``), cache entries and the baseline alike."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(
    path: Path, data: bytes, expected: bytes | None = None, *, durable: bool = True
) -> None:
    """Write ``data`` to the file at ``path``, so that at every moment the file holds
    either all of its old bytes (or does not exist) or all of the new ones.

    The bytes go to a temporary file in the same folder, which gets the original's
    permissions (and owner, when allowed), is flushed to disk and renamed over the
    original; the folder is then flushed so that the rename lasts (``durable=False``
    skips both flushes, for data that may be lost, such as a cache entry). A symbolic
    link is kept: the file it points to is replaced. A file that does not exist yet is
    created with the permissions the process's umask gives a new file. Nothing is
    changed, and ``OSError`` is raised, when the file is read-only, is not a regular
    file, or no longer holds ``expected`` (it changed since it was read), or when any
    step fails (a full disk): the temporary file is then removed.
    """
    target = Path(os.path.realpath(path))
    st = _replaceable(target, expected)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".ampcheck-tmp", dir=target.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if written <= 0:  # pragma: no cover - a file system that stops taking bytes
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[written:]
            # the owner first: changing it clears the set-user-ID and set-group-ID bits
            owner = (st.st_uid, st.st_gid) if st is not None else None
            if hasattr(os, "fchown") and owner and owner != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(fd, *owner)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            else:  # pragma: no cover - Windows
                os.chmod(tmp, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        _sync_folder(target.parent)


def _replaceable(target: Path, expected: bytes | None) -> os.stat_result | None:
    """The status of the file to replace (``None``: it does not exist yet); ``OSError``
    when it must not be replaced."""
    try:
        st = target.stat()
    except FileNotFoundError:
        if expected is not None:
            raise
        return None
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    # root may write anything: a file without any write permission is still read-only
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only")
    if expected is not None and target.read_bytes() != expected:
        raise OSError(errno.EAGAIN, "the file changed since it was read; it was left as it is")
    return st


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the platform allows."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
