"""The gates that keep the code base in its agreed shape, run by every `make test`.

- no model change without its migration;
- the app layers (import-linter contracts in pyproject.toml);
- no function-local import of another app's services (the trick that hid the panel <-> casework
  cycle from import-linter);
- views and API views make no model queries: they read through selectors, write through services.

The last two allow none: their allow-lists are empty, and stay so (fix the code, never add an
entry).
"""

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "core",
    "accounts",
    "people",
    "support_requests",
    "consent",
    "assessments",
    "panel",
    "casework",
    "neglect",
    "risk_factors",
    "patterns",
    "radar",
    "oversight",
    "demo",
    "dataprotection",
    "directory",
    "offer",
    "consultancy",
    "children_centres",
    "earlyhelp",
)

# (module, other app's services it imports inside a function) -> how many such imports: none.
FUNCTION_LOCAL_SERVICES_IMPORTS: dict[tuple[str, str], int] = {}

# View and API modules -> how many `.objects` they may use: none. Views and API views make no
# model queries; never add an entry, put the query in the app's selectors (reads, scoped and
# audited) or services (writes). Even an empty queryset for the schema generator comes from a
# selector (`no_<things>()`), so any `.objects` here is a query out of place.
VIEW_QUERIES: dict[str, int] = {}


def _product_modules():
    for app in APPS:
        for path in sorted((REPO_ROOT / app).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def _relative(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def _app_of(path: Path) -> str:
    return path.relative_to(REPO_ROOT).parts[0]


def _services_module(name: str | None, own_app: str) -> str | None:
    """``panel.services`` or ``panel.services.meetings`` -> ``panel.services`` if panel is another app."""
    if not name:
        return None
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] in APPS and parts[0] != own_app and parts[1] == "services":
        return f"{parts[0]}.services"
    return None


class _FunctionLocalImports(ast.NodeVisitor):
    def __init__(self, own_app: str):
        self.own_app = own_app
        self.depth = 0
        self.found: list[str] = []

    def _visit_function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_Import(self, node):
        if self.depth:
            for alias in node.names:
                self._add(alias.name)

    def visit_ImportFrom(self, node):
        if self.depth and node.level == 0 and node.module:
            if _services_module(node.module, self.own_app):
                self._add(node.module)
            else:  # ``from panel import services``
                for alias in node.names:
                    self._add(f"{node.module}.{alias.name}")

    def visit_Call(self, node):
        # ``__import__("casework.services")`` and ``importlib.import_module("casework.services")``
        # hide the import from import-linter anywhere in a module, so they count at any depth.
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name in ("__import__", "import_module") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self._add(first.value)
        self.generic_visit(node)

    def _add(self, name):
        module = _services_module(name, self.own_app)
        if module:
            self.found.append(module)


def _count_function_local_services_imports() -> Counter:
    found = Counter()
    for path in _product_modules():
        visitor = _FunctionLocalImports(_app_of(path))
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        for module in visitor.found:
            found[(_relative(path), module)] += 1
    return found


def _view_modules():
    for path in _product_modules():
        name = path.name
        if (
            name.startswith(("views", "api"))
            or name.endswith("_views.py")
            or "views" in path.parent.name
        ):
            yield path


def _count_view_queries() -> Counter:
    found = Counter()
    for path in _view_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        count = sum(
            1
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "objects"
        )
        if count:
            found[_relative(path)] = count
    return found


def _ratchet(found: Counter, allowed: dict, what: str) -> list[str]:
    problems = []
    for key in sorted(set(found) | set(allowed), key=str):
        now, allowance = found.get(key, 0), allowed.get(key, 0)
        if now > allowance:
            problems.append(f"{key}: {now} {what} (allowed {allowance}); new ones are not allowed")
        elif now < allowance:
            problems.append(
                f"{key}: {now} {what}, fewer than the {allowance} allowed; lower the allowance"
            )
    return problems


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(
            f"A model changed without a migration (makemigrations --check exited {exit_.code}): "
            "run `python manage.py makemigrations`"
        )


def test_apps_import_only_the_layers_below_them():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        "An import-linter contract is broken (see [tool.importlinter] in pyproject.toml and "
        "CONTRIBUTING.md). A 'No matches for ignored import' means a known debt was paid: delete "
        f"that entry.\n{result.stdout}\n{result.stderr}"
    )


def test_no_function_local_import_of_another_apps_services(record_property):
    found = _count_function_local_services_imports()
    record_property(
        "probe_summary",
        f"function-local imports of another app's services: {sum(found.values())} "
        f"(allowed: {sum(FUNCTION_LOCAL_SERVICES_IMPORTS.values()) or 'none'})",
    )
    problems = _ratchet(found, FUNCTION_LOCAL_SERVICES_IMPORTS, "function-local imports of")
    assert not problems, (
        "Import another app's services at the top of the module, and let import-linter judge the "
        "layers; a cycle means one event has two owners (CONTRIBUTING.md).\n" + "\n".join(problems)
    )


def test_views_do_not_query_models(record_property):
    """Views and API views make no model queries: no `.objects` in any of them."""
    found = _count_view_queries()
    record_property(
        "probe_summary",
        f"model queries in views and API views: {sum(found.values())} in {len(found)} files "
        f"(allowed: {sum(VIEW_QUERIES.values()) or 'none'})",
    )
    problems = _ratchet(found, VIEW_QUERIES, "uses of .objects")
    assert not problems, (
        "Views and API views make no model queries: read through the app's selectors (which "
        "scope and audit) and write through its services, never Model.objects "
        "(CONTRIBUTING.md).\n" + "\n".join(problems)
    )


def test_the_gates_see_what_they_check():
    """The scans would pass vacuously if they found no modules."""
    assert len(list(_product_modules())) > 100
    assert len(list(_view_modules())) > 20
