"""Measures start-up: `manage.py check` of this project beside a bare Django project.

The bare project is made with `django-admin startproject` in a temporary folder, with the
same Python and Django. Each round runs every target once (interleaved), so the load of a
shared machine falls on all alike; reports the median wall time with min–max, the median CPU
time of the child process, the ratio to the bare project, and the load average.

    .venv/bin/python benchmarks/startup.py [OTHER_CHECKOUT …]

Every OTHER_CHECKOUT (e.g. a `git worktree` of an older commit) is measured the same way,
in the same rounds, as a before/after comparison. No test asserts timings.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def timed_run(folder: Path) -> tuple[float, float]:
    """(wall s, child CPU s) of `manage.py check` in `folder`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # Bytecode is cached as in production (some shells set PYTHONDONTWRITEBYTECODE, which
    # would make every run compile the project's modules again).
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [PYTHON, "manage.py", "check"], cwd=folder, env=env, check=True, capture_output=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "django-admin"), "startproject", "bare", scratch],
            check=True,
        )
        targets = {"bare Django project": Path(scratch), "this checkout": ROOT}
        targets.update({f"checkout {path}": Path(path) for path in sys.argv[1:]})
        for folder in targets.values():
            timed_run(folder)  # warm: the page cache, .pyc files
        load_before = os.getloadavg()
        samples = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, folder in targets.items():
                samples[name].append(timed_run(folder))
        load_after = os.getloadavg()
    bare = statistics.median(wall for wall, _ in samples["bare Django project"])
    bare_cpu = statistics.median(cpu for _, cpu in samples["bare Django project"])
    print(f"`manage.py check`, median of {ROUNDS} interleaved rounds")
    print(f"load average {load_before[0]:.2f} → {load_after[0]:.2f}")
    print("| target | wall s (min–max) | CPU s | ÷ bare (wall) | ÷ bare (CPU) |")
    print("|---|---|---|---|---|")
    for name, runs in samples.items():
        walls = [wall for wall, _ in runs]
        wall, cpu = statistics.median(walls), statistics.median(c for _, c in runs)
        print(
            f"| {name} | {wall:.2f} ({min(walls):.2f}–{max(walls):.2f}) | {cpu:.2f} "
            f"| {wall / bare:.2f}× | {cpu / bare_cpu:.2f}× |"
        )


if __name__ == "__main__":
    main()
