"""The virtual clock: follows real time, or stands still, and only a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mock_server.core.clock import EARLIEST, LATEST, ClockOutOfRange, VirtualClock, check_in_range, format_utc, to_utc

START = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)


class FakeTime:
    """Real time as the clock sees it, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_clock_given_an_instant_is_frozen_there() -> None:
    real = FakeTime()
    clock = VirtualClock(START, source=real)
    real.now += 3600

    assert clock.frozen and clock.now() == START


def test_advance_moves_a_frozen_clock_and_keeps_it_frozen() -> None:
    clock = VirtualClock(START, source=FakeTime())

    clock.advance(90)

    assert clock.now() == START + timedelta(seconds=90) and clock.frozen


def test_a_running_clock_keeps_running_from_where_it_was_set() -> None:
    real = FakeTime()
    clock = VirtualClock(START, frozen=False, source=real)
    real.now += 5

    assert clock.now() == START + timedelta(seconds=5)
    clock.advance(60)
    real.now += 1
    assert clock.now() == START + timedelta(seconds=66)


def test_set_can_freeze_and_release_without_jumping() -> None:
    real = FakeTime()
    clock = VirtualClock(source=real)
    before = clock.now()

    clock.set(frozen=True)
    real.now += 10
    assert clock.now() == before
    clock.set(frozen=False)
    real.now += 2
    assert clock.now() == before + timedelta(seconds=2)


def test_a_clock_never_goes_back_by_advance() -> None:
    clock = VirtualClock(START, source=FakeTime())

    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.now() == START


def test_naive_instants_are_utc_and_formatting_is_codats() -> None:
    naive = datetime(2026, 3, 18, 9, 0)

    assert to_utc(naive) == START
    assert format_utc(START + timedelta(microseconds=123456)) == "2026-03-18T09:00:00.123Z"



def test_a_clock_set_past_its_range_is_refused_and_does_not_move() -> None:
    clock = VirtualClock(datetime(2026, 3, 18, tzinfo=UTC), source=lambda: 0.0)
    for far in (datetime(9999, 12, 31, tzinfo=UTC), datetime(1899, 12, 31, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=5)))):
        with pytest.raises(ClockOutOfRange):
            clock.set(far)
    with pytest.raises(ClockOutOfRange):
        clock.advance((LATEST - EARLIEST).total_seconds())
    assert clock.now() == datetime(2026, 3, 18, tzinfo=UTC)
    clock.set(LATEST)
    assert check_in_range(EARLIEST) == EARLIEST and clock.now() == LATEST
