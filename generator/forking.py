"""How many processes may share a large job: validation, open data, record pages, the site scan.

Work is shared by forking, so that the workers read the loaded corpus without copying it. A fork
is refused (1 process) where it is not safe: without fork, with other threads running (`portal
serve` watches files in threads, and a fork copies the locks they hold but not the threads), or
in a daemon process, which may not start any.
"""

from __future__ import annotations

import multiprocessing
import os
import threading


def processors() -> int:
    """The processors this process may use, or 1 where it cannot fork safely."""
    if ("fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1
            or multiprocessing.current_process().daemon):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
