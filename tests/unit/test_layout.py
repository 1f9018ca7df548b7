"""The layout shows the architecture: a pure domain package (secu/) that knows nothing of
Rasa, thin adapters (actions/) and Rasa plug-ins (addons/) on top, and the text users
read in data/knowledge/answers/ only. These rules are checked, not just written."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = ("secu", "actions", "addons", "scripts", "bench", "migrations")
MAX_LINES = 400


def python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def top(module: str) -> str:
    return module.split(".", 1)[0]


@pytest.mark.parametrize("path", list(python_files("secu")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_package_imports_nothing_of_rasa_nor_of_its_adapters(path: Path) -> None:
    forbidden = {"rasa", "rasa_sdk", "sanic", "actions", "addons"}
    assert not {top(m) for m in imported_modules(path)} & forbidden


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("actions") if p.name != "__init__.py"],
    ids=lambda p: p.name,
)
def test_every_module_of_actions_is_a_rasa_adapter(path: Path) -> None:
    modules = imported_modules(path)
    assert "rasa_sdk" in {top(m) for m in modules} or any(
        m.startswith("actions.") for m in modules
    ), f"{path.name} holds no rasa_sdk adapter: pure code belongs in secu/"


@pytest.mark.parametrize("path", list(python_files("addons")), ids=lambda p: p.name)
def test_the_rasa_plugins_never_import_the_action_server(path: Path) -> None:
    assert "actions" not in {top(m) for m in imported_modules(path)}


@pytest.mark.parametrize("path", list(python_files(*CODE)), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("package", ["actions", "addons", "secu"])
def test_importing_a_package_changes_nothing(package: str) -> None:
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    statements = [n for n in tree.body if not isinstance(n, ast.Expr)]  # the docstring
    assert statements == [], f"{package}/__init__.py runs code on import"


# A French sentence: several words, and French words or accented letters.
FRENCH = re.compile(
    r"\b(?:vous|votre|vos|le|la|les|des|du|une|est|pour|pas|avec|sur|dans|je|ne)\b|[éèêàùçôî]",
    re.IGNORECASE,
)


def user_facing_strings(path: Path) -> Iterator[tuple[int, str]]:
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # an f-string: its words around the values
            parts = (v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            yield node.lineno, "".join(str(part) for part in parts)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


REGEX_MARKS = ("(?", "\\b", "\\s", "|")  # a pattern of French words is no sentence


def looks_like_a_french_sentence(text: str) -> bool:
    if any(mark in text for mark in REGEX_MARKS):
        return False
    words = re.findall(r"[^\W\d_]+", text)
    return len(words) >= 3 and len(FRENCH.findall(text)) >= 2


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("secu", "actions", "addons", "scripts")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_french_sentence_in_python(path: Path) -> None:
    found = [
        (line, text[:60])
        for line, text in user_facing_strings(path)
        if looks_like_a_french_sentence(text)
    ]
    assert found == [], "user-facing text belongs in data/knowledge/answers/"


def test_the_french_sentence_detector_works() -> None:
    assert looks_like_a_french_sentence("Pour quelle démarche voulez-vous la liste ?")
    assert looks_like_a_french_sentence("Le numéro {masked} n'est pas valide.")
    assert not looks_like_a_french_sentence("the action server needs a shared secret")
    assert not looks_like_a_french_sentence("janvier")
    assert not looks_like_a_french_sentence(r"\b(?:le|la|les)\s+")
