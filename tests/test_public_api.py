"""Public APIs only: no code of ours imports, reads, calls or replaces another package's
underscore-named internals (modules, attributes or methods). Such internals change without
notice between releases; a replication package must still run years from now.

The check reads the source (``ast``), so it covers code paths the tests never run:

- imports of an underscore-named module or name from any package but ours;
- attributes ``thing._name`` where ``_name`` is not defined anywhere in our own code (an
  attribute of our own classes is fine, a library object's underscore method is not);
- ``super()._name`` and ``getattr(thing, "_name")`` for a name we do not define, and
  underscore-named methods of our subclasses of another package's classes (they replace
  or extend its internals);
- dotted strings naming an underscore-named module or attribute, as ``monkeypatch.setattr``
  or ``importlib.import_module`` take them.

Dunder names (``__file__``) are public by convention; :data:`DOCUMENTED` lists the few
underscore names the Python documentation itself makes public.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = {"dronediplomacy", "conftest", "sandbox"}
#: Underscore names that are documented public API of the standard library.
DOCUMENTED = {
    "_exit",      # os._exit: https://docs.python.org/3/library/os.html#os._exit
    "_asdict",    # namedtuple methods and attributes:
    "_replace",   # https://docs.python.org/3/library/collections.html#collections.somenamedtuple._asdict
    "_fields",
    "_make",
}
DOTTED_INTERNAL = re.compile(r"^[A-Za-z]\w*(\.\w+)*\._[A-Za-z]\w*(\.\w+)*$")


def our_files() -> list[Path]:
    files = [ROOT / "repro.py"]
    for folder in ("src", "tests", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if f.is_file()]


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def names_defined(tree: ast.AST) -> set[str]:
    """Every underscore name a module defines: functions, classes, assignments, arguments."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
    return {name for name in found if private(name)}


def violations(source: str, own_names: set[str], where: str) -> list[str]:
    """The uses of another package's internals in ``source`` (Python text)."""
    problems = []
    tree = ast.parse(source)
    external = set()  # names bound to another package's modules or classes
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            external |= {(a.asname or a.name).split(".")[0] for a in node.names
                         if a.name.split(".")[0] not in OUR_PACKAGES}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] not in OUR_PACKAGES:
            external |= {a.asname or a.name for a in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
                isinstance(base, (ast.Name, ast.Attribute)) and ast.unparse(base).split(".")[0] in external
                for base in node.bases):
            problems += [f"{where}:{item.lineno}: method {item.name} of a subclass of "
                         f"{ast.unparse(node.bases[0])}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and private(item.name)]
        if isinstance(node, ast.Attribute) and private(node.attr) \
                and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "super":
            problems.append(f"{where}:{node.lineno}: super().{node.attr}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "setattr", "hasattr") \
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str) and private(node.args[1].value) \
                and node.args[1].value not in own_names:
            problems.append(f"{where}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] not in OUR_PACKAGES and any(private(p) for p in parts):
                    problems.append(f"{where}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] in OUR_PACKAGES:
                continue
            if any(private(p) for p in parts) or any(private(a.name) for a in node.names):
                names = ", ".join(a.name for a in node.names)
                problems.append(f"{where}:{node.lineno}: from {node.module} import {names}")
        elif isinstance(node, ast.Attribute) and private(node.attr):
            if node.attr not in own_names and node.attr not in DOCUMENTED:
                problems.append(f"{where}:{node.lineno}: attribute .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if DOTTED_INTERNAL.match(text) and text.split(".")[0] not in OUR_PACKAGES:
                problems.append(f"{where}:{node.lineno}: string {text!r}")
    return problems


def test_no_code_of_ours_uses_another_packages_internals():
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in our_files()}
    own_names = set().union(*(names_defined(tree) for tree in trees.values()))
    problems = []
    for path in trees:
        problems += violations(path.read_text(encoding="utf-8"), own_names,
                               str(path.relative_to(ROOT)))
    assert problems == [], "use public APIs instead of:\n" + "\n".join(problems)


@pytest.mark.parametrize("source", [
    # made-up package names: each line has the shape of a real misuse, none names a real one
    # (the underscore name is joined in, so no line of this file is itself an import of one)
    "import somelib." + "_impl",
    "from somelib import " + "_impl",
    "from somelib.backends._impl import helper",
    "import somelib as sl\nsl.sub._state",
    "def f(axis):\n    axis._refresh()",
    "monkeypatch.setattr('somelib.backends._impl.helper', None)",
    "client._cleanup()",
    "from somelib import Client\nclass C(Client):\n    async def _cleanup(self):\n        pass",
    "class C(Base):\n    def f(self):\n        super()._hidden()",
    "getattr(client, '_cleanup_future', None)",
])
def test_each_kind_of_internal_use_is_found(source):
    assert violations(source, set(), "example.py") != []


@pytest.mark.parametrize("source", [
    "class A:\n    def __init__(self):\n        self._pool = 1\n    def f(self):\n        return self._pool",
    "import os\nos._exit(0)",
    "from collections import namedtuple\nP = namedtuple('P', 'x')\nP(1)._asdict()",
    "path.__file__",
    "from dronediplomacy.inputs import _helpers",
    "'not a dotted path _x'",
    "from html.parser import HTMLParser\nclass Scanner(HTMLParser):\n    def handle_data(self, data):\n        pass",
])
def test_our_own_names_and_documented_names_are_allowed(source):
    tree = ast.parse(source)
    assert violations(source, names_defined(tree), "example.py") == []
