"""Fault injection: chosen public calls fail or slow down, for the next N calls or by a seeded chance."""

from __future__ import annotations

import base64
import random
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server import BankFeedsMock, Settings
from mock_server.devkit.faults import FaultPlan
from tests.support import NOW, World, make_client, txn


def _faults(client: TestClient, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    answer = client.put("/_mock/faults", json={"rules": list(rules)})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["rules"])


def test_the_next_n_calls_answer_429_with_retry_after_then_the_api_answers_again(client: TestClient) -> None:
    _faults(client, {"operationId": "list-companies", "status": 429, "retryAfter": 3, "times": 2})

    answers = [client.get("/companies") for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "3"
    body = answers[0].json()
    assert (body["statusCode"], body["canBeRetried"]) == (429, "True")
    assert "fault-1" in body["error"]
    [rule] = client.get("/_mock/faults").json()["rules"]
    assert (rule["fired"], rule["remaining"]) == (2, 0)


@pytest.mark.parametrize("status", [408, 500, 503])
def test_each_injected_status_comes_in_codats_error_envelope(client: TestClient, status: int) -> None:
    _faults(client, {"operationId": "create-company", "status": status})

    answer = client.post("/companies", json={"name": "Never created"})

    assert answer.status_code == status
    assert answer.json()["statusCode"] == status and answer.json()["canBeRetried"] == "True"
    assert "retry-after" not in answer.headers
    client.delete("/_mock/faults")
    assert client.get("/companies").json()["totalResults"] == 0  # the faulted call did not run


def test_a_429_rule_without_retry_after_sends_one_second(client: TestClient) -> None:
    _faults(client, {"operationId": "list-companies", "status": 429})

    assert client.get("/companies").headers["retry-after"] == "1"


def test_a_path_template_and_method_pick_the_calls(client: TestClient, world: World) -> None:
    company = world.company()
    _faults(client, {"path": "/companies/{companyId}", "method": "patch", "status": 503})

    assert client.patch(f"/companies/{company}", json={"name": "Renamed"}).status_code == 503
    assert client.get(f"/companies/{company}").status_code == 200
    assert client.get("/companies").status_code == 200


def test_latency_delays_the_answer_without_changing_it(client: TestClient) -> None:
    _faults(client, {"operationId": "list-companies", "latencyMs": 50, "times": 1})

    answer = client.get("/companies")

    assert answer.status_code == 200
    entry = client.get("/_mock/requests").json()["requests"][0]
    assert entry["fault"] == "fault-1" and entry["durationMs"] >= 50


def test_control_calls_and_other_tenants_are_never_faulted(client: TestClient) -> None:
    _faults(client, {"path": "/companies", "status": 500})

    assert client.get("/_mock/clock").status_code == 200
    with make_client(key="another-tenant") as other:
        assert other.get("/companies").status_code == 200
    assert client.get("/companies").status_code == 500


def test_rules_that_could_never_fire_are_refused(client: TestClient) -> None:
    unknown = client.put("/_mock/faults", json={"rules": [{"operationId": "no-such-operation", "status": 500}]})
    control = client.put("/_mock/faults", json={"rules": [{"path": "/_mock/clock", "status": 500}]})
    shapeless = client.put("/_mock/faults", json={"rules": [{"operationId": "list-companies"}]})
    teapot = client.put("/_mock/faults", json={"rules": [{"operationId": "list-companies", "status": 418}]})

    assert [a.status_code for a in (unknown, control, shapeless, teapot)] == [400, 400, 400, 400]
    assert "no-such-operation" in unknown.json()["error"]
    assert client.get("/_mock/faults").json() == {"rules": []}


def test_post_adds_a_rule_and_reset_removes_them_all(client: TestClient) -> None:
    _faults(client, {"operationId": "list-companies", "status": 500, "times": 1})
    added = client.post("/_mock/faults", json={"operationId": "create-company", "status": 503})

    assert [r["id"] for r in added.json()["rules"]] == ["fault-1", "fault-2"]
    client.post("/_mock/reset")
    assert client.get("/_mock/faults").json() == {"rules": []}
    assert client.get("/companies").status_code == 200


def _hits(seed: int | None, rule_seed: int | None = None) -> list[int]:
    settings = Settings(clock=NOW, background_ticks=False, seed=seed)
    with make_client(settings) as client:
        rule: dict[str, Any] = {"operationId": "list-companies", "status": 503, "probability": 0.5}
        if rule_seed is not None:
            rule["seed"] = rule_seed
        _faults(client, rule)
        return [client.get("/companies").status_code for _ in range(20)]


def test_a_probability_is_drawn_the_same_way_under_the_same_seed() -> None:
    first, again, other = _hits(seed=5), _hits(seed=5), _hits(seed=6)

    assert first == again
    assert set(first) == {200, 503} and first != other
    assert _hits(seed=None, rule_seed=42) == _hits(seed=1, rule_seed=42)


def test_the_first_rule_that_fires_wins_and_spent_rules_step_aside() -> None:
    plan = FaultPlan(random.Random(0))
    plan.replace(
        [
            {"operationId": "list-companies", "status": 429, "times": 1},
            {"path": "/companies", "method": "GET", "status": 503, "times": 1},
        ]
    )

    picked = [plan.pick("list-companies", "GET", "/companies") for _ in range(3)]

    assert [rule.status if rule else None for rule in picked] == [429, 503, None]
    assert plan.pick("create-company", "POST", "/companies") is None
    assert not plan  # every rule spent


codat_bankfeeds = pytest.importorskip("codat_bankfeeds", reason="the official SDK is in the dev extras")
from codat_bankfeeds import CodatBankFeeds  # noqa: E402
from codat_bankfeeds.models import shared  # noqa: E402
from codat_bankfeeds.utils import BackoffStrategy, RetryConfig  # noqa: E402


def test_the_official_sdk_rides_out_a_429_and_a_503_and_the_write_succeeds() -> None:
    auth = "Basic " + base64.b64encode(b"sdk-faults").decode()
    with BankFeedsMock(Settings(clock=NOW, seed=3)) as mock, httpx.Client(
        base_url=mock.url, headers={"Authorization": auth}
    ) as control:
        world = World(control)  # type: ignore[arg-type]  # an httpx.Client: the same calls as a TestClient
        company, connection, account = world.linked_account()
        control.put(
            "/_mock/faults",
            json={
                "rules": [
                    {"operationId": "create-bank-transactions", "status": 429, "retryAfter": 1, "times": 1},
                    {"operationId": "create-bank-transactions", "status": 503, "times": 1},
                ]
            },
        ).raise_for_status()
        # The SDK's own retry loop (408, 429, 5XX; Retry-After honoured up to max_interval), with
        # short waits so the test stays quick.
        retries = RetryConfig("backoff", BackoffStrategy(10, 100, 1.5, 10_000), False)
        sdk = CodatBankFeeds(server_url=mock.url, security=shared.Security(auth_header=auth), retry_config=retries)

        written = sdk.transactions.create(
            request={
                "company_id": company,
                "connection_id": connection,
                "account_id": account,
                "create_bank_transactions": {"account_id": account, "transactions": [txn("t1", "2026-03-17", 12.5)]},
            }
        )

        journal = control.get("/_mock/requests", params={"operationId": "create-bank-transactions"}).json()["requests"]
    assert written.status_code == 202 and written.push_operation_key
    assert [(e["status"], e["fault"]) for e in journal] == [(200, None), (503, "fault-2"), (429, "fault-1")]
    assert journal[2]["response"]["headers"]["retry-after"] == "1"
