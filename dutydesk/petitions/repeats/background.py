"""The repeat search of a large import, in a process of its own beside the writing.

An import's repeat search (:class:`~.finder.RepeatFinder`) is pure Python; storing the rows is
mostly SQLite's own work. On two cores they run side by side: the search starts as soon as the
import is planned, in a helper interpreter (``python -m dutydesk.petitions.repeats.helper``) that
reads the petitions as they were before the import (its read transaction is open before the import
commits: WAL keeps that snapshot for it), and the import collects the candidates once its rows are
stored. It finds exactly what the search in the importing process would find before writing.

The helper is a plain ``subprocess`` speaking pickles over its stdin and stdout (multiprocessing's
spawn would import the caller's main script again in the helper); it is sent the texts one unit at a
time, as it searches them, and holds only one unit's. Should it fail, the search runs
in the importing process instead: at once if it could not be started, else after the commit,
with the petitions the import itself stored left out of the pools (which are then those the helper
would have read).
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ...store.db import Store
from .finder import REPEAT_THRESHOLD, RepeatCandidate, RepeatFinder

BACKGROUND_ROWS = 2000  # fewer texts are searched at once, in the importing process (a helper costs ~0.3 s)
READY_TIMEOUT_S = 60.0
HELPER = "dutydesk.petitions.repeats.helper"

Item = tuple[str, str, "int | None"]  # (content, unit, before batch no)


class RepeatSearch:
    """Candidates for ``items`` (as :meth:`RepeatFinder.find_many` takes them), found in a helper
    process over the database as it is when the helper says it is ready, or in this process."""

    def __init__(self, items: list[Item], *, threshold: float = REPEAT_THRESHOLD):
        self.items, self.threshold = items, threshold
        self._found: list[Sequence[RepeatCandidate]] | None = None
        self._process: subprocess.Popen | None = None
        self._messages: queue.Queue = queue.Queue()
        self._ready = False
        self.failed = ""  # why the helper did not answer (the search then ran here)
        self.usage: dict = {}  # the helper's CPU seconds and peak memory, once it answered
        self._units: _Units | None = None  # the texts not yet sent to the helper
        self.kept = 0  # texts taken back from the helper and searched here (see result)

    @classmethod
    def start(cls, store: Store, items: list[Item], *, threshold: float = REPEAT_THRESHOLD,
              background: bool | None = None) -> "RepeatSearch":
        """Start the search: in a helper process for ``BACKGROUND_ROWS`` texts or more (``background``
        decides otherwise), else here and now."""
        if background is None:
            background = len(items) >= BACKGROUND_ROWS
        return cls.ahead(store, rows=len(items) if background else 0, threshold=threshold).give(store, items)

    @classmethod
    def ahead(cls, store: Store, *, rows: int, threshold: float = REPEAT_THRESHOLD) -> "RepeatSearch":
        """A search whose texts come later (:meth:`give`): for ``BACKGROUND_ROWS`` rows or more its
        helper starts now, and opens the database and pins its snapshot while the rows are checked.
        An import that stops before :meth:`give` calls :meth:`close`."""
        search = cls([], threshold=threshold)
        if rows >= BACKGROUND_ROWS and not store.conn.in_transaction:  # (uncommitted rows: only this connection sees them)
            search._spawn(str(store.path))
        return search

    def give(self, store: Store, items: list[Item]) -> "RepeatSearch":
        """The texts to search: sent to the helper (if it started), else searched here and now."""
        self.items = items
        if self._process is not None and not items:
            self.close()
        if self._process is not None:
            self._units = _Units(items)
            threading.Thread(target=_send, args=(self._process.stdin, self._units), name="repeats-send",
                             daemon=True).start()
        elif self._found is None:
            self._found = self._here(store)
        return self

    @property
    def done(self) -> bool:
        return self._found is not None

    @property
    def background(self) -> bool:
        """Whether the search runs in a helper process (its texts may be given early)."""
        return self._process is not None

    def _here(self, store: Store, *, leave_out: frozenset[int] = frozenset()) -> list[list[RepeatCandidate]]:
        return RepeatFinder(store, threshold=self.threshold, ignore=leave_out).find_many(self.items, release=True)

    def _search_here(self, store: Store, numbers: list[int], leave_out: frozenset[int]) -> dict[int, list]:
        """{item number: candidates} of some items, searched in this process (those with some)."""
        if not numbers:
            return {}
        finder = RepeatFinder(store, threshold=self.threshold, ignore=leave_out)
        return {i: c for i, c in zip(numbers, finder.find_many([self.items[i] for i in numbers], release=True)) if c}

    def _spawn(self, path: str) -> None:
        try:
            # -P and the folder this dutydesk was imported from first: the helper runs this very code,
            # never a dutydesk/ folder that happens to sit in the working directory
            root = str(Path(__file__).resolve().parents[3])
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
            process = subprocess.Popen([sys.executable, "-P", "-m", HELPER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True, env=env)
        except OSError as exc:  # no process could be started: the search runs here
            self.failed = f"{type(exc).__name__}: {exc}"
            return
        self._process = process
        try:  # a few bytes: the pipe takes them at once
            pickle.dump((path, self.threshold), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
        except OSError:  # gone already: the reader reports it
            pass
        # The texts are written (give) and the answers read by threads: a pipe holds 64 KB, the texts are megabytes.
        threading.Thread(target=_receive, args=(process.stdout, self._messages), name="repeats-receive",
                         daemon=True).start()

    def _next(self, timeout: float | None) -> object:
        try:
            return self._messages.get(timeout=timeout)
        except queue.Empty:
            return RuntimeError("the helper process did not answer in time")

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> bool:
        """Wait until the helper reads a snapshot of its own (before this process commits the
        import). False when the search is not in a helper (any more)."""
        if self._process is None or self._ready:
            return self._ready
        message = self._next(timeout)
        if message == "ready":
            self._ready = True
        else:
            self._give_up(message)
        return self._ready

    def result(self, store: Store, *, leave_out: frozenset[int] = frozenset()) -> list[Sequence[RepeatCandidate]]:
        """The candidates, best first, one sequence per item. Should the helper have failed, they are
        searched here, on ``store``, leaving out ``leave_out`` (the ids the import stored since).

        The units the helper has not been sent yet (it is behind: this process has stored its rows)
        are taken back and searched here meanwhile, the same way, while the helper ends its own."""
        if self._found is None and self._process is not None and self.wait_ready():
            kept = self._units.take_back() if self._units is not None else []
            here = self._search_here(store, kept, leave_out)
            message = self._next(None)
            if isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], dict):
                found: list = [()] * len(self.items)  # (one empty tuple for the many rows without)
                for i, candidates in [*message[0].items(), *here.items()]:
                    found[i] = candidates
                self._found, self.usage, self.kept = found, message[1], len(kept)
                self._finish()
            else:
                self._give_up(message)
        if self._found is None:
            self._found = self._here(store, leave_out=leave_out)
        return self._found

    def _give_up(self, message: object) -> None:
        self.failed = str(message)[:500] or "the helper process failed"
        self._ready = False
        self.close()

    def _finish(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:  # pragma: no cover - it ends right after answering
                process.kill()
                process.wait()

    def close(self) -> None:
        """Stop the helper (an import left at its preview, or failed): its work is dropped."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._finish()


class _Units:
    """The texts to send, unit by unit: the sender takes them one unit at a time (the helper reads
    the next once it has searched the last), the import may take back those not sent yet."""

    def __init__(self, items: list[Item]):
        self._lock = threading.Lock()
        self.by_unit: dict[str, list[tuple[int, str, int | None]]] = {}
        for i, (content, unit, before) in enumerate(items):
            if unit and content:
                self.by_unit.setdefault(unit, []).append((i, content, before))
        self.names = set(self.by_unit)

    def next(self) -> tuple[str, list] | None:
        with self._lock:
            return self.by_unit.popitem() if self.by_unit else None

    def take_back(self) -> list[int]:
        """The item numbers not sent yet; none is sent after this."""
        with self._lock:
            left, self.by_unit = self.by_unit, {}
        return [i for texts in left.values() for i, _, _ in texts]


def _send(stream: IO[bytes], units: _Units) -> None:
    """The texts, after the request (path, threshold) sent at the start: the units, then each unit's
    texts as (unit, [(item number, content as UTF-8, before batch no)]), then None. The helper holds one
    unit's texts at a time."""
    try:
        pickle.dump(units.names, stream, protocol=pickle.HIGHEST_PROTOCOL)
        while (unit_texts := units.next()) is not None:  # the texts as UTF-8 bytes: pickling a str leaves a
            unit, texts = unit_texts  # UTF-8 copy cached in it (~48 MB of 100,000 complaints, held to the end)
            pickle.dump((unit, [(i, content.encode(), before) for i, content, before in texts]), stream,
                        protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(None, stream)
    except (OSError, ValueError):  # the helper is gone: the reader reports it
        pass
    finally:  # (also after any other error here: the helper then reads the end of its input and says so)
        try:
            stream.close()
        except (OSError, ValueError):
            pass


def _receive(stream: IO[bytes], messages: queue.Queue) -> None:
    """Every message of the helper, then (at its end) an error saying it ended."""
    try:
        while True:
            messages.put(pickle.load(stream))
    except EOFError:
        messages.put(RuntimeError("the helper process ended"))
    except Exception as exc:  # noqa: BLE001 - a damaged stream: the search runs here
        messages.put(RuntimeError(f"the helper's answer could not be read: {exc}"))
    finally:
        stream.close()


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The helper: take the request, pin a snapshot, say ready, search unit by unit as the texts
    come, answer the candidates ({item number: candidates}, only those with some) and its usage.

    Without the cyclic garbage collector: the bigram sets are tens of thousands of containers that
    a collection would walk again and again (a sixth of the search), and nothing here makes cycles;
    the process ends once it has answered."""
    gc.disable()
    path, threshold = pickle.load(stdin)
    store = Store(path, operator="repeats")
    try:
        store.conn.execute("PRAGMA cache_size=-2048")  # each pool is read once: SQLite's default 2 MB of pages
        store.conn.execute("BEGIN")  # a read transaction: the petitions as they are now, whatever is committed later
        store.conn.execute("SELECT count(*) FROM batches").fetchone()
        _say(stdout, "ready")
        units = pickle.load(stdin)  # (a plan dropped before its texts kills this process instead)
        finder = RepeatFinder(store, threshold=threshold)
        finder.prefetch(units)
        found: dict[int, list[RepeatCandidate]] = {}
        while (message := pickle.load(stdin)) is not None:
            unit, texts = message
            for (i, _, _), candidates in zip(texts, finder.find_many([(c.decode(), unit, b) for _, c, b in texts],
                                                                      release=True)):
                if candidates:
                    found[i] = candidates
        _say(stdout, (found, _usage()))
    finally:
        store.close()


def _usage() -> dict:
    """The helper's own CPU seconds and peak memory (VmHWM, MB; Linux), for the benchmark."""
    usage: dict = {"cpu_s": round(time.process_time(), 3)}
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    usage["peak_mb"] = round(int(line.split()[1]) / 1024)
    except (OSError, ValueError, IndexError):  # not Linux
        pass
    return usage


def _say(stdout: IO[bytes], message: object) -> None:
    pickle.dump(message, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()

