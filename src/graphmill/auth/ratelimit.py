"""Failed-login limits, per account and per client address, over a sliding window.

After ``max_failures`` failed logins within ``window_s`` seconds, further attempts for
that account (from anywhere) or from that address (for any account) are refused with
:class:`~graphmill.errors.TooManyRequests` until the oldest failure leaves the window —
before any password is hashed, so a flood costs the server almost nothing.

An attempt counts as a failure from the moment it is admitted (:meth:`LoginLimiter.admit`),
so many concurrent attempts cannot all slip in before the first is judged; a successful one
takes its own mark back and clears the account's failures (not the address's other marks:
one right password must not reopen an address that is guessing others).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from graphmill.errors import TooManyRequests

#: Keys remembered at most; the oldest are forgotten first (a flood of made-up user names
#: must not grow memory without bound).
MAX_KEYS = 100_000


class LoginLimiter:
    def __init__(
        self, max_failures: int, window_s: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, user: str, address: str) -> None:
        """Raise TooManyRequests when the account or the address is over its limit."""
        now = self._clock()
        with self._lock:
            wait = max(self._wait(f"user:{user}", now), self._wait(f"addr:{address}", now))
        if wait > 0:
            raise TooManyRequests(
                "too many failed logins for this account or from this address; try again later "
                "(GRAPHMILL_LOGIN_MAX_FAILURES, GRAPHMILL_LOGIN_WINDOW_S)",
                retry_after_s=max(1, math.ceil(wait)),
            )

    def admit(self, user: str, address: str) -> float:
        """Check the limits and count this attempt as failed until :meth:`succeeded` says otherwise."""
        self.check(user, address)
        now = self._clock()
        with self._lock:
            for key in (f"user:{user}", f"addr:{address}"):
                times = self._failures.pop(key, None) or deque(maxlen=self.max_failures)
                times.append(now)
                self._failures[key] = times  # re-inserted: most recent last
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]
        return now

    def succeeded(self, user: str, address: str, mark: float) -> None:
        with self._lock:
            self._failures.pop(f"user:{user}", None)
            times = self._failures.get(f"addr:{address}")
            if times is not None and mark in times:
                times.remove(mark)

    def _wait(self, key: str, now: float) -> float:
        times = self._failures.get(key)
        if times is None or len(times) < self.max_failures:
            return 0.0
        return times[0] + self.window_s - now
