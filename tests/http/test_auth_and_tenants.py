"""Authorization and tenants: every public call needs a Basic key, and each key is a world of its own."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mock_server import Settings
from tests.support import NOW, auth_header, make_client


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer abc", "Basic", "Basic !!!not-base64!!!", "Basic " + "", "Basic //79"],
    ids=["missing", "empty", "bearer", "no-credentials", "not-base64", "blank", "not-utf8"],
)
def test_missing_or_malformed_authorization_is_401_in_codat_envelope(client: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    client.headers.pop("Authorization", None)

    response = client.get("/companies", headers=headers)

    assert response.status_code == 401
    body = response.json()
    assert body["statusCode"] == 401 and body["canBeRetried"] == "Unknown" and body["correlationId"]


def test_one_key_never_sees_another_keys_companies(client: TestClient) -> None:
    created = client.post("/companies", json={"name": "Mine"}).json()

    other = client.get("/companies", headers=auth_header("someone-else")).json()
    direct = client.get(f"/companies/{created['id']}", headers=auth_header("someone-else"))

    assert other["totalResults"] == 0
    assert direct.status_code == 404
    assert client.get(f"/companies/{created['id']}").status_code == 200


def test_only_configured_keys_are_accepted_when_keys_are_given() -> None:
    settings = Settings(clock=NOW, background_ticks=False, api_keys=("good",))
    with make_client(settings, key="good") as client:
        assert client.get("/companies").status_code == 200
        assert client.get("/companies", headers=auth_header("bad")).status_code == 401


def test_health_needs_no_key(client: TestClient) -> None:
    client.headers.pop("Authorization", None)

    assert client.get("/_mock/health").json() == {"status": "ok"}


def test_each_tenant_has_its_own_clock(client: TestClient) -> None:
    client.post("/_mock/clock/advance", json={"seconds": 3600})

    mine = client.get("/_mock/clock").json()
    theirs = client.get("/_mock/clock", headers=auth_header("other")).json()

    assert mine == {"now": "2026-03-18T10:00:00.000Z", "frozen": True}
    assert theirs == {"now": "2026-03-18T09:00:00.000Z", "frozen": True}


def test_reset_forgets_only_this_tenant(client: TestClient) -> None:
    client.post("/companies", json={"name": "Mine"})
    client.post("/companies", json={"name": "Theirs"}, headers=auth_header("other"))

    assert client.post("/_mock/reset").status_code == 204

    assert client.get("/companies").json()["totalResults"] == 0
    assert client.get("/companies", headers=auth_header("other")).json()["totalResults"] == 1


def test_a_reset_tenant_never_hands_out_an_id_it_gave_before(client: TestClient) -> None:
    before = client.post("/companies", json={"name": "First"}).json()["id"]

    client.post("/_mock/reset")
    after = client.post("/companies", json={"name": "Second"}).json()["id"]

    assert after != before
