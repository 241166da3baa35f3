"""The panel's allocation and closure reach casework through one explicit hand-off
(``panel.handoffs``, with ``casework.handoff`` registered when casework is ready); the panel
never imports casework. The hand-off in action is tested in panel/tests/test_meeting.py."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from casework import handoff
from panel import handoffs

BASE = Path(settings.BASE_DIR)


def test_casework_is_the_registered_receiver():
    assert handoffs.receiver() is handoff


def test_a_second_receiver_is_refused_and_none_fails_loudly(monkeypatch):
    with pytest.raises(RuntimeError, match="already registered"):
        handoffs.register(object())
    handoffs.register(handoff)  # the same one again is harmless
    monkeypatch.setattr(handoffs, "_receiver", None)
    with pytest.raises(RuntimeError, match="Nothing has registered"):
        handoffs.receiver()


def _function_local_imports(path: Path):
    """(line, module) for every import inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names = [inner.module + "." + alias.name for alias in inner.names]
                    found.append((inner.lineno, inner.module, names))
    return found


def test_the_panel_never_imports_casework():
    for path in sorted((BASE / "panel").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "__import__(" not in text, path
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("casework"), (path, node.lineno)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("casework") for a in node.names), (
                    path,
                    node.lineno,
                )


@pytest.mark.parametrize("app", ["panel", "casework"])
def test_no_function_local_import_of_another_apps_services(app):
    offending = []
    for path in sorted((BASE / app).glob("*.py")):
        for line, module, names in _function_local_imports(path):
            other_app = module.split(".")[0] != app
            services_module = module.endswith(".services") or any(
                n.endswith(".services") for n in names
            )
            if other_app and services_module:
                offending.append(f"{path.name}:{line} {module}")
    assert offending == []
