"""The package's design, checked: every rule registered, no import circle, and each
layer importing only the layers below it (docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import ampcheck
import ampcheck.rules
from ampcheck.rule import Rule

SRC = Path(ampcheck.__file__).parent

#: each layer and the layers it may import (besides itself); TYPE_CHECKING imports
#: are annotations only and may reach anywhere
LAYERS = {
    "document": set(),  # the post and the site as Jekyll reads them
    "api": {"document"},  # model, rule, hookspecs, post, printable: what plugins import
    "config": {"api", "document"},
    "engine": {"api", "document", "config"},
    "rules": {"api", "document", "config", "engine"},
    "output": {"api", "document", "config", "engine"},
    "plugins": {"api", "config", "engine"},
    "session": {"api", "document", "config", "engine", "output", "plugins"},
    "watch": {"api", "config", "engine", "output", "session"},
    "server": {"api", "document", "config", "engine", "output", "session"},
    "cli": {"api", "config", "engine", "output", "session", "watch", "server"},
}
API = {
    "ampcheck",
    "ampcheck.model",
    "ampcheck.rule",
    "ampcheck.hookspecs",
    "ampcheck.post",
}


def layer(module: str) -> str:
    if module in API or module == "ampcheck.__main__":
        return "api" if module != "ampcheck.__main__" else "cli"
    part = module.split(".")[1]
    return part if part in LAYERS else "api"


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def imports(path: Path, known: set[str]) -> set[str]:
    """The ampcheck modules a module imports at run time (at the top or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("ampcheck"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ampcheck"):
            assert node.level == 0, f"{path}: relative import"
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in known else node.module or "")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(path, known) & known for name, path in found.items()}


def test_every_rule_class_is_registered_and_named_by_its_module() -> None:
    defined: set[type[Rule]] = set()
    for info in pkgutil.walk_packages(ampcheck.rules.__path__, "ampcheck.rules."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Rule) and "code" in vars(cls):
                defined.add(cls)
                stem = info.name.rsplit(".", 1)[1]
                assert stem == f"{cls.code.lower()}_{cls.name.replace('-', '_')}", info.name
                family = re.match(r"[A-Z]+", cls.code).group().lower()  # type: ignore[union-attr]
                assert info.name.split(".")[2] == family, info.name
    assert defined == set(ampcheck.rules.RULES)
    assert len(ampcheck.rules.RULES) == len(set(ampcheck.rules.RULES))


def test_no_import_circle() -> None:
    edges = graph()
    # Tarjan's strongly connected components: a component of more than one module
    # (or a module importing itself) is a circle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges[v]:
                circles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    assert circles == []


def test_layers_import_only_the_layers_below() -> None:
    wrong = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in sorted(graph().items())
        for target in sorted(targets)
        if layer(target) != layer(module) and layer(target) not in LAYERS[layer(module)]
    ]
    assert wrong == []


MAX_FUNCTION_LINES = 60


def test_no_function_is_longer_than_a_screen() -> None:
    """A function of more than 60 lines (from its ``def`` to its last line) does
    more than one thing: it is split into named steps."""
    long = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}: {lines} lines")
    assert not long, "\n".join(long)
