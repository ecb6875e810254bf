"""The quota record on its own: counting, refusing, the midnight reset and the webhook moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mock_server.core.quotas import IN_FLIGHT_LIMIT, REACHED, RESET, Quota, next_reset

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 19, tzinfo=UTC)


def test_the_next_reset_is_the_coming_midnight_utc_even_at_midnight_itself() -> None:
    assert next_reset(NOW) == MIDNIGHT
    assert next_reset(MIDNIGHT) == MIDNIGHT + timedelta(days=1)


def test_the_quota_is_base_times_one_plus_active_companies_and_a_refusal_uses_nothing() -> None:
    quota = Quota(2, NOW)
    admitted = [quota.admit(NOW, 1, None) for _ in range(4)]
    refused = quota.admit(NOW, 1, None)

    assert all(a.admitted for a in admitted)
    assert [a.allowance.remaining for a in admitted] == [3, 2, 1, 0]
    assert (refused.refused, refused.retry_after, quota.used) == ("quota", 15 * 3600, 4)


def test_reached_is_announced_once_a_day_and_reset_at_the_midnight_after() -> None:
    quota = Quota(1, NOW)
    quota.admit(NOW, 0, None)
    first = quota.admit(NOW, 0, None)
    second = quota.admit(NOW, 0, None)
    after = quota.admit(MIDNIGHT + timedelta(hours=1), 0, None)

    assert [t.event for t in first.transitions] == [REACHED]
    assert first.transitions[0].payload() == {
        "dailyQuota": 1,
        "quotaRemaining": 0,
        "expiryDate": "2026-03-19T00:00:00.000Z",
    }
    assert second.transitions == ()
    [reset] = after.transitions
    assert (reset.event, reset.at, reset.quota_remaining, reset.expiry) == (RESET, MIDNIGHT, 1, MIDNIGHT + timedelta(days=1))
    assert after.admitted


def test_a_day_that_never_reached_its_quota_resets_quietly() -> None:
    quota = Quota(5, NOW)
    quota.admit(NOW, 0, None)

    assert quota.roll(MIDNIGHT, 0) is None
    assert quota.used == 0


def test_each_pool_holds_ten_in_flight_until_released() -> None:
    quota = Quota(1000, NOW)
    held = [quota.admit(NOW, 0, "c1") for _ in range(IN_FLIGHT_LIMIT)]
    refused = quota.admit(NOW, 0, "c1")
    other = quota.admit(NOW, 0, "c2")
    quota.release("c1")
    freed = quota.admit(NOW, 0, "c1")

    assert all(a.admitted for a in held) and other.admitted and freed.admitted
    assert (refused.refused, refused.retry_after) == ("concurrency", 1)
    assert quota.in_flight("c1") == IN_FLIGHT_LIMIT and quota.in_flight_total == IN_FLIGHT_LIMIT + 1
