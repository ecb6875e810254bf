"""Codat's client rate limits as a record: a daily quota, and requests in flight per company.

Codat's "Rate limits" page: a client may make ``1,000 + 1,000 x ACCs`` requests a day, where an
ACC (active connected company) has a linked connection; the day resets at 00:00 UTC; and each ACC
may have 10 requests running at once. Past either limit Codat answers 429 with ``Retry-After``,
and every answer carries ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset``.

Here the base (1,000) is a setting, the day is the tenant's virtual day, and an ACC is a company
with at least one ``Linked`` connection (:meth:`Tenant.active_connected_companies`). A request not about one company (``/companies`` itself)
draws on the client's own pool of 10, the ``1 +`` of the daily formula. A refused request uses up
nothing.

The moments Codat announces by webhook are explicit: :meth:`Quota.admit` and :meth:`Quota.roll`
return :class:`Transition` records (``client.rateLimit.reached`` the first time a day's quota
refuses a request, ``client.rateLimit.reset`` at the midnight after such a day), which the shell
raises as webhook events. Pure: "now" is always an argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mock_server.core.clock import format_utc, to_utc
from mock_server.core.webhooks.catalogue import CLIENT_RATE_LIMIT_REACHED, CLIENT_RATE_LIMIT_RESET

__all__ = [
    "CONCURRENCY_RETRY_AFTER",
    "DEFAULT_DAILY_BASE",
    "IN_FLIGHT_LIMIT",
    "REACHED",
    "RESET",
    "Admission",
    "Allowance",
    "Quota",
    "Transition",
    "next_reset",
]

DEFAULT_DAILY_BASE = 1000
#: Requests running at once for one company, or for the client's calls about no company.
IN_FLIGHT_LIMIT = 10
#: Retry-After, in seconds, of a request refused for concurrency (mock decision: the calls it
#: waits for are short, so one second).
CONCURRENCY_RETRY_AFTER = 1

REACHED = CLIENT_RATE_LIMIT_REACHED
RESET = CLIENT_RATE_LIMIT_RESET


def next_reset(now: datetime) -> datetime:
    """The first 00:00 UTC after ``now``."""
    day = to_utc(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


# Allowance and Admission are made on every public call, and never changed after: plain slotted
# dataclasses, as a frozen one costs three times as much to make.


@dataclass(slots=True)
class Allowance:
    """What the rate-limit headers say: the day's quota, what is left of it, the next reset."""

    limit: int
    remaining: int
    reset: datetime


@dataclass(frozen=True, slots=True)
class Transition:
    """A moment Codat announces by webhook, with the payload it sends."""

    event: str  # REACHED or RESET
    at: datetime
    daily_quota: int
    quota_remaining: int
    expiry: datetime

    def payload(self) -> dict[str, Any]:
        return {
            "dailyQuota": self.daily_quota,
            "quotaRemaining": self.quota_remaining,
            "expiryDate": format_utc(self.expiry),
        }


@dataclass(slots=True)
class Admission:
    """The verdict on one request: admitted (and holding a slot until released) or refused."""

    allowance: Allowance
    #: The in-flight pool the request holds: a company id, or None for the client's own pool.
    pool: str | None
    #: None when admitted; "quota" or "concurrency" when refused.
    refused: str | None = None
    #: Seconds to wait before trying again, when refused.
    retry_after: int = 0
    transitions: tuple[Transition, ...] = ()

    @property
    def admitted(self) -> bool:
        return self.refused is None


class Quota:
    """One client's day of requests and its requests in flight."""

    __slots__ = ("_in_flight", "base", "reached", "reset_at", "used")

    def __init__(self, base: int, now: datetime) -> None:
        if base < 1:
            raise ValueError("the daily quota base must be at least 1")
        self.base = base
        self.used = 0
        self.reset_at = next_reset(now)
        #: Whether today's quota has refused a request (so midnight announces a reset).
        self.reached = False
        self._in_flight: dict[str | None, int] = {}

    def limit(self, active: int) -> int:
        """``base x (1 + ACCs)``."""
        return self.base * (1 + active)

    def in_flight(self, pool: str | None = None) -> int:
        return self._in_flight.get(pool, 0)

    @property
    def in_flight_total(self) -> int:
        return sum(self._in_flight.values())

    def allowance(self, active: int) -> Allowance:
        limit = self.limit(active)
        return Allowance(limit, max(0, limit - self.used), self.reset_at)

    def roll(self, now: datetime, active: int) -> Transition | None:
        """Start a new day once ``now`` passed the reset; the reset's Transition after a day that
        reached its quota. A clock that jumped several days resets once, at the first midnight."""
        if now < self.reset_at:
            return None
        was_reached, at = self.reached, self.reset_at
        self.used, self.reached, self.reset_at = 0, False, next_reset(now)
        if not was_reached:
            return None
        limit = self.limit(active)
        return Transition(RESET, at, limit, limit, self.reset_at)

    def admit(self, now: datetime, active: int, pool: str | None) -> Admission:
        """Count a request against the day and hold an in-flight slot in ``pool``, or refuse it.

        An admitted request must be :meth:`release`-d with the same pool once answered.
        """
        transitions: tuple[Transition, ...] = ()
        if now >= self.reset_at:
            rolled = self.roll(now, active)
            transitions = (rolled,) if rolled is not None else ()
        limit = self.base * (1 + active)
        if self.used >= limit:
            if not self.reached:
                self.reached = True
                transitions += (Transition(REACHED, now, limit, 0, self.reset_at),)
            wait = max(1, math.ceil((self.reset_at - now).total_seconds()))
            return Admission(self.allowance(active), pool, "quota", wait, transitions)
        held = self._in_flight.get(pool, 0)
        if held >= IN_FLIGHT_LIMIT:
            return Admission(self.allowance(active), pool, "concurrency", CONCURRENCY_RETRY_AFTER, transitions)
        self.used += 1
        self._in_flight[pool] = held + 1
        # The common case, spelt out: limit - used >= 0 here, as used was below the limit.
        return Admission(Allowance(limit, limit - self.used, self.reset_at), pool, None, 0, transitions)

    def release(self, pool: str | None) -> None:
        """An admitted request of ``pool`` has been answered."""
        left = self._in_flight.get(pool, 0) - 1
        if left > 0:
            self._in_flight[pool] = left
        else:
            self._in_flight.pop(pool, None)
