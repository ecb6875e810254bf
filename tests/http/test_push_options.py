"""The create models: QBO's required fields, allowed values and rules as PushOption trees."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import World


def test_the_transactions_model_requires_what_qbo_requires(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()

    model = client.get(f"/companies/{company}/connections/{connection}/options/bankAccounts/{account}/bankTransactions")

    assert model.status_code == 200
    tree = model.json()
    assert tree["type"] == "Object" and tree["required"] is True
    assert {name for name, f in tree["properties"].items() if f["required"]} == {"accountId", "transactions"}
    fields = tree["properties"]["transactions"]["properties"]
    assert {name for name, f in fields.items() if f["required"]} == {"id", "date", "description", "amount"}
    assert fields["balance"]["required"] is False and fields["date"]["type"] == "DateTime"
    assert sorted(o["value"] for o in fields["transactionType"]["options"]) == ["Credit", "Debit", "Unknown"]


def test_the_transactions_model_states_the_account_feed_start_and_batch_size(client: TestClient, world: World) -> None:
    company, connection, account = world.linked_account()

    tree = client.get(
        f"/companies/{company}/connections/{connection}/options/bankAccounts/{account}/bankTransactions"
    ).json()

    date_notes = [n["details"] for n in tree["properties"]["transactions"]["properties"]["date"]["validation"]["information"]]
    assert any("2026-03-11" in note for note in date_notes)
    batch_notes = tree["properties"]["transactions"]["validation"]["information"]
    assert any("1000" in n["details"] for n in batch_notes)


def test_the_transactions_model_of_an_unknown_account_is_404(client: TestClient, world: World) -> None:
    company = world.company()
    connection = world.connection(company)

    response = client.get(f"/companies/{company}/connections/{connection}/options/bankAccounts/nope/bankTransactions")

    assert response.status_code == 404
