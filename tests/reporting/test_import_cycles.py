"""Imports inside reporting go one way: no module imports, even lazily, one that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import reporting

ROOT = Path(reporting.__file__).parent
PACKAGE = "reporting"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts
    }


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The reporting modules `name` imports anywhere in its file (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            # `from reporting.survey import views` imports the module reporting.survey.views.
            found |= {f"{base}.{alias.name}" for alias in node.names} & known or {base}
    return {module for module in found if module in known and module != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, set(known)) for name, path in known.items()}


def test_reporting_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_renderers_read_the_content_and_not_each_other():
    graph = import_graph()
    assert "reporting.rendering" in graph["reporting.word"]
    assert "reporting.documents" not in graph["reporting.word"]
    assert "reporting.word" not in graph["reporting.rendering"]
    assert "reporting.pdf" not in graph["reporting.rendering"]


def test_it_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_it_reads_lazy_and_package_imports(tmp_path, monkeypatch):
    (tmp_path / "reporting" / "survey").mkdir(parents=True)
    (tmp_path / "reporting" / "__init__.py").write_text("")
    (tmp_path / "reporting" / "survey" / "__init__.py").write_text("")
    (tmp_path / "reporting" / "survey" / "views.py").write_text(
        "def f():\n    from reporting import urls\n"
    )
    (tmp_path / "reporting" / "urls.py").write_text("from reporting.survey import views\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "reporting")
    assert cycles(import_graph()) == [["reporting.survey.views", "reporting.urls"]]
