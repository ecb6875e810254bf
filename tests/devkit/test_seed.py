"""Deterministic mode: under --seed, the same calls give the same ids, credentials and OTPs on every run."""

from __future__ import annotations

from typing import Any

from mock_server import Settings
from tests.support import NOW, World, make_client


def _journey(seed: int | None) -> dict[str, Any]:
    """A fresh emulator, and the values it generates along the journey."""
    with make_client(Settings(clock=NOW, background_ticks=False, seed=seed)) as client:
        world = World(client)
        company = world.company()
        connection = client.post(f"/companies/{company}/connections", json={"platformKey": "hcws"}).json()
        world.account(company, connection["id"])
        credentials = world.credentials(company, connection["id"])
        otp = client.post(f"/companies/{company}/connections/{connection['id']}/bankFeeds/otp").json()
        missing = client.get("/companies/not-a-company").json()
        return {
            "company": company,
            "connection": connection["id"],
            "linkUrl": connection["linkUrl"],
            "credentials": credentials,
            "otp": otp,
            "correlationId": missing["correlationId"],
        }


def test_two_fresh_emulators_with_the_same_seed_generate_the_same_values() -> None:
    first, second = _journey(seed=42), _journey(seed=42)

    assert first == second


def test_another_seed_or_none_generates_other_values() -> None:
    seeded = _journey(seed=42)

    for other in (_journey(seed=43), _journey(seed=None)):
        assert {k: v for k, v in other.items() if v == seeded[k]} == {}
