"""Start-up stays light: loading the URLconf imports none of the heavy document libraries.

WeasyPrint alone costs half a second to import; with python-docx, openpyxl, qpdf (pikepdf),
rdflib and requests the app took 5× a bare project's `manage.py check`. They are imported where a
document, a workbook, an attachment or a sign-in needs them (benchmarks/startup.py measures).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ["weasyprint", "docx", "openpyxl", "pikepdf", "requests", "rdflib", "PIL", "holidays"]
PROBE = f"""
import json, sys, django
django.setup()
import config.urls  # every view module, as the first request or `check` loads them
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_the_urlconf_loads_no_heavy_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
