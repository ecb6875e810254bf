"""The push's ceilings do the part of the emulator's work they stand for, and nothing less."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
from starlette.testclient import TestClient

from benchmarks.__main__ import batch_template
from benchmarks.ceilings import app

TEMPLATE = batch_template(3)


def _batch(number: int) -> bytes:
    return TEMPLATE.replace(b"@@@@@@@@", f"{number:08d}".encode())


def test_decode_echoes_a_well_typed_batch_and_refuses_another() -> None:
    with TestClient(app) as client:
        answer = client.post("/decode/x", content=_batch(1))
        assert answer.status_code == 200
        assert answer.json()["data"] == orjson.loads(_batch(1))
        wrong = orjson.loads(_batch(2))
        wrong["transactions"][0]["amount"] = "12.5"
        assert client.post("/decode/x", content=orjson.dumps(wrong)).status_code == 400


def test_rules_refuse_what_the_emulator_refuses() -> None:
    with TestClient(app) as client:
        assert client.post("/rules/x", content=_batch(10)).status_code == 200
        # The same ids again: the account knows them now.
        assert client.post("/rules/x", content=_batch(10)).status_code == 400
        assert client.post("/rules/x", content=_batch(11)).status_code == 200
        # Another account's batch, and one dated in the future.
        other = orjson.loads(_batch(12))
        other["accountId"] = "acc-2"
        assert client.post("/rules/x", content=orjson.dumps(other)).status_code == 400
        future = orjson.loads(_batch(13))
        tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        for transaction in future["transactions"]:
            transaction["date"] = f"{tomorrow}T00:00:00"
        assert client.post("/rules/x", content=orjson.dumps(future)).status_code == 400
