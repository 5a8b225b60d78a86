"""The demo city stays in the demo: no Stockholm names, SOF numbers or 08-508 numbers in code."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The demo's city, districts and units (funds/demo/data/recipients.toml), its registry prefix
# and its switchboard: a form hint, default or sentence showing one of these to another
# municipality is false for it.
DEMO_CITY = re.compile(
    r"stockholm|tensta|järva|rinkeby|spånga|kista|hässelby|skärholmen|skarpnäck|bromma"
    r"|\bSOF\s*\d{4}/|08-508|tjänsteutlåtandet 2023",
    re.IGNORECASE,
)

# Shipped code and what it renders. Not checked: the demo's data files and loaders (that is
# where the demo city belongs), tests (they check the demo against seed 004), the historical
# migrations, and the prose docs (they describe the seeds).
CHECKED_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".toml", ".json", ".md"}
DEMO_PLACES = (
    "tests/",
    "docs/",
    "funds/demo/",
    "reporting/demo_data/",
    "reporting/demo.py",
    "funds/management/commands/load_demo.py",
    "plans/management/commands/load_demo_plans.py",
    "plans/demo_data/",
    "calls/demo_data/",
    "benchmarks/",
)
# Not the demo city but the IANA time zone every Swedish installation uses; the county of that
# name in SCB's list of län (reference data for every installation); and the citation of the
# only published text naming the 2023 areas that concern kommuner (true for everyone).
ALLOWED = {
    ("config/settings.py", 'TIME_ZONE = "Europe/Stockholm"'),
    ("funds/national/data/counties.toml", '"01" = "Stockholms län"'),
    (
        "funds/national/data/2023.toml",
        'source = "Tjänsteutlåtande Rapportering 2023 samt delegation för 2024 '
        '(Stockholms stad, SOF 2023/567)"',
    ),
}


def _shipped_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        name
        for name in listed
        if Path(name).suffix in CHECKED_SUFFIXES
        and not name.startswith(DEMO_PLACES)
        and "/migrations/" not in name
        and not name.endswith("README.md")
        and (ROOT / name).is_file()
    ]


def test_no_demo_city_outside_the_demo():
    found = []
    for name in _shipped_files():
        for number, line in enumerate((ROOT / name).read_text(errors="replace").splitlines(), 1):
            if DEMO_CITY.search(line) and (name, line.strip()) not in ALLOWED:
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "The demo city outside the demo:\n" + "\n".join(found)


def test_the_guard_sees_the_demo_city():
    for leak in ("Fritidsgården Tensta", "SOF 2024/123", "08-508 25 000", "Stockholms stad"):
        assert DEMO_CITY.search(leak), leak
    assert not DEMO_CITY.search("Till exempel 2025/123")
