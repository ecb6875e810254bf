"""Scenarios: save a tenant's state, replay it, load fixture files at start, and say what is wrong."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mock_server import Settings
from mock_server.cli import build_parser, main, settings_from
from mock_server.devkit.scenarios.fields import HANDLED_FIELDS, model_fields
from mock_server.devkit.scenarios.load import DEFAULT_API_KEY
from mock_server.devkit.scenarios.problems import ScenarioError
from mock_server.devkit.scenarios.text import check, parse, read
from tests.support import NOW, World, make_client, txn

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _settings(**changes: Any) -> Settings:
    return replace(Settings(clock=NOW, background_ticks=False, seed=7), **changes)


def _reach_a_busy_state(client: TestClient, world: World) -> dict[str, str]:
    """Every kind of record a tenant holds, reached through the public and control API."""
    company, connection, account = world.linked_account("acc-1")
    world.account(company, connection, "acc-2", balance=50.0)
    world.link(company, connection, "acc-2")
    assert world.push(company, connection, account, [txn("t1", "2026-03-12", 25.0, 125.0), txn("t2", "2026-03-13", -5.0)]).status_code == 200
    client.post("/_mock/clock/advance", json={"seconds": 2})
    assert client.post("/_mock/qbo/poll", json={}).json() == {"pulled": 2}
    assert world.push(company, connection, account, [txn("t3", "2026-03-14", 10.0)]).status_code == 200  # waits for a poll
    client.post("/_mock/clock/advance", json={"seconds": 3})
    assert world.push(company, connection, account, [txn("t4", "2026-03-15", 1.0)]).status_code == 200  # still Pending
    sync = client.post(f"/companies/{company}/connections/{connection}/bankFeedAccounts/acc-1/managedBankFeeds/syncs")
    assert sync.status_code == 201, sync.text  # Started: ends after the push delay
    client.post("/_mock/qbo/disconnect", json={"companyId": company, "connectionId": connection, "sourceAccountId": "acc-2"})
    second = world.connection(company)
    world.account(company, second, "acc-3")
    world.credentials(company, second)
    opened = client.post(
        f"/companies/{company}/connections/{second}/push/bankAccounts",
        json={"accountName": "New Savings", "accountNumber": "99887766", "currency": "USD"},
    )
    assert opened.status_code == 200, opened.text
    mapped = client.post(
        f"/companies/{company}/connections/{second}/bankFeedAccounts/mapping",
        json={"sourceAccountId": "acc-3", "targetAccountId": _free_target(client, company, second)},
    )
    assert mapped.json()["status"] == "Success", mapped.text
    other = world.company("Second Company Ltd")
    client.patch(f"/companies/{other}", json={"description": "No connections yet", "tags": {"region": "uk"}})
    return {"company": company, "connection": connection, "second": second, "other": other}


def _free_target(client: TestClient, company: str, connection: str) -> str:
    mapping = client.get(f"/companies/{company}/connections/{connection}/bankFeedAccounts/mapping").json()
    return str(mapping[0]["targetAccountOptions"][0]["id"])


def _answers(client: TestClient, ids: dict[str, str]) -> dict[str, Any]:
    """What an integration sees: the same calls must answer the same after a replay."""
    company, connection, second = ids["company"], ids["connection"], ids["second"]
    paths = [
        "/companies",
        f"/companies/{company}",
        f"/companies/{company}/push",
        f"/companies/{company}/connections/{connection}/connectionInfo/bankFeedAccounts",
        f"/companies/{company}/connections/{second}/connectionInfo/bankFeedAccounts",
        f"/companies/{company}/connections/{second}/bankFeedAccounts/mapping",
        f"/companies/{company}/connections/{second}/data/bankAccounts",
        f"/_mock/qbo/companies/{company}/accounts/acc-1/transactions",
        f"/_mock/qbo/companies/{company}/accounts/acc-2/transactions",
        f"/companies/{company}/connections/{connection}/bankFeedAccounts/acc-1/managedBankFeeds/syncs/latest",
        "/_mock/clock",
    ]
    return {path: client.get(path).json() for path in paths}


def test_a_state_saved_reset_and_replayed_answers_the_api_the_same(client: TestClient, world: World) -> None:
    ids = _reach_a_busy_state(client, world)
    saved = client.get("/_mock/state").json()
    before = _answers(client, ids)

    client.post("/_mock/reset")
    assert client.get("/companies").json()["totalResults"] == 0
    replayed = client.put("/_mock/state", json=saved)

    assert replayed.status_code == 204
    assert client.get("/_mock/state").json() == saved
    assert _answers(client, ids) == before


def test_a_replayed_state_goes_on_as_the_original_would(client: TestClient, world: World) -> None:
    ids = _reach_a_busy_state(client, world)
    company, connection = ids["company"], ids["connection"]
    saved = client.get("/_mock/state").json()
    client.post("/_mock/reset")
    client.put("/_mock/state", json=saved)

    again = world.push(company, connection, "acc-1", [txn("t3", "2026-03-16")])
    older = world.push(company, connection, "acc-1", [txn("t9", "2026-03-14")])
    to_disconnected = world.push(company, connection, "acc-2", [txn("u1", "2026-03-16")])
    client.post("/_mock/clock/advance", json={"seconds": 60})

    assert [e["validatorName"] for e in again.json()["validation"]["errors"]] == ["DuplicateTransactionId"]
    assert "OlderThanLatest" in {e["validatorName"] for e in older.json()["validation"]["errors"]}
    assert "AccountNotConnected" in {e["validatorName"] for e in to_disconnected.json()["validation"]["errors"]}
    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/acc-1/transactions").json()
    assert [t["id"] for t in feed["transactions"]] == ["t1", "t2", "t3", "t4"]
    operations = client.get(f"/companies/{company}/push", params={"pageSize": 100}).json()["results"]
    assert {op["status"] for op in operations} == {"Success"}
    sync = client.get(f"/companies/{company}/connections/{connection}/bankFeedAccounts/acc-1/managedBankFeeds/syncs/latest")
    assert sync.json()["status"] == "SuccessDataPushed"


def test_export_import_export_gives_the_same_document_in_yaml_too(client: TestClient, world: World) -> None:
    _reach_a_busy_state(client, world)
    text = client.get("/_mock/state", headers={"Accept": "application/yaml"})
    assert text.headers["content-type"].startswith("application/yaml")

    client.post("/_mock/reset")
    loaded = client.put("/_mock/state", content=text.text, headers={"Content-Type": "application/yaml"})

    assert loaded.status_code == 204
    assert client.get("/_mock/state", headers={"Accept": "application/yaml"}).text == text.text
    assert yaml.safe_load(text.text) == client.get("/_mock/state").json()


def test_an_exported_state_follows_the_published_schema(client: TestClient, world: World) -> None:
    _reach_a_busy_state(client, world)

    check(parse(client.get("/_mock/state", headers={"Accept": "application/yaml"}).text))


def test_a_bad_body_answers_400_with_the_line_and_leaves_the_tenant_as_it_was(client: TestClient, world: World) -> None:
    world.linked_account()
    before = client.get("/_mock/state").json()
    body = "companies:\n  - name: Acme\n    connections:\n      - status: Linkd\n"

    answer = client.put("/_mock/state", content=body, headers={"Content-Type": "application/yaml"})

    assert answer.status_code == 400
    error = answer.json()["validation"]["errors"][0]
    assert error["itemId"] == "companies[0].connections[0].status"
    assert error["message"].startswith("line 4, column 17:") and "Linkd" in error["message"]
    assert client.get("/_mock/state").json() == before


def test_a_scenario_that_contradicts_itself_is_refused_with_every_problem(client: TestClient) -> None:
    body = """\
companies:
  - name: Acme
    connections:
      - credentials: [{username: AAAA-BBBB-CCCC, password: secret}]
        sourceAccounts:
          - id: acc-1
            status: connected
          - id: acc-2
            status: connected
            feedStartDate: 2026-03-11
            linkedWith: NOT-THE-USER
"""
    answer = client.put("/_mock/state", content=body, headers={"Content-Type": "application/yaml"})

    assert answer.status_code == 400
    errors = {e["itemId"]: e["message"] for e in answer.json()["validation"]["errors"]}
    assert errors["companies[0].connections[0].sourceAccounts[0].feedStartDate"].startswith("line 6,")
    assert "NOT-THE-USER" in errors["companies[0].connections[0].sourceAccounts[1].linkedWith"]
    assert client.get("/companies").json()["totalResults"] == 0


def test_a_json_body_with_a_wrong_type_is_placed_by_line_and_column(client: TestClient) -> None:
    answer = client.put("/_mock/state", content=b'{\n  "companies": [\n    {"name": 5}\n  ]\n}', headers={"Content-Type": "application/json"})

    assert answer.status_code == 400
    error = answer.json()["validation"]["errors"][0]
    assert (error["itemId"], error["message"].split(":")[0]) == ("companies[0].name", "line 3, column 14")


def test_fixtures_load_at_start_into_the_default_tenant() -> None:
    settings = _settings(fixtures=(str(FIXTURES / "empty-qbo-linked-company.yaml"),))

    with make_client(settings, key=DEFAULT_API_KEY) as client:
        companies = client.get("/companies").json()["results"]
        assert [c["name"] for c in companies] == ["Elaborate Events, Inc"]
        company = companies[0]["id"]
        connection = companies[0]["dataConnections"][0]["id"]
        # Linked with a feed start date seven days back: the first write may carry that history.
        history = [txn(f"h{day}", f"2026-03-{day}", 10.0) for day in range(11, 18)]
        written = World(client).push(company, connection, "acc-checking-0202", history)
        assert written.status_code == 200, written.text


def test_a_directory_of_fixtures_loads_every_scenario_of_the_repository() -> None:
    with make_client(_settings(fixtures=(str(FIXTURES),)), key=DEFAULT_API_KEY) as client:
        names = sorted(c["name"] for c in client.get("/companies").json()["results"])
        state = client.get("/_mock/state", headers={"Accept": "application/yaml"}).text

    assert names == ["Elaborate Events, Inc", "Harbour Coffee Roasters", "Northwind Bicycle Repair", "Tailspin Outdoor Supply"]
    check(parse(state))


def test_seven_days_of_history_fixture_has_a_feed_and_a_write_waiting() -> None:
    with make_client(_settings(fixtures=(str(FIXTURES / "seven-days-history.yaml"),)), key=DEFAULT_API_KEY) as client:
        world = World(client)
        company = "7d3e5b1c-2a4f-4e6d-9b8c-1f2e3d4c5b03"
        connection = "2e8f6a4c-9b1d-4f3e-a5c7-6d8e0f1a2b04"
        feed = client.get(f"/_mock/qbo/companies/{company}/accounts/acc-operating-4410/transactions").json()
        assert (len(feed["transactions"]), feed["pending"], feed["balance"]) == (6, 2, 1167.5)

        assert client.post("/_mock/qbo/poll", json={}).json() == {"pulled": 2}
        older = world.push(company, connection, "acc-operating-4410", [txn("x1", "2026-03-16")])
        today = world.push(company, connection, "acc-operating-4410", [txn("x2", "2026-03-18T08:00:00")])

    assert "OlderThanLatest" in {e["validatorName"] for e in older.json()["validation"]["errors"]}
    assert today.status_code == 200


def test_disconnected_feed_fixture_refuses_writes_before_its_status_turns() -> None:
    with make_client(_settings(fixtures=(str(FIXTURES / "disconnected-feed.yaml"),)), key=DEFAULT_API_KEY) as client:
        world = World(client)
        company = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e07"
        connection = "6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a08"

        def statuses() -> dict[str, str]:
            return {a["id"]: a["status"] for a in client.get(world.accounts_path(company, connection)).json()}

        assert statuses() == {"acc-checking-7781": "connected", "acc-savings-7790": "disconnected"}
        refused = world.push(company, connection, "acc-checking-7781", [txn("c1", "2026-03-17")])
        assert "AccountNotConnected" in {e["validatorName"] for e in refused.json()["validation"]["errors"]}
        client.post("/_mock/clock/advance", json={"seconds": 9 * 86400})  # past 26 March 17:30
        assert statuses() == {"acc-checking-7781": "disconnected", "acc-savings-7790": "disconnected"}


def test_several_connections_fixture_lands_a_new_link_in_the_mapped_account() -> None:
    fixture = FIXTURES / "several-connections-mapped.yaml"
    with make_client(_settings(fixtures=(str(fixture),)), key=DEFAULT_API_KEY) as client:
        company = "8f9a0b1c-2d3e-4f4a-8b5c-6d7e8f9a0b09"
        second = "4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f11"
        assert len(client.get(f"/companies/{company}/connections").json()["results"]) == 2
        linked = client.post(
            "/_mock/qbo/link",
            json={
                "username": "TSOS-BANK-0002",
                "password": "Hj6tY3nB8wQ2cV5x",
                "accounts": [{"sourceAccountId": "acc-sales-4004", "feedStartDate": "2026-03-18"}],
            },
        )
        mapping = client.get(f"/companies/{company}/connections/{second}/bankFeedAccounts/mapping").json()

    assert linked.status_code == 200, linked.text
    assert [(m["sourceAccountId"], m["targetAccountId"], m["targetAccountName"], m["status"]) for m in mapping] == [
        ("acc-sales-4004", "74", "Online Sales Clearing", "connected")
    ]


def test_a_fixture_names_its_own_tenant(tmp_path: Path) -> None:
    fixture = tmp_path / "mine.yaml"
    fixture.write_text("apiKey: team-a\ncompanies:\n  - name: Only for team A\n", encoding="utf-8")

    with make_client(_settings(fixtures=(str(fixture),)), key="team-a") as client:
        assert client.get("/companies").json()["totalResults"] == 1
    with make_client(_settings(fixtures=(str(fixture),)), key=DEFAULT_API_KEY) as client:
        assert client.get("/companies").json()["totalResults"] == 0


def test_a_bad_fixture_file_names_the_file_line_and_problem(tmp_path: Path) -> None:
    fixture = tmp_path / "broken.yaml"
    fixture.write_text(
        "clock:\n  now: 2026-03-18T09:00:00Z\ncompanies:\n  - name: Acme\n    connections:\n      - status: Linkd\n",
        encoding="utf-8",
    )

    with pytest.raises(ScenarioError) as raised:
        read(fixture)

    assert str(raised.value).startswith(f"{fixture}:6:17: companies[0].connections[0].status: ")
    assert "Linkd" in str(raised.value)


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    fixture = tmp_path / "syntax.yaml"
    fixture.write_text("companies:\n  - name: Acme\n    tags: {region: uk\n", encoding="utf-8")

    with pytest.raises(ScenarioError) as raised:
        read(fixture)

    assert str(raised.value).startswith(f"{fixture}:4:")
    assert "not valid YAML" in str(raised.value)


def test_a_key_given_twice_is_a_mistake_not_the_last_value(tmp_path: Path) -> None:
    fixture = tmp_path / "twice.yaml"
    fixture.write_text("companies:\n  - name: Acme\n    name: Other\n", encoding="utf-8")

    with pytest.raises(ScenarioError, match=r"twice\.yaml:3:5: companies\[0\]\.name: 'name' is given twice"):
        read(fixture)


def test_serve_refuses_to_start_on_a_bad_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = tmp_path / "broken.yaml"
    fixture.write_text("companies:\n  - description: no name\n", encoding="utf-8")

    code = main(["serve", "--port", "0", "--fixtures", str(fixture)])

    assert code == 2
    assert f"{fixture}:2:5: companies[0]: " in capsys.readouterr().err


def test_two_fixtures_for_one_tenant_add_up_unless_their_ids_clash(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    company = "company:\n  - id: 0b6a4a2e-6f1d-4c4e-9d55-2f0a3c1e7a01\n    name: {}\n"
    first.write_text(company.replace("company", "companies").format("First"), encoding="utf-8")
    second.write_text("companies:\n  - name: Second\n", encoding="utf-8")
    with make_client(_settings(fixtures=(str(first), str(second))), key=DEFAULT_API_KEY) as client:
        assert client.get("/companies").json()["totalResults"] == 2

    second.write_text(company.replace("company", "companies").format("Clash"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"b\.yaml:2:9: companies\[0\]\.id: company .* is already there"):
        make_client(_settings(fixtures=(str(first), str(second))))


def test_a_fixture_for_a_key_the_server_refuses_is_an_error(tmp_path: Path) -> None:
    fixture = tmp_path / "other.yaml"
    fixture.write_text("apiKey: not-allowed\ncompanies: []\n", encoding="utf-8")

    with pytest.raises(ScenarioError, match="not-allowed"):
        make_client(_settings(fixtures=(str(fixture),), api_keys=("only-this",)))


def test_ids_drawn_after_a_replay_do_not_repeat_the_loaded_ones(client: TestClient, world: World) -> None:
    first = world.company("First")
    saved = client.get("/_mock/state").json()
    client.post("/_mock/reset")
    client.put("/_mock/state", json=saved)

    second = world.company("Second")

    assert second != first
    assert client.get("/companies").json()["totalResults"] == 2


def test_the_format_carries_every_field_of_the_model() -> None:
    # A field added to the model must be saved and loaded too, or snapshots silently lose it.
    assert model_fields() == HANDLED_FIELDS


def test_fixtures_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(FIXTURES / "empty-qbo-linked-company.yaml"), str(FIXTURES / "disconnected-feed.yaml")]
    monkeypatch.setenv("BANKFEEDS_MOCK_FIXTURES", os.pathsep.join(paths))

    args = build_parser().parse_args(["serve"])

    assert settings_from(args).fixtures == tuple(paths)


def test_a_state_saved_with_polls_on_demand_polls_on_the_schedule_of_the_server_it_is_loaded_into(world: World) -> None:
    with make_client(_settings(poll_interval=0)) as on_demand:
        company, connection, account = World(on_demand).linked_account()
        World(on_demand).push(company, connection, account, [txn("t1", "2026-03-17")])
        saved = on_demand.get("/_mock/state").json()
    assert saved["clock"]["nextPoll"] is None

    client = world.client  # polls every 60 virtual seconds
    assert client.put("/_mock/state", json=saved).status_code == 204
    client.post("/_mock/clock/advance", json={"seconds": 60})

    feed = client.get(f"/_mock/qbo/companies/{company}/accounts/{account}/transactions").json()
    assert [t["id"] for t in feed["transactions"]] == ["t1"]


# -- webhook endpoints ---------------------------------------------------------------------------


def _webhooks_client() -> TestClient:
    return make_client(Settings(clock=NOW, background_ticks=False, seed=7))


def test_a_saved_state_keeps_its_webhook_endpoints_and_loads_them_back() -> None:
    client = _webhooks_client()
    body = {"url": "http://127.0.0.1:9/h", "eventTypes": ["connection.created"]}
    endpoint = client.post("/_mock/webhooks/endpoints", json=body).json()
    saved = client.get("/_mock/state").json()
    client.post("/_mock/reset")
    assert client.get("/_mock/webhooks/endpoints").json() == {"endpoints": []}

    assert client.put("/_mock/state", json=saved).status_code == 204

    assert client.get("/_mock/webhooks/endpoints").json() == {"endpoints": [endpoint]}
    assert client.get("/_mock/state").json() == saved


def test_a_scenario_naming_no_endpoints_keeps_the_tenants_subscriptions() -> None:
    client = _webhooks_client()
    endpoint = client.post("/_mock/webhooks/endpoints", json={"url": "http://127.0.0.1:9/h"}).json()

    assert client.put("/_mock/state", json={"companies": []}).status_code == 204

    assert client.get("/_mock/webhooks/endpoints").json() == {"endpoints": [endpoint]}


def test_a_scenario_endpoint_the_control_api_would_refuse_is_a_located_400_and_changes_nothing() -> None:
    client = _webhooks_client()
    scenario = "companies: []\nwebhooks:\n  endpoints:\n    - url: ftp://example.com/hook\n"

    response = client.put("/_mock/state", content=scenario, headers={"Content-Type": "application/yaml"})

    assert response.status_code == 400
    [problem] = response.json()["validation"]["errors"]
    assert problem["itemId"] == "webhooks.endpoints[0]" and "line 4" in problem["message"]
    assert client.get("/_mock/webhooks/endpoints").json() == {"endpoints": []}
