"""Measures the shape of the code: view and helper lengths, file sizes, the share of each app.

    python scripts/code_shape.py            # summary and every view over 30 lines
    python scripts/code_shape.py --check    # exit 1 if a view is over 40 or a helper over 50

A view is a public function in a views module (views.py, views_*.py or views/*.py); a helper
is any other function there, or any function in a module of an app. Lengths count the lines
from `def` to the function's last line, decorators excluded.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("funds", "calls", "reporting", "plans", "signin", "config", "analysis")
VIEW_LIMIT = 40
HELPER_LIMIT = 50


def is_views_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.startswith("views_") or path.parent.name == "views"


def app_files() -> list[Path]:
    files = []
    for app in APPS:
        base = ROOT / app
        if base.is_dir():
            files += [p for p in base.rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.end_lineno - node.lineno + 1


def measure():
    views, helpers, sizes = [], [], {}
    for path in app_files():
        rel = path.relative_to(ROOT).as_posix()
        sizes[rel] = len(path.read_text(encoding="utf-8").splitlines())
        for name, length in functions(path):
            is_view = is_views_module(path) and not name.startswith("_")
            (views if is_view else helpers).append((length, f"{rel}:{name}"))
    return views, helpers, sizes


def main() -> int:
    views, helpers, sizes = measure()
    total = sum(sizes.values())
    print(f"lines in apps: {total}")
    for app in APPS:
        lines = sum(n for f, n in sizes.items() if f.startswith(app + "/"))
        if lines:
            print(f"  {app:10} {lines:6}  {100 * lines / total:4.1f} %")
    print("largest files:")
    for f, n in sorted(sizes.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {n:5}  {f}")
    print(
        f"views: {len(views)}; over 30 lines: {sum(n > 30 for n, _ in views)}; "
        f"over {VIEW_LIMIT}: {sum(n > VIEW_LIMIT for n, _ in views)}"
    )
    for n, name in sorted(views, reverse=True):
        if n > 30:
            print(f"  {n:4}  {name}")
    long_helpers = [(n, name) for n, name in helpers if n > HELPER_LIMIT]
    print(f"helpers over {HELPER_LIMIT} lines: {len(long_helpers)}")
    for n, name in sorted(long_helpers, reverse=True):
        print(f"  {n:4}  {name}")
    if "--check" in sys.argv:
        return 1 if any(n > VIEW_LIMIT for n, _ in views) or long_helpers else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
