"""Account mapping: source accounts, the QBO accounts they feed, and the ones on offer."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.support import World


class Setup:
    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world = client, world
        self.company = world.company()
        self.connection = world.connection(self.company)
        self.base = f"/companies/{self.company}/connections/{self.connection}"
        self.chart: list[dict[str, Any]] = client.get(self.base + "/data/bankAccounts").json()["results"]

    def mappings(self) -> dict[str, dict[str, Any]]:
        response = self.client.get(self.base + "/bankFeedAccounts/mapping")
        assert response.status_code == 200
        return {m["sourceAccountId"]: m for m in response.json()}

    def map(self, source: str, target: str | None, **extra: Any) -> Any:
        body = {"sourceAccountId": source, "targetAccountId": target, **extra}
        return self.client.post(self.base + "/bankFeedAccounts/mapping", json=body)


def test_an_unmapped_account_is_offered_every_qbo_account_in_its_currency(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1", balance=42.5)

    mapping = s.mappings()["acc-1"]

    assert mapping["targetAccountId"] is None and "targetAccountName" not in mapping
    assert (mapping["status"], mapping["sourceBalance"], mapping["sourceCurrency"]) == ("pending", 42.5, "USD")
    assert [o["id"] for o in mapping["targetAccountOptions"]] == [a["id"] for a in s.chart]
    assert "feedStartDate" not in mapping  # a bare $ref upstream: a date when present, never null


def test_mapping_points_the_source_at_the_target_and_takes_it_off_other_accounts_options(
    client: TestClient, world: World
) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    world.account(s.company, s.connection, "acc-2")
    target = s.chart[1]

    answer = s.map("acc-1", target["id"], feedStartDate="2026-03-16")

    assert answer.json() == {"sourceAccountId": "acc-1", "targetAccountId": target["id"], "status": "Success", "error": None}
    mappings = s.mappings()
    assert (mappings["acc-1"]["targetAccountId"], mappings["acc-1"]["targetAccountName"]) == (target["id"], target["accountName"])
    assert mappings["acc-1"]["feedStartDate"] == "2026-03-16"
    assert target["id"] in {o["id"] for o in mappings["acc-1"]["targetAccountOptions"]}
    assert target["id"] not in {o["id"] for o in mappings["acc-2"]["targetAccountOptions"]}


def test_unknown_source_and_target_ids_are_400_naming_each(client: TestClient, world: World) -> None:
    s = Setup(client, world)

    response = s.map("nope", "also-nope")

    assert response.status_code == 400
    errors = {(e["validatorName"], e["itemId"]) for e in response.json()["validation"]["errors"]}
    assert errors == {("SourceAccountNotFound", "nope"), ("TargetAccountNotFound", "also-nope")}


def test_a_target_another_source_account_feeds_answers_failed_and_changes_nothing(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    world.account(s.company, s.connection, "acc-2")
    s.map("acc-1", s.chart[0]["id"])

    answer = s.map("acc-2", s.chart[0]["id"])

    assert answer.status_code == 200
    assert answer.json()["status"] == "Failed" and "already exists" in answer.json()["error"]
    assert s.mappings()["acc-2"]["targetAccountId"] is None


def test_a_malformed_feed_start_date_is_400(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")

    response = s.map("acc-1", s.chart[0]["id"], feedStartDate="yesterday")

    assert response.status_code == 400
    assert s.mappings()["acc-1"]["targetAccountId"] is None


def test_a_feed_start_date_older_than_seven_days_is_clamped(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")

    s.map("acc-1", None, feedStartDate="2026-01-01T00:00:00Z")

    assert s.mappings()["acc-1"]["feedStartDate"] == "2026-03-11"


def test_linking_in_qbo_lands_the_feed_in_its_mapped_account(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    s.map("acc-1", s.chart[0]["id"])

    world.link(s.company, s.connection, "acc-1")

    mapping = s.mappings()["acc-1"]
    assert (mapping["status"], mapping["targetAccountId"]) == ("connected", s.chart[0]["id"])


def test_linking_an_unmapped_feed_opens_a_qbo_account_named_after_it(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")

    world.link(s.company, s.connection, "acc-1")

    mapping = s.mappings()["acc-1"]
    chart = client.get(s.base + "/data/bankAccounts").json()["results"]
    assert len(chart) == len(s.chart) + 1
    assert mapping["targetAccountId"] == chart[-1]["id"] and chart[-1]["accountName"] == "Checking 0202"


def test_the_user_may_pick_the_target_when_linking(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    credentials = world.credentials(s.company, s.connection)
    pick = {"sourceAccountId": "acc-1", "feedStartDate": "2026-03-11", "targetAccountId": s.chart[2]["id"]}

    linked = client.post("/_mock/qbo/link", json={**credentials, "accounts": [pick]})

    assert linked.json()["accounts"][0]["targetAccountId"] == s.chart[2]["id"]
    assert s.mappings()["acc-1"]["targetAccountId"] == s.chart[2]["id"]
    unknown = client.post("/_mock/qbo/link", json={**credentials, "accounts": [{**pick, "targetAccountId": "999999"}]})
    assert unknown.status_code == 400


def test_a_feed_connected_in_qbo_cannot_be_remapped_through_the_api(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    world.link(s.company, s.connection, "acc-1")
    current = s.mappings()["acc-1"]["targetAccountId"]

    answer = s.map("acc-1", s.chart[0]["id"])

    assert answer.json()["status"] == "Failed"
    assert s.mappings()["acc-1"]["targetAccountId"] == current
    assert s.map("acc-1", current).json()["status"] == "Success"


def test_deleting_a_source_account_frees_its_target(client: TestClient, world: World) -> None:
    s = Setup(client, world)
    world.account(s.company, s.connection, "acc-1")
    world.account(s.company, s.connection, "acc-2")
    s.map("acc-1", s.chart[0]["id"])

    client.delete(world.accounts_path(s.company, s.connection) + "/acc-1")

    assert s.chart[0]["id"] in {o["id"] for o in s.mappings()["acc-2"]["targetAccountOptions"]}
