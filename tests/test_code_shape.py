"""The codebase stays easy to enter: every module says what it holds, views stay thin."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("code_shape", ROOT / "scripts" / "code_shape.py")
code_shape = importlib.util.module_from_spec(spec)
spec.loader.exec_module(code_shape)


def test_every_module_opens_with_a_line_saying_what_it_holds():
    missing = [
        path.relative_to(ROOT).as_posix()
        for path in code_shape.app_files()
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []


def test_views_are_thin_and_functions_short():
    views, helpers, _ = code_shape.measure()
    long_views = [(n, name) for n, name in views if n > code_shape.VIEW_LIMIT]
    long_helpers = [(n, name) for n, name in helpers if n > code_shape.HELPER_LIMIT]
    assert long_views == []
    assert long_helpers == []


def test_the_measure_sees_views_and_helpers():
    # A measure that found nothing would pass the test above for the wrong reason.
    views, helpers, sizes = code_shape.measure()
    assert len(views) > 100
    assert len(helpers) > 500
    assert "funds/models.py" in sizes
