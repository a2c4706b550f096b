"""Run a command in a pseudo-terminal (so Textual uses its real Linux driver, as in an office
terminal) and time it from spawn to exit. Returns (seconds, exit status, output text)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time


def run_in_pty(argv: list[str], env: dict[str, str], *, cols: int = 160, rows: int = 45,
               timeout: float = 60.0) -> tuple[float, float | None, int, str]:
    """Returns (seconds to exit, seconds to the last screen output before the app left the
    alternate screen (None if it never did), exit status, output)."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    chunks: list[bytes] = []
    stamps: list[float] = []
    deadline = t0 + timeout
    status = None
    while True:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if data:
                chunks.append(data)
                stamps.append(time.perf_counter() - t0)
                continue
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        if time.perf_counter() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise TimeoutError(f"{argv} did not exit within {timeout}s")
    elapsed = time.perf_counter() - t0
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0)
            if not r:
                break
            data = os.read(fd, 65536)
            if not data:
                break
            chunks.append(data)
    except OSError:
        pass
    os.close(fd)
    painted = None
    for i, chunk in enumerate(chunks[: len(stamps)]):
        if b"\x1b[?1049l" in chunk:  # leaving the alternate screen: the app is exiting
            before = chunk.split(b"\x1b[?1049l")[0]
            painted = stamps[i] if len(before) > 64 or i == 0 else stamps[i - 1]
            break
    return elapsed, painted, os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")
