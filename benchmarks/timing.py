"""How every benchmark measures: its targets interleaved (each once per round, round after
round, so the load of a shared machine falls on all alike), wall time with this process's
CPU time beside it, medians with min–max, and the load average at start and end."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """One target's samples: wall and CPU milliseconds."""

    walls: list[float]
    cpus: list[float]

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def text(self, digits: int = 0) -> str:
        """'median (min–max) [CPU median (min–max)]' in ms."""
        walls, cpus = self.walls, self.cpus
        return (
            f"{self.wall:.{digits}f} ({min(walls):.{digits}f}–{max(walls):.{digits}f}) "
            f"[{self.cpu:.{digits}f} ({min(cpus):.{digits}f}–{max(cpus):.{digits}f})]"
        )


def sample(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def load_text(load: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.2f}" for value in load)


def interleaved(
    targets: dict, rounds: int, *, warm_up: bool = True
) -> tuple[dict[object, Timing], str]:
    """Every target once per round, `rounds` rounds; the timings and the load average
    (1/5/15 min) at start → end."""
    if warm_up:
        for fn in targets.values():
            fn()
    load_before = os.getloadavg()
    samples: dict = {name: [] for name in targets}
    for _ in range(rounds):
        for name, fn in targets.items():
            samples[name].append(sample(fn))
    load = f"{load_text(load_before)} → {load_text(os.getloadavg())}"
    timings = {
        name: Timing([wall for wall, _ in runs], [cpu for _, cpu in runs])
        for name, runs in samples.items()
    }
    return timings, load
