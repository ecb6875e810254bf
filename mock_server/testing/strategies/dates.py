"""Dates as clients write them, and the edges of the window QBO's date rules leave open.

QBO reads a transaction's date as local: the wall clock, any zone offset ignored. So
:func:`spellings` writes one local date-time every way QBO reads back as it (a date alone at
midnight, minutes to microseconds, any offset from :func:`zone_offsets`); :func:`local_datetimes`
and :func:`window_edges` lean on the edges where off-by-one bugs live (midnight, the last
microsecond of today, the first day of the window, the account's latest transaction).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from mock_server.core.rules import HISTORY_DAYS
from mock_server.testing.strategies.model import MICROSECOND, AccountState, end_of, midnight


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def zone_offsets() -> SearchStrategy[str]:
    """Zone designators a client may append to a date-time: none, ``Z``, or ``±hh:mm``.

    Offsets run from -12:00 to +14:00, the extremes in use on Earth, where a wall clock is
    furthest from UTC. QBO ignores them all.
    """
    return st.one_of(
        st.sampled_from(["", "Z", "-12:00", "+14:00", "-05:00", "+05:30", "+05:45", "+00:00"]),
        st.integers(-12 * 60, 14 * 60).map(_offset),
    )


def timespecs(local: datetime) -> list[str]:
    # Only the precisions that keep every digit of ``local``: the spelling must read back as it.
    if local.microsecond == 0:
        specs = ["seconds", "milliseconds", "microseconds"]
        return ["minutes", *specs] if local.second == 0 else specs
    if local.microsecond % 1000 == 0:
        return ["milliseconds", "microseconds"]
    return ["microseconds"]


def spellings(local: datetime, offsets: SearchStrategy[str] | None = None) -> SearchStrategy[str]:
    """ISO 8601 strings QBO reads as exactly the naive local date-time ``local``.

    A date alone when ``local`` is midnight; otherwise ``YYYY-MM-DDTHH:MM`` with seconds and a
    fraction as far as its precision needs, then any zone offset (``offsets``, default
    :func:`zone_offsets`), which does not change the meaning.
    """
    clock = st.sampled_from(timespecs(local)).map(lambda spec: local.isoformat(timespec=spec))
    written = st.tuples(clock, offsets if offsets is not None else zone_offsets()).map("".join)
    if local.time() == time(0):
        return st.one_of(st.just(local.date().isoformat()), written)
    return written


def local_datetimes(low: datetime, high: datetime) -> SearchStrategy[datetime]:
    """Naive local date-times from ``low`` to ``high`` inclusive, often exactly on an edge.

    Edges: both bounds, one microsecond inside each, the midnights and last seconds of the days
    in between. Also whole seconds and whole days, the precisions clients send most.
    """
    if low > high:
        raise ValueError(f"empty range of local date-times: {low} > {high}")
    edges = {low, high, min(low + MICROSECOND, high), max(high - MICROSECOND, low)}
    edges |= {midnight(high.date()), datetime.combine(low.date(), time(23, 59, 59))}
    if (high - low).days <= 3:
        day = low.date()
        while day <= high.date():
            edges |= {midnight(day), datetime.combine(day, time(23, 59, 59)), end_of(day)}
            day += timedelta(days=1)
    inside = sorted(edge for edge in edges if low <= edge <= high)

    def clamp(value: datetime) -> datetime:
        return max(low, min(high, value))

    anywhere = st.datetimes(min_value=low, max_value=high)
    return st.one_of(
        st.sampled_from(inside),
        anywhere,
        anywhere.map(lambda moment: clamp(moment.replace(microsecond=0))),
        st.dates(min_value=low.date(), max_value=high.date()).map(lambda day: clamp(midnight(day))),
    )


def window_edges(today: date, account: AccountState | None = None) -> SearchStrategy[datetime]:
    """Naive local date-times at the edges of what the date rules accept, on both sides.

    The first and last instants of the window (earliest allowed day, end of today), the instants
    just outside them, the account's latest transaction and just before it, and the midnight of
    that day. Check one with :func:`accepts_date`.
    """
    account = account or AccountState()
    first = midnight(account.earliest(today))
    edges = {
        first,
        first - MICROSECOND,
        first - timedelta(seconds=1),
        end_of(today),
        datetime.combine(today, time(23, 59, 59)),
        midnight(today + timedelta(days=1)),
        midnight(today - timedelta(days=HISTORY_DAYS + 1)),
    }
    if account.latest is not None:
        latest = account.latest
        edges |= {latest, latest - MICROSECOND, midnight(latest.date())}
    return st.sampled_from(sorted(edges))


def dates_around_window_edges(today: date, account: AccountState | None = None) -> SearchStrategy[str]:
    """:func:`window_edges` written as clients write them, with any zone offset (ignored by QBO).

    ``2026-03-18T23:59:59.999999-05:00`` is still today; ``2026-03-19T00:00:00+14:00`` is
    already tomorrow, though both are other days in UTC.
    """
    return window_edges(today, account).flatmap(spellings)
