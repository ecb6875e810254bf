"""Time, the only place it is read.

Every tenant has its own :class:`VirtualClock`: it follows real time (shifted by an offset)
until a test freezes, sets or advances it. Nothing else in the package calls ``datetime.now()``, and the
clock itself reads no time: real time comes in as ``source`` (``Settings.time_source``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

#: The instants a virtual clock may show. Past them the emulator could not represent what it
#: schedules from "now" (a push timeout may run 2**31 minutes, about 4083 years; Python's dates
#: end in 9999), so a clock set or advanced beyond them is refused and left where it was.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(4999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


class ClockOutOfRange(ValueError):
    """An instant outside ``EARLIEST`` .. ``LATEST``: the clock did not move."""


def check_in_range(value: datetime) -> datetime:
    """``value`` as aware UTC, or ClockOutOfRange naming the bounds."""
    try:
        moment = to_utc(value)
    except OverflowError:  # a zone offset pushed it past year 1 or 9999
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise _out_of_range()
    return moment


def _out_of_range() -> ClockOutOfRange:
    return ClockOutOfRange(
        f"The virtual clock can show instants from {format_utc(EARLIEST)} to {format_utc(LATEST)} only."
    )


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive value is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@lru_cache(maxsize=4096)
def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the way Codat writes its timestamps.

    Cached: a record's timestamps are written on every read of it (isoformat is the dearest part
    of a company's view), and a datetime is immutable, so the same instant always reads the same.
    """
    return to_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class VirtualClock:
    """A clock that can follow real time, be frozen, set and advanced."""

    def __init__(
        self,
        start: datetime | None = None,
        *,
        frozen: bool | None = None,
        source: Callable[[], float],
    ) -> None:
        self._source = source
        self._frozen_at: datetime | None = None
        self._offset = timedelta(0)
        if start is not None:
            self.set(start, frozen=True if frozen is None else frozen)
        elif frozen:
            self._frozen_at = self._real()

    def _real(self) -> datetime:
        return datetime.fromtimestamp(self._source(), UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._real() + self._offset

    def set(self, now: datetime | None = None, *, frozen: bool | None = None) -> None:
        """Jump to ``now`` (default: stay), then freeze or let run (default: as before).

        ClockOutOfRange, and nothing changed, for an instant outside ``EARLIEST`` .. ``LATEST``.
        """
        target = check_in_range(now) if now is not None else self.now()
        keep_frozen = self.frozen if frozen is None else frozen
        if keep_frozen:
            self._frozen_at = target
        else:
            self._frozen_at = None
            self._offset = target - self._real()

    def advance(self, seconds: float) -> None:
        """Move forward; a clock that runs keeps running from the new instant.

        ClockOutOfRange, and nothing changed, when that would pass ``LATEST``.
        """
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        now = self.now()
        if seconds > (LATEST - now).total_seconds():
            raise _out_of_range()
        self.set(now + timedelta(seconds=seconds))
