"""Memory figures the benchmarks print: this process's resident memory now and at its peak."""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path


def rss_mb() -> float:
    """Return this process's resident memory now, in MiB (0 where /proc is missing).

    The benches subtract two readings to say what one structure adds; the peak cannot.
    """
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Return this process's peak resident memory so far, in MiB (Linux reports KiB, macOS
    bytes), the figure the speed-and-scale targets quote."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
