"""A process's own peak memory, for the probes (imports nothing of the benchmark)."""

from __future__ import annotations


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not ``ru_maxrss``: Linux keeps that across
    fork and exec, so a probe started by a big parent reported the parent's pages as its own."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def rss_mb(pid: str = "self") -> float:
    """A process's resident memory now (VmRSS; 0 when it has ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
