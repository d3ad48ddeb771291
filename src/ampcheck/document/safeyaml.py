"""Loading YAML that may be hostile: PyYAML's safe loader, plus a bound on aliases.

The safe loader builds only plain values (no ``!!python/object``), but it builds an
alias as a reference to the same object: a "billion laughs" document of a few hundred
bytes loads in microseconds and then expands to billions of values in anything that
walks it (a plugin's rule, a JSON dump). :func:`alias_problem` measures the expansion
before anything is built.
"""

from __future__ import annotations

import gc
from functools import lru_cache
from typing import Any

import yaml


class YamlTooLarge(yaml.YAMLError):
    """The document's aliases expand it beyond :data:`MAX_ALIAS_EXPANSION` values, or
    it contains itself."""


#: how many more values aliases may add to the front matter (a "billion laughs"
#: document of a few hundred bytes expands to billions; a real post adds a few)
MAX_ALIAS_EXPANSION = 100_000


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def alias_problem(root: yaml.Node) -> str | None:
    """Why the composed YAML must not be built: aliases that expand it by more than
    :data:`MAX_ALIAS_EXPANSION` values, or an alias inside the node it names (a
    structure that contains itself, which a rule walking it would never leave).

    Counts in linear time without recursion: an aliased node is one object, reached
    more than once, whose expanded size is remembered.
    """
    limit = MAX_ALIAS_EXPANSION
    sizes: dict[int, int] = {}
    on_path = {id(root)}
    stack = [(root, iter(_children(root)))]
    totals = [1]
    distinct = 1
    while stack:
        node, kids = stack[-1]
        child = next(kids, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            total = totals.pop()
            sizes[id(node)] = total
            if totals:
                totals[-1] += total
                if totals[-1] - distinct > limit:
                    break
            continue
        key = id(child)
        if key in on_path:
            return "an alias refers to a value that contains it (the front matter contains itself)"
        if key in sizes:
            totals[-1] += sizes[key]
            if totals[-1] - distinct > limit:
                break
            continue
        distinct += 1
        on_path.add(key)
        stack.append((child, iter(_children(child))))
        totals.append(1)
    if stack or sizes[id(root)] - distinct > limit:
        return (
            f"aliases expand the front matter by more than {limit:,} values "
            "(a 'billion laughs' document); it is not loaded"
        )
    return None


def _checked_bool(loader: Any, node: yaml.Node) -> bool:
    """``!!bool``: PyYAML looks the text up and raises ``KeyError`` for any other."""
    value = loader.construct_scalar(node)
    try:
        return bool(loader.bool_values[value.lower()])
    except KeyError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{value!r} is not a boolean (!!bool takes true or false)", node.start_mark
        ) from None


def checked_timestamp(loader: Any, node: Any) -> Any:
    """``!!timestamp``: PyYAML fails with ``AttributeError`` on text that is not one."""
    value = loader.construct_scalar(node)
    if loader.timestamp_regexp.match(value) is None:
        raise yaml.constructor.ConstructorError(
            None, None, f"{value!r} is not a timestamp (!!timestamp takes a date)", node.start_mark
        )
    return yaml.SafeLoader.construct_yaml_timestamp(loader, node)


@lru_cache(maxsize=1)
def loader_class() -> Any:
    """PyYAML's safe loader (the C one when PyYAML has it) where an explicit tag that
    does not fit its text (``!!bool maybe``, ``!!timestamp x``) is a YAML error with
    a place, like any other, instead of a ``KeyError`` or ``AttributeError``."""
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        pass

    Loader.add_constructor("tag:yaml.org,2002:bool", _checked_bool)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", checked_timestamp)
    return Loader


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, refusing documents :func:`alias_problem` rejects.

    The collector of reference cycles is paused meanwhile: a large document (a
    ``_config.yml`` of 50,000 ``defaults:``) makes a node and a value per entry, which
    it would scan again and again, doubling the time, and they form no cycle (an
    alias that would is refused)."""
    loader: Any = loader_class()(text)
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = alias_problem(node) if "*" in text else None  # an alias is *name
        if problem is not None:
            raise YamlTooLarge(problem)
        return loader.construct_document(node)
    finally:
        if collecting:
            gc.enable()
        loader.dispose()
