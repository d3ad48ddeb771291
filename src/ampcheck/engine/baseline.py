"""Baselines: adopt ampcheck on an old blog without fixing every post first.

``ampcheck --write-baseline FILE`` records the problems found today;
``ampcheck --baseline FILE`` then reports only the problems that are not recorded.

A problem is recorded by its file, its rule code and a *fingerprint*: a hash of the
rule's code and the text the problem points at (whitespace runs read as one space),
or of the text of its line when it points at no text. Line and column numbers are not
part of it, so adding or removing lines above a problem, or moving a post between
runs, leaves it recorded; changing the offending text itself makes it new. When the
same fingerprint occurs several times in a file, the baseline holds the count, and
only occurrences beyond it are new.

The file is JSON (paths relative to the baseline's folder, POSIX separators)::

    {
      "ampcheck-baseline": 1,
      "problems": [
        {"path": "_posts/2018-07-02-day-44.md", "code": "FM007",
         "name": "front-matter-duplicate-key", "fingerprint": "8c7e1d0a9f3b2c64",
         "count": 1}
      ]
    }

``ampcheck-baseline`` is the format version; ``name`` is for readers and not
matched. A byte of a file name that is not UTF-8 is recorded as ``\\xNN`` text, as
every output writes it (:mod:`ampcheck.printable`). Entries are sorted, so that
the file diffs well in version control.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ampcheck.model import Diagnostic
from ampcheck.printable import encodable, json_text

VERSION = 1
VERSION_KEY = "ampcheck-baseline"
# an undecodable byte of a file name as the baseline records it (bytes from 0x80 on)
_BYTE_RE = re.compile(r"\\x([89a-f][0-9a-f])")
#: the largest baseline read, in bytes: some 500,000 recorded problems
MAX_SIZE = 100_000_000

Key = tuple[str, str, str]  # (path relative to the baseline, code, fingerprint)


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline; the message says why."""


def relative_path(shown: str, folder: Path) -> str:
    """A diagnostic's path as the baseline in ``folder`` records it."""
    if shown == "-":
        return shown
    try:
        rel = os.path.relpath(Path(shown).resolve(), folder.resolve())
    except ValueError:  # another drive (Windows)
        return encodable(Path(shown).as_posix())
    return encodable(Path(rel).as_posix())


def _exists(folder: Path, recorded: str) -> bool:
    """Whether the file a baseline records as ``recorded`` is in ``folder``."""
    if (folder / recorded).is_file():
        return True
    raw = _BYTE_RE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), recorded)
    return raw != recorded and (folder / raw).is_file()


@dataclass
class Baseline:
    """Recorded problems: how many of each (path, code, fingerprint)."""

    folder: Path
    counts: Counter[Key] = field(default_factory=Counter)
    names: dict[Key, str] = field(default_factory=dict)

    def key(self, d: Diagnostic) -> Key:
        return (relative_path(d.path, self.folder), d.code, d.fingerprint)

    def remaining(self) -> Counter[Key]:
        """What the baseline records, to be used up by :meth:`filter` file by file."""
        return Counter(self.counts)

    def filter(
        self, diagnostics: Iterable[Diagnostic], left: Counter[Key] | None = None
    ) -> tuple[list[Diagnostic], int]:
        """The diagnostics that are new, and how many were recorded (left out).

        ``left``: what the baseline still records, for filtering a run file by file
        (it is used up as diagnostics match); by default, all of it.
        """
        if left is None:
            left = Counter(self.counts)
        new: list[Diagnostic] = []
        known = 0
        for d in diagnostics:
            key = self.key(d)
            if left[key] > 0:
                left[key] -= 1
                known += 1
            else:
                new.append(d)
        return new, known

    @classmethod
    def from_diagnostics(cls, folder: Path, diagnostics: Iterable[Diagnostic]) -> Baseline:
        baseline = cls(folder)
        for d in diagnostics:
            key = baseline.key(d)
            baseline.counts[key] += 1
            baseline.names[key] = d.name
        return baseline

    def keep_files(self, other: Baseline, checked: Sequence[str]) -> None:
        """Carry over ``other``'s entries for files this run did not check and that
        still exist (a run over some files must not forget the others)."""
        done = {relative_path(p, self.folder) for p in checked}
        for key, count in other.counts.items():
            path = key[0]
            if path in done or path == "-" or not _exists(self.folder, path):
                continue
            self.counts[key] = count
            self.names[key] = other.names.get(key, "")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def files(self) -> int:
        return len({path for path, _, _ in self.counts})

    def dumps(self) -> str:
        problems = [
            {
                "path": path,
                "code": code,
                "name": self.names.get((path, code, fp), ""),
                "fingerprint": fp,
                "count": count,
            }
            for (path, code, fp), count in sorted(self.counts.items())
            if count > 0
        ]
        doc = {VERSION_KEY: VERSION, "problems": problems}
        return json_text(doc) + "\n"


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be a baseline though it exists (a FIFO, a device, a
    folder), or ``None``: reading a FIFO waits for a writer, ``/dev/zero`` never ends."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    from ampcheck.engine.files import describe_kind

    return f"{describe_kind(mode)}, not a regular file"


def _read(path: Path) -> bytes:
    """The bytes of the baseline file at ``path``, read without blocking and without
    reading more than :data:`MAX_SIZE` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            from ampcheck.engine.files import describe_kind

            kind = describe_kind(st.st_mode)
            raise BaselineError(f"{path}: cannot read the baseline: {kind}, not a regular file")
        chunks: list[bytes] = []
        size = 0
        too_large = f"{path}: cannot read the baseline: more than {MAX_SIZE:,} bytes"
        if st.st_size > MAX_SIZE:
            raise BaselineError(too_large)
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_SIZE:  # it grew while being read
                raise BaselineError(too_large)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _parse_int(digits: str) -> int:
    """A JSON integer; more digits than any count or version has are refused (Python
    turns at most 4,300 digits into a number, and a message would print them all)."""
    if len(digits.lstrip("-")) > 20:
        raise ValueError(f"a number of {len(digits.lstrip('-')):,} digits")
    return int(digits)


def load(path: Path) -> Baseline:
    """Read a baseline file, raising :class:`BaselineError` with a one-line reason."""
    import json

    try:
        text = _read(path).decode("utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: not an ampcheck baseline (not UTF-8)") from None
    try:
        doc = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}: not an ampcheck baseline (invalid JSON: {exc.msg} "
            f"at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:  # json reads nested arrays and objects by recursion
        raise BaselineError(
            f"{path}: not an ampcheck baseline (arrays or objects nested too deeply)"
        ) from None
    except ValueError as exc:  # a number _parse_int refuses
        raise BaselineError(f"{path}: not an ampcheck baseline ({exc})") from None
    if not isinstance(doc, dict) or VERSION_KEY not in doc:
        raise BaselineError(f"{path}: not an ampcheck baseline (no '{VERSION_KEY}' version)")
    if doc[VERSION_KEY] != VERSION:
        shown = repr(doc[VERSION_KEY])
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise BaselineError(
            f"{path}: baseline format {shown} is not supported "
            f"(this ampcheck reads format {VERSION}); write it again with --write-baseline"
        )
    problems = doc.get("problems")
    if not isinstance(problems, list):
        raise BaselineError(f"{path}: not an ampcheck baseline ('problems' is not a list)")
    baseline = Baseline(path.parent)
    for i, entry in enumerate(problems):
        ok = isinstance(entry, dict) and all(
            isinstance(entry.get(k), str) for k in ("path", "code", "fingerprint")
        )
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not ok or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(
                f"{path}: problem {i + 1} needs 'path', 'code' and 'fingerprint' strings "
                "and a positive 'count'"
            )
        key = (entry["path"], entry["code"], entry["fingerprint"])
        baseline.counts[key] += count
        baseline.names[key] = str(entry.get("name", ""))
    return baseline
