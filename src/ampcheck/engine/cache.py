"""Results per file, kept between runs.

An entry is found by a key made of everything the result depends on: the file's
bytes, its path, its Jekyll site (``_config.yml`` and layouts), the resolved
configuration and the versions of ampcheck and of every plugin. A file whose key has
an entry is not linted again. Entries are JSON (a cache never runs code), one file
each, written to a temporary name and renamed, so several ampcheck processes can
share a cache; an entry that does not read back is ignored and written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from ampcheck.engine.atomic import write_atomic
from ampcheck.model import Diagnostic, InternalError

FORMAT = 2
# https://bford.info/cachedir/: backup and archiving tools skip a folder holding this
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ampcheck.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def open_cache(
    folder: Path,
    version: str,
    plugin_versions: Iterable[tuple[str, str]],
    plugin_files: Sequence[Path],
    rules: Iterable[object],
) -> Cache:
    """The results cache in ``folder`` for a run with these plugins and rules (each
    rule's code, severity and options, as a JSON-able value)."""
    files: list[tuple[str, str | None]] = []
    for path in plugin_files:
        try:
            files.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            files.append((str(path), None))
    context = fingerprint(
        version, source_stamp(), sys.version, sorted(plugin_versions), files, list(rules)
    )
    return Cache(folder, context)


def source_stamp() -> list[tuple[str, int, int]]:
    """ampcheck's own files (names, sizes, times): a changed checkout is a new version."""
    root = Path(__file__).parent.parent
    stamp = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".md") and "__pycache__" not in path.parts:
            st = path.stat()
            stamp.append((str(path.relative_to(root)), st.st_size, st.st_mtime_ns))
    return stamp


def fingerprint(*parts: object) -> str:
    """A stable digest of JSON-able parts (the configuration, versions)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Cache:
    """A folder of results; ``context`` is the fingerprint of the run's settings."""

    def __init__(self, folder: Path, context: str) -> None:
        self.folder = folder
        self.context = context
        self._ready = False

    def key(self, path: str, data: bytes, site: str) -> str:
        digest = hashlib.sha256()
        for part in (self.context.encode(), path.encode("utf-8", "surrogateescape"), site.encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[list[Diagnostic], list[InternalError]] | None:
        if self.folder.is_symlink():
            return None  # not a folder of its own (see _prepare)
        try:
            raw = json.loads(self._entry(key).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                return None
            return (
                [Diagnostic.from_dict(d) for d in raw["diagnostics"]],
                [InternalError(**e) for e in raw["errors"]],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: lint again, write again

    def put(self, key: str, diagnostics: list[Diagnostic], errors: list[InternalError]) -> None:
        if errors:
            return  # an internal error may be passing (a time budget): do not keep it
        entry = self._entry(key)
        payload = {
            "format": FORMAT,
            "diagnostics": [d.to_dict(complete=True) for d in diagnostics],
            "errors": [],
        }
        # ASCII escapes: a file name that is not UTF-8 (lone surrogates) reads back
        data = json.dumps(payload).encode("ascii")
        with contextlib.suppress(OSError):
            self._prepare()
            entry.parent.mkdir(exist_ok=True)
            if entry.parent.is_symlink():
                return  # an entry is written only inside the cache's folder
            write_atomic(entry, data, durable=False)

    def _prepare(self) -> None:
        """Make the folder, tagged for backup tools and git to skip it. A folder that
        is a symbolic link (one a checked-out repository may hold) is not used: the
        tag and the ``*`` of the .gitignore would land in whatever folder it names."""
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symbolic link")
        _create(self.folder / "CACHEDIR.TAG", TAG)
        _create(self.folder / ".gitignore", "# created by ampcheck\n*\n")
        self._ready = True


def _create(path: Path, text: str) -> None:
    """Write a new file; nothing when the name exists, as a file or as a link (also
    one that leads nowhere, which ``open`` would follow to create its target)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
