"""The front matter of a post: its YAML, loaded safely, with the place of each key."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from ampcheck.document.safeyaml import alias_problem, checked_timestamp, loader_class

_SURROGATES_RE = re.compile("[\udc80-\udcff]")


class YamlProblem(NamedTuple):
    """Why the front matter did not load, and where (offset into ``Post.text``)."""

    message: str
    offset: int


class KeySpan(NamedTuple):
    """Where a top-level front-matter key and its value stand."""

    key: str
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(slots=True)
class FrontMatter:
    """The YAML block between the ``---`` lines.

    ``start``: the first ``-`` of the opening line; ``content_start``/``content_end``:
    the YAML text; ``end``: just after the closing line (where the body starts).
    ``data`` is the loaded mapping, or ``None`` with ``problem`` saying why.
    ``keys`` holds the text keys (the occurrence that counts); ``duplicates`` the
    earlier occurrences of any repeated scalar key, also of keys that load as
    numbers, booleans or null (``1:``, ``yes:``, ``?``), which ``keys`` does not hold.
    """

    start: int
    content_start: int
    content_end: int
    end: int
    closed: bool
    data: dict[str, Any] | None = None
    problem: YamlProblem | None = None
    keys: dict[str, KeySpan] = field(default_factory=dict)
    duplicates: list[KeySpan] = field(default_factory=list)


_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


@lru_cache(maxsize=1)
def _loader_class() -> Any:
    """PyYAML's safe loader (the C one when PyYAML has it), remembering the node it
    is building so that an error there has a place, and reading an impossible
    timestamp (``2018-02-30``, ``!!timestamp x``) as text, as Jekyll's YAML reader does."""
    base: Any = loader_class()

    class Loader(base):  # type: ignore[misc]
        building: Any = None

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            self.building = node
            return super().construct_object(node, deep)

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return checked_timestamp(loader, node)
        except (ValueError, yaml.constructor.ConstructorError):
            return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def load_yaml(fm: FrontMatter, text: str) -> None:
    """Load the front matter with PyYAML's safe loader, keeping key positions."""
    # undecodable bytes (lone surrogates) read as U+FFFD: one character each, so
    # positions stay put, and the YAML still loads
    source = _SURROGATES_RE.sub("\ufffd", text[fm.content_start : fm.content_end])
    loader_cls = _loader_class()
    starts: list[int] | None = None

    def offset(mark: Any) -> int:
        nonlocal starts
        if starts is None:
            starts = [0] + [m.end() for m in re.finditer("\n", source)]
        line = min(int(mark.line), len(starts) - 1)
        return fm.content_start + min(starts[line] + int(mark.column), len(source))

    loader: Any = None
    try:
        loader = loader_cls(source)
        node = loader.get_single_node()
        if node is not None and "*" in source:  # an alias is written *name
            too_big = alias_problem(node)
            if too_big is not None:
                fm.problem = YamlProblem(too_big, fm.content_start)
                return
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        fm.problem = _marked_problem(exc, text, offset, fm.content_start)
        return
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # raised while building a value: point at the value being built
        node_at = getattr(loader, "building", None)
        where = offset(node_at.start_mark) if node_at is not None else fm.content_start
        fm.problem = YamlProblem(f"invalid YAML: {exc}", where)
        return
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), "a single value")
        fm.problem = YamlProblem(f"the front matter is {kind}, not a mapping", fm.content_start)
        return
    fm.data = data
    if isinstance(node, yaml.MappingNode):
        _record_keys(fm, node, loader_cls, offset)


def _marked_problem(
    exc: yaml.MarkedYAMLError, text: str, offset: Callable[[Any], int], start: int
) -> YamlProblem:
    """A YAML error with a place: where the problem is (an unclosed quote or bracket:
    where it opens), and the line its context starts on."""
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in str(exc.problem) and exc.context_mark is not None:
        mark = exc.context_mark
    where = offset(mark) if mark is not None else start
    problem = str(exc.problem or "invalid YAML")
    if exc.context:
        problem = f"{problem} ({exc.context}"
        ctx = exc.context_mark
        if ctx is not None and ctx is not mark:
            line = text.count("\n", 0, offset(ctx)) + 1
            problem += f" that starts on line {line}"
        problem += ")"
    return YamlProblem(problem, where)


def _record_keys(
    fm: FrontMatter, node: yaml.MappingNode, loader_cls: Any, offset: Callable[[Any], int]
) -> None:
    """The place of each top-level key (``keys``) and of the keys repeated before it
    (``duplicates``)."""
    # YAML keeps the last value of a repeated key: ``keys`` holds the occurrence
    # that counts, ``duplicates`` the earlier ones it overrides.
    # Keys compare as YAML loads them: `yes` and `true` are one key, `1` and '1' two,
    # and so are `1` and `true` (equal in Python, two keys to YAML and to Ruby).
    constructor = loader_cls("")
    seen: dict[tuple[type, Any], KeySpan] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        try:
            key = constructor.construct_object(key_node)
            hash(key)
        except (yaml.YAMLError, TypeError, ValueError):
            continue
        span = KeySpan(
            key if isinstance(key, str) else key_node.value,
            offset(key_node.start_mark),
            offset(key_node.end_mark),
            offset(value_node.start_mark),
            offset(value_node.end_mark),
        )
        earlier = seen.get((type(key), key))
        if earlier is not None:
            fm.duplicates.append(earlier)
        seen[type(key), key] = span
        if isinstance(key, str):
            fm.keys[key] = span
