"""perfeval_core's rooms: each imports only the rooms below it, says what it owns, and no module
grows past ~600 lines without saying why."""

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "perfeval_core"
# room -> the rooms it may import (besides itself); the CLI at the top may import everything
ALLOWED = {
    "model": set(),
    "analysis": {"model"},
    "io": {"model", "analysis"},
    "present": {"model", "analysis", "io"},
    "store": {"model", "analysis"},
    "auth": {"model", "store"},
}
LONG = 600
LONG_REASON = "Longer than 600 lines because"


def _room(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every perfeval_core module a file imports, at any depth (imports inside functions count)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(path.relative_to(ROOT).with_suffix("").parts[: -node.level])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = [f"{module}.{a.name}" for a in node.names]
            out += [(node.lineno, n) for n in names if n.startswith("perfeval_core.")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("perfeval_core")]
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_room_is_listed_and_says_what_it_owns():
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert rooms == set(ALLOWED)
    for room in rooms:
        doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{room}/__init__.py must say what it owns and what it may import"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_room_imports_only_the_rooms_below_it(path):
    room = _room(path)
    if room is None:
        return  # the CLI and the package's front door sit on top
    wrong = []
    for line, name in _imports(path):
        target = name.split(".")[1]
        if target in ALLOWED and target != room and target not in ALLOWED[room]:
            wrong.append(f"line {line}: {name}")
        if target not in ALLOWED:  # perfeval_core.cli or the package itself
            wrong.append(f"line {line}: {name} (the top of the package)")
    assert not wrong, f"{path.relative_to(ROOT)} ({room}) imports a room above it: {wrong}"


def test_the_direction_check_catches_an_upward_import(tmp_path):
    fake = PACKAGE / "model" / "_probe_upward.py"
    fake.write_text("from perfeval_core.present import charts\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match="imports a room above it"):
            test_a_room_imports_only_the_rooms_below_it(fake)
    finally:
        fake.unlink()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_long_modules_say_why(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines > LONG:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert LONG_REASON in doc, f"{path.relative_to(ROOT)} has {lines} lines: split it or say why at its top"
