"""The simulated QBO company's chart of bank accounts: seeded, listed, extended by a push."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, World, make_client


def _base(world: World) -> str:
    company = world.company()
    return f"/companies/{company}/connections/{world.connection(company)}"


def _chart(client: TestClient, base: str) -> list[dict[str, Any]]:
    response = client.get(base + "/data/bankAccounts")
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _seeded_chart(seed: int) -> list[dict[str, Any]]:
    with make_client(Settings(clock=NOW, background_ticks=False, seed=seed)) as client:
        return _chart(client, _base(World(client)))


def test_a_new_connection_brings_a_qbo_company_with_bank_accounts(client: TestClient, world: World) -> None:
    chart = _chart(client, _base(world))

    assert 3 <= len(chart) <= 5
    assert chart[0]["accountName"] == "Business Checking"
    assert {a["currency"] for a in chart} == {"USD"}
    assert all(a["status"] == "Active" and a["accountType"] in ("Debit", "Credit") for a in chart)
    assert len({a["id"] for a in chart}) == len(chart)


def test_the_chart_is_the_same_under_the_same_seed() -> None:
    assert _seeded_chart(11) == _seeded_chart(11)
    assert any(_seeded_chart(11) != _seeded_chart(seed) for seed in (12, 13, 14))


def test_a_second_connection_of_the_company_sees_the_same_qbo_company(client: TestClient, world: World) -> None:
    company = world.company()
    first, second = world.connection(company), world.connection(company)

    assert _chart(client, f"/companies/{company}/connections/{first}") == _chart(
        client, f"/companies/{company}/connections/{second}"
    )


def test_the_chart_pages_filters_and_sorts_like_any_codat_list(client: TestClient, world: World) -> None:
    base = _base(world)
    chart = _chart(client, base)

    page = client.get(base + "/data/bankAccounts", params={"pageSize": 2, "page": 2}).json()
    debit = client.get(base + "/data/bankAccounts", params={"query": "accountType=Debit"}).json()
    by_balance = client.get(base + "/data/bankAccounts", params={"orderBy": "-balance"}).json()["results"]

    assert page["results"] == chart[2:4] and page["totalResults"] == len(chart)
    assert [a["id"] for a in debit["results"]] == [a["id"] for a in chart if a["accountType"] == "Debit"]
    assert [a["balance"] for a in by_balance] == sorted((a["balance"] for a in chart), reverse=True)


def test_the_create_model_names_qbo_required_fields_and_enabled_currencies(client: TestClient, world: World) -> None:
    model = client.get(_base(world) + "/options/bankAccounts").json()

    required = {name for name, field in model["properties"].items() if field["required"]}
    assert required == {"accountName", "accountNumber", "currency"}
    assert [o["value"] for o in model["properties"]["currency"]["options"]] == ["USD"]


def test_a_created_account_joins_the_chart_when_its_push_succeeds(client: TestClient, world: World) -> None:
    base = _base(world)
    before = _chart(client, base)

    pushed = client.post(base + "/push/bankAccounts", json={"accountName": "Operations", "accountNumber": "4417", "currency": "USD"})

    operation = pushed.json()
    assert (operation["status"], operation["dataType"], operation["statusCode"]) == ("Pending", "bankAccounts", 202)
    assert _chart(client, base) == before
    client.post("/_mock/clock/advance", json={"seconds": 2})
    done = client.get(f"{base.split('/connections')[0]}/push/{operation['pushOperationKey']}").json()
    assert done["status"] == "Success"
    new_id = done["changes"][0]["recordRef"]["id"]
    assert done["changes"][0]["recordRef"]["dataType"] == "bankAccounts"
    added = [a for a in _chart(client, base) if a["id"] == new_id]
    assert [(a["accountName"], a["accountNumber"], a["balance"]) for a in added] == [("Operations", "4417", 0.0)]


@pytest.mark.parametrize(
    ("body", "validators"),
    [
        ({"currency": "USD"}, {"RequiredField"}),
        ({"accountName": "Business Checking", "accountNumber": "1", "currency": "USD"}, {"DuplicateAccountName"}),
        ({"accountName": "a:b", "accountNumber": "1", "currency": "USD"}, {"AccountName"}),
        ({"accountName": "Euro", "accountNumber": "1", "currency": "EUR"}, {"Currency"}),
    ],
)
def test_an_account_qbo_would_refuse_is_400_and_opens_nothing(
    client: TestClient, world: World, body: dict[str, Any], validators: set[str]
) -> None:
    base = _base(world)
    before = _chart(client, base)

    response = client.post(base + "/push/bankAccounts", json=body)

    assert response.status_code == 400
    assert {e["validatorName"] for e in response.json()["validation"]["errors"]} == validators
    client.post("/_mock/clock/advance", json={"seconds": 10})
    assert _chart(client, base) == before


def test_a_name_being_created_is_taken_until_its_push_ends(client: TestClient, world: World) -> None:
    base = _base(world)
    body = {"accountName": "Reserve", "accountNumber": "1", "currency": "USD"}

    assert client.post(base + "/push/bankAccounts", json=body).status_code == 200
    again = client.post(base + "/push/bankAccounts", json={**body, "accountName": "reserve"})

    assert [e["validatorName"] for e in again.json()["validation"]["errors"]] == ["DuplicateAccountName"]


def test_an_account_creation_that_times_out_opens_nothing() -> None:
    settings = Settings(clock=NOW, background_ticks=False, seed=7, push_delay=600)
    with make_client(settings) as client:
        base = _base(World(client))
        before = _chart(client, base)
        body = {"accountName": "Slow", "accountNumber": "1", "currency": "USD"}
        operation = client.post(base + "/push/bankAccounts", params={"timeoutInMinutes": 1}, json=body).json()

        client.post("/_mock/clock/advance", json={"seconds": 61})

        done = client.get(f"{base.split('/connections')[0]}/push/{operation['pushOperationKey']}").json()
        assert (done["status"], done["statusCode"]) == ("TimedOut", 504)
        client.post("/_mock/clock/advance", json={"seconds": 600})
        assert _chart(client, base) == before


def test_bank_accounts_of_an_unknown_connection_are_404(client: TestClient, world: World) -> None:
    company = world.company()
    unknown = "00000000-0000-4000-8000-000000000000"

    assert client.get(f"/companies/{company}/connections/{unknown}/data/bankAccounts").status_code == 404
    assert client.get(f"/companies/{unknown}/connections/{unknown}/options/bankAccounts").status_code == 404
