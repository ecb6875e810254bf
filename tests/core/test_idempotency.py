"""The idempotency records on their own: claim, keep, replay, mismatch, busy, release, lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mock_server.core.idempotency import KEPT_FOR, Fingerprint, IdempotencyKeys, KeptAnswer, is_guid

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
PUSH = Fingerprint.of("POST", "/companies/c/push", b'{"a": 1}')
ANSWER = KeptAnswer(200, ((b"content-type", b"application/json"),), b'{"id": "p1"}')


def test_a_key_runs_once_then_replays_its_kept_answer() -> None:
    keys = IdempotencyKeys()

    assert keys.claim("k", PUSH, NOW).kind == "run"
    assert keys.claim("k", PUSH, NOW).kind == "busy"
    keys.keep("k", ANSWER, NOW)
    replay = keys.claim("k", PUSH, NOW + KEPT_FOR - timedelta(seconds=1))

    assert (replay.kind, replay.answer) == ("replay", ANSWER)


def test_another_body_method_or_target_is_a_mismatch_even_while_in_flight() -> None:
    keys = IdempotencyKeys()
    keys.claim("k", PUSH, NOW)

    for other in (
        Fingerprint.of("POST", "/companies/c/push", b'{"a":1}'),  # the bytes differ
        Fingerprint.of("PATCH", "/companies/c/push", b'{"a": 1}'),
        Fingerprint.of("POST", "/companies/d/push", b'{"a": 1}'),
    ):
        assert keys.claim("k", other, NOW).kind == "mismatch"


def test_a_released_key_runs_afresh_and_a_lapsed_one_is_forgotten() -> None:
    keys = IdempotencyKeys()
    keys.claim("released", PUSH, NOW)
    keys.release("released")
    keys.claim("lapsed", PUSH, NOW)
    keys.keep("lapsed", ANSWER, NOW)

    assert keys.claim("released", PUSH, NOW).kind == "run"
    assert keys.claim("lapsed", PUSH, NOW + KEPT_FOR).kind == "run"
    assert len(keys) == 2


def test_release_never_drops_a_kept_answer() -> None:
    keys = IdempotencyKeys()
    keys.claim("k", PUSH, NOW)
    keys.keep("k", ANSWER, NOW)
    keys.release("k")

    assert keys.claim("k", PUSH, NOW).kind == "replay"


def test_only_the_8_4_4_4_12_form_is_a_guid() -> None:
    assert is_guid("3FA85F64-5717-4562-b3fc-2c963f66afa6")
    assert not is_guid("3fa85f6457174562b3fc2c963f66afa6")
    assert not is_guid("{3fa85f64-5717-4562-b3fc-2c963f66afa6}")
    assert not is_guid("retry-1")
