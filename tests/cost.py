"""The cost of a call measured as CPU time of this process: what a bound on work means.

Wall-clock time on a shared two-core CI machine also counts the time other processes
(parallel test workers, PostgreSQL, Chromium) hold the cores, so a wall-clock bound fails
under load without the code changing. The CPU time this process spends counts only the work
the code under test does here, which is what "refused in well under a second" bounds.
"""

import time


def cpu_seconds(call):
    """Calls `call()` and returns its result and the CPU seconds this process spent on it."""
    started = time.process_time()
    result = call()
    return result, time.process_time() - started
