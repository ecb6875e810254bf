"""Company information: what the QBO company behind the connection says about itself."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import World


def test_company_information_names_the_qbo_company_and_its_currencies(client: TestClient, world: World) -> None:
    company = world.company("Bright Lights LLC")
    connection = world.connection(company)

    info = client.get(f"/companies/{company}/connections/{connection}/bankFeeds/info").json()

    assert info["companyName"] == "Bright Lights LLC"
    assert (info["baseCurrency"], info["currencies"], info["multicurrencyEnabled"]) == ("USD", ["USD"], False)
    assert info["planType"] in ("SimpleStart", "Essentials", "Plus", "Advanced")


def test_the_qbo_company_keeps_its_name_when_the_codat_company_is_renamed(client: TestClient, world: World) -> None:
    company = world.company("Bright Lights LLC")
    connection = world.connection(company)

    client.patch(f"/companies/{company}", json={"name": "Dim Lights LLC"})

    info = client.get(f"/companies/{company}/connections/{connection}/bankFeeds/info").json()
    assert info["companyName"] == "Bright Lights LLC"


def test_company_information_of_an_unknown_connection_is_404(client: TestClient, world: World) -> None:
    company = world.company()

    response = client.get(f"/companies/{company}/connections/00000000-0000-4000-8000-000000000000/bankFeeds/info")

    assert response.status_code == 404
