"""Run a command in a pseudo-terminal (so Textual uses its real Linux driver, as in an office
terminal) and time it from spawn to exit. Returns (seconds, exit status, output text)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import termios
import time


def run_in_pty(argv: list[str], env: dict[str, str], *, cols: int = 160, rows: int = 45,
               timeout: float = 60.0, markers: tuple[str, ...] = ()) -> tuple[float, float | None, int, str]:
    """Returns (seconds to exit, seconds to the first painted screen (None if never), exit status,
    output).

    The first painted screen is the moment the terminal has received every one of ``markers``
    (texts the finished screen shows) after the app entered the alternate screen; with no
    markers, the last chunk of screen output (one that moves the cursor) before the app left the
    alternate screen. Output chunks are timestamped as they arrive, so the figure is when the
    terminal could show the screen, not when the app exited."""
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
    text = b""
    entered = False
    for i, chunk in enumerate(chunks[: len(stamps)]):
        if not entered and b"\x1b[?1049h" in chunk:
            entered = True
            chunk = chunk.split(b"\x1b[?1049h", 1)[1]
        if not entered:
            continue
        if b"\x1b[?1049l" in chunk:  # leaving the alternate screen: the app is exiting
            if not markers:
                before = chunk.split(b"\x1b[?1049l")[0]
                if CURSOR_MOVE.search(before):
                    painted = stamps[i]
            break
        if markers:
            text += chunk
            if painted is None and all(m.encode("utf-8") in text for m in markers):
                painted = stamps[i]
        elif CURSOR_MOVE.search(chunk):
            painted = stamps[i]
    return elapsed, painted, os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


CURSOR_MOVE = re.compile(rb"\x1b\[\d+;\d+H")
