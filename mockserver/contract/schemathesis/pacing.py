"""How fast a run sends, and what it does when the target says "too many requests".

Every request of a run (the credentials check, the survey, the edge requests, Schemathesis's cases and probes, the
checks' follow-ups) goes through the run's session, and the session asks its :class:`Pacer` for a turn first:

- ``--rate-limit 15/s`` (``st run``'s syntax, parsed by Schemathesis's own parser) is enforced by the same library
  Schemathesis's limiter is built on (``pyrate_limiter``), with two rates: the one asked for, and one request per
  interval/limit, so that the requests are spread evenly rather than sent in a burst at the start of each window.
- A 429, or a 503 with ``Retry-After``, closes the gate for every thread until the wait it names is over (at most
  60 s, Schemathesis's own bound; 1 s when a 429 names none), and slows the whole run down: from then on requests
  are spaced to a little less than the rate the target accepted over the last second, and the spacing shrinks again,
  slowly, with each answer that is not throttled. The request is then sent again, at most ``retries`` times; an
  answer still throttled after them is handed back marked :func:`given_up`, so that nothing judges it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyrate_limiter import Limiter, Rate
from schemathesis.core.errors import InvalidRateLimit
from schemathesis.core.rate_limit import (
    RATE_LIMIT_AUTO_MAX_RETRIES,
    RATE_LIMIT_AUTO_MAX_WAIT,
    parse_retry_after,
    parse_units,
)

__all__ = ["Pacer", "PacingStats", "given_up", "parse_rate_limit", "throttle_wait", "throttled_line"]

RETRIES = RATE_LIMIT_AUTO_MAX_RETRIES  # Schemathesis's own, for "auto"
DEFAULT_WAIT = 1.0  # seconds, for a 429 that names no Retry-After
SLOWER = 0.8  # after a throttled answer: this share of the rate the target accepted over the last second
FASTER = 0.98  # after each accepted answer, the spacing shrinks by this factor
GIVE_UP_RUN = 5  # requests given up in a row: the target throttles everything, the run stops (exit 2)
_GIVEN_UP = "_mockserver_given_up"


def throttled_line(target: str, status: int) -> str:
    return (
        f"throttled: {target} still answered {status} after {RETRIES} retries, each after the wait it asked for "
        "(Retry-After): slow the run down with --rate-limit (e.g. 5/s), or ask for a higher limit"
    )


def parse_rate_limit(text: str) -> tuple[int, int]:
    """``15/s``, ``100/m``, ``1000/h``, ``5000/d`` (``st run --rate-limit``): (requests, milliseconds); ValueError
    when it is not one."""
    try:
        limit, duration = parse_units(text.strip())
    except InvalidRateLimit:
        raise ValueError(f"{text!r} is not a rate such as 15/s, 100/m, 1000/h or 5000/d") from None
    if limit < 1:
        raise ValueError(f"{text!r}: the number of requests must be at least 1")
    return limit, int(duration.value)


def _limiter(text: str) -> Limiter:
    limit, interval = parse_rate_limit(text)
    spacing = interval // limit
    rates = [Rate(limit, interval)] if limit == 1 or spacing < 1 else [Rate(1, spacing), Rate(limit, interval)]
    return Limiter(rates, buffer_ms=1)


def throttle_wait(status: int, headers: Any) -> float | None:
    """Seconds to wait before asking again, when the answer says the target is throttling: a 429 (its
    ``Retry-After``, else DEFAULT_WAIT), or a 503 with a ``Retry-After``; None for any other answer."""
    if status not in (429, 503):
        return None
    named = parse_retry_after(str(headers.get("retry-after") or ""))
    if named is None:
        return DEFAULT_WAIT if status == 429 else None
    return named


def given_up(response: Any) -> bool:
    """Whether ``response`` (requests' or Schemathesis's, which keeps the request) is still throttled after every
    retry: nothing may be judged from it."""
    return bool(getattr(response, _GIVEN_UP, False) or getattr(getattr(response, "request", None), _GIVEN_UP, False))


def mark_given_up(response: Any) -> None:
    setattr(response, _GIVEN_UP, True)
    if response.request is not None:
        setattr(response.request, _GIVEN_UP, True)


@dataclass
class PacingStats:
    """What the pacing did in a run: answers waited out and sent again, and requests given up."""

    retried: int = 0  # throttled answers that were waited out and their request sent again
    given_up: int = 0  # requests still throttled after their retries (nothing judged from them)
    waited: float = 0.0  # seconds the gate was closed by Retry-After, in all


@dataclass
class Pacer:
    """The turns of one run's requests; shared by every thread of the run."""

    rate_limit: str | None = None  # st run's syntax; None: adaptive only
    retries: int = RETRIES
    max_wait: float = float(RATE_LIMIT_AUTO_MAX_WAIT)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    stats: PacingStats = field(default_factory=PacingStats)
    _limiter: Limiter | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _resume_at: float = field(default=0.0, init=False)  # the gate is closed until then (Retry-After)
    _next_at: float = field(default=0.0, init=False)  # the adaptive pace's next turn
    _spacing: float = field(default=0.0, init=False)  # seconds between turns; 0: not slowed down
    _accepted: deque[float] = field(default_factory=deque, init=False, repr=False)  # when answers were accepted
    _given_up_cases: set[str] = field(default_factory=set, init=False, repr=False)
    _in_a_row: int = field(default=0, init=False)  # requests given up since the last accepted answer

    def __post_init__(self) -> None:
        if self.rate_limit is not None:
            self._limiter = _limiter(self.rate_limit)

    @property
    def spacing(self) -> float:
        return self._spacing

    def turn(self) -> None:
        """Wait for this request's turn: the gate open, the adaptive pace's slot, and the rate limit's."""
        with self._lock:
            now = self.clock()
            start = max(now, self._resume_at, self._next_at)
            self._next_at = start + self._spacing
        if start > now:
            self.sleep(start - now)
        if self._limiter is not None:
            self._limiter.try_acquire("target")

    def accepted(self) -> None:
        """An answer that was not throttled: the pace may quicken a little."""
        with self._lock:
            now = self.clock()
            self._accepted.append(now)
            self._in_a_row = 0
            while self._accepted and self._accepted[0] < now - 1.0:
                self._accepted.popleft()
            self._spacing *= FASTER
            if self._spacing < 0.001:
                self._spacing = 0.0

    def throttled(self, wait: float) -> None:
        """A throttled answer naming ``wait`` seconds: close the gate that long, and slow the whole run down."""
        wait = min(max(wait, 0.0), self.max_wait)
        with self._lock:
            now = self.clock()
            if now + wait > self._resume_at:
                self.stats.waited += now + wait - max(self._resume_at, now)
                self._resume_at = now + wait
            recent = sum(1 for t in self._accepted if t >= now - 1.0)
            slower = 1.0 / (SLOWER * recent) if recent else max(2 * self._spacing, 0.1)
            self._spacing = max(self._spacing, slower)

    def retried(self) -> None:
        with self._lock:
            self.stats.retried += 1

    def gave_up(self) -> None:
        with self._lock:
            self.stats.given_up += 1
            self._in_a_row += 1

    @property
    def persistent(self) -> bool:
        """Whether the target has throttled every request for a while, retries included: the run cannot go on."""
        return self._in_a_row >= GIVE_UP_RUN

    def mark_case(self, case_id: str) -> None:
        """Schemathesis's case ``case_id`` got an answer still throttled after its retries."""
        with self._lock:
            self._given_up_cases.add(case_id)

    def case_given_up(self, case_id: str) -> bool:
        """Whether the request of Schemathesis's case ``case_id`` was still throttled after its retries."""
        with self._lock:
            return case_id in self._given_up_cases
