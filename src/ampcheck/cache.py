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
import tempfile
from pathlib import Path
from typing import Any

from ampcheck.model import Applicability, Diagnostic, Edit, Fix, InternalError, Severity

FORMAT = 2
# https://bford.info/cachedir/: backup and archiving tools skip a folder holding this
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ampcheck.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def fingerprint(*parts: object) -> str:
    """A stable digest of JSON-able parts (the configuration, versions)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: object) -> str:
    """A text that is the same for equal values, mappings in any order: for a digest
    of what a YAML or TOML file holds. Keys of any type (``1:``, ``yes:``,
    ``2018-07-02:``, which ``json.dumps(sort_keys=True)`` cannot order), nested to
    any depth (no recursion)."""
    out: list[str] = []
    # ("text", str) is written as is; ("value", obj) is written by its kind
    stack: list[tuple[str, object]] = [("value", value)]
    while stack:
        kind, item = stack.pop()
        if kind == "text":
            out.append(str(item))
        elif isinstance(item, dict):
            pairs = sorted(((_scalar(k), v) for k, v in item.items()), key=lambda p: p[0])
            stack.append(("text", "}"))
            for key, child in reversed(pairs):
                stack.extend((("text", ","), ("value", child), ("text", f"{key}:")))
            stack.append(("text", "{"))
        elif isinstance(item, list | tuple):
            stack.append(("text", "]"))
            for child in reversed(item):
                stack.extend((("text", ","), ("value", child)))
            stack.append(("text", "["))
        elif isinstance(item, set | frozenset):
            out.append("{" + ",".join(sorted(_scalar(x) for x in item)) + "}")
        else:
            out.append(_scalar(item))
    return "".join(out)


def _scalar(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"


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
                [_diagnostic(d) for d in raw["diagnostics"]],
                [InternalError(**e) for e in raw["errors"]],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: lint again, write again

    def put(self, key: str, diagnostics: list[Diagnostic], errors: list[InternalError]) -> None:
        if errors:
            return  # an internal error may be passing (a time budget): do not keep it
        entry = self._entry(key)
        payload = {"format": FORMAT, "diagnostics": [_plain(d) for d in diagnostics], "errors": []}
        try:
            self._prepare()
            entry.parent.mkdir(exist_ok=True)
            if entry.parent.is_symlink():
                return  # an entry is written only inside the cache's folder
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False)
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

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


def _plain(d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "edits": [[e.start, e.end, e.content] for e in d.fix.edits],
            "applicability": d.fix.applicability.value,
            "title": d.fix.title,
        }
    from ampcheck.formatters import diagnostic_to_dict

    # the JSON output's fields, with the whole fix and the offsets the output leaves out
    return {
        **diagnostic_to_dict(d),
        "fix": fix,
        "start": d.start,
        "end": d.end,
        "fingerprint": d.fingerprint,
    }


def _diagnostic(raw: dict[str, Any]) -> Diagnostic:
    fix = raw["fix"]
    return Diagnostic(
        path=raw["path"],
        line=raw["line"],
        column=raw["column"],
        end_line=raw["end_line"],
        end_column=raw["end_column"],
        code=raw["code"],
        name=raw["name"],
        severity=Severity(raw["severity"]),
        message=raw["message"],
        fix=None
        if fix is None
        else Fix(
            tuple(Edit(s, e, c) for s, e, c in fix["edits"]),
            Applicability(fix["applicability"]),
            fix["title"],
        ),
        start=raw["start"],
        end=raw["end"],
        fingerprint=raw["fingerprint"],
    )
