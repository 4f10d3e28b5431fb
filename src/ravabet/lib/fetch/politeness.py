"""Per-host politeness inside one process: a concurrency limit and a minimum start interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class HostBusyError(TimeoutError):
    """The host had no free slot within the time the caller was willing to wait."""


@dataclass
class _Host:
    in_flight: int = 0
    last_start: float = float("-inf")


class HostGate:
    """Lets at most ``max_concurrent`` fetches run per host, starting ``min_interval`` apart."""

    def __init__(self, *, max_concurrent: int = 2, min_interval: float = 1.0) -> None:
        if max_concurrent < 1 or min_interval < 0:
            raise ValueError("max_concurrent must be at least 1 and min_interval not negative")
        self._max = max_concurrent
        self._interval = min_interval
        self._hosts: dict[str, _Host] = {}
        self._cond = threading.Condition()

    def acquire(self, host: str, *, timeout: float | None = None) -> None:
        """Wait for a slot on ``host``; ``timeout=0`` never waits. Raises HostBusyError."""
        key = host.lower().rstrip(".")
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                state = self._hosts.setdefault(key, _Host())
                now = time.monotonic()
                interval_left = state.last_start + self._interval - now
                if state.in_flight < self._max and interval_left <= 0:
                    state.in_flight += 1
                    state.last_start = now
                    return
                wait = interval_left if state.in_flight < self._max else None
                if end is not None:
                    if end - now <= 0:
                        raise HostBusyError(key)
                    wait = end - now if wait is None else min(wait, end - now)
                self._cond.wait(wait)

    def release(self, host: str) -> None:
        """Give back a slot taken by ``acquire``."""
        key = host.lower().rstrip(".")
        with self._cond:
            state = self._hosts[key]
            state.in_flight -= 1
            self._forget_idle(time.monotonic())
            self._cond.notify_all()

    @contextmanager
    def slot(self, host: str, *, timeout: float | None = None) -> Iterator[None]:
        """Hold a slot on ``host`` for the duration of the block."""
        self.acquire(host, timeout=timeout)
        try:
            yield
        finally:
            self.release(host)

    def _forget_idle(self, now: float) -> None:
        # A host with nothing in flight and its interval over constrains nobody: drop it so the
        # table stays as small as the set of hosts being fetched right now.
        idle = [
            key
            for key, state in self._hosts.items()
            if not state.in_flight and state.last_start + self._interval <= now
        ]
        for key in idle:
            del self._hosts[key]
