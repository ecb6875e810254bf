"""Time, the only place it is read.

Every tenant has its own :class:`VirtualClock`: it follows real time (shifted by an offset)
until a test freezes, sets or advances it. Nothing else in the package calls ``datetime.now()``, and the
clock itself reads no time: real time comes in as ``source`` (``Settings.time_source``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive value is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, the way Codat writes its timestamps."""
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
        """Jump to ``now`` (default: stay), then freeze or let run (default: as before)."""
        target = to_utc(now) if now is not None else self.now()
        keep_frozen = self.frozen if frozen is None else frozen
        if keep_frozen:
            self._frozen_at = target
        else:
            self._frozen_at = None
            self._offset = target - self._real()

    def advance(self, seconds: float) -> None:
        """Move forward; a clock that runs keeps running from the new instant."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self.set(self.now() + timedelta(seconds=seconds))
