"""How far the push could go: endpoints doing only part of the emulator's work, on the same stack.

Each is a bare Starlette endpoint like :mod:`benchmarks.bare`'s, run as its own process beside it:

- ``/decode/...`` decodes the body with the emulator's own decoder (one pass into typed records),
  keeps the body as the emulator keeps an accepted batch, and answers with the emulator's echo of
  a Pending push operation. It is the ceiling of any push that checks types and echoes.
- ``/rules/...`` does that and, between decoding and keeping, what the emulator's hot path asks of
  the QBO rules: :func:`~mock_server.core.rules.accepted_ids` on the typed records, against the
  ids one account already holds (:class:`~mock_server.core.known_ids.KnownIds`), which then takes
  the batch. A batch the rules refuse (an id seen before, a date outside the window) gets a 400.

Their ratios to the bare POST say how much of the gap between the emulator and a bare parse is
the rules, and how much everything else (the push operation, the journal, the middleware).
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.known_ids import KnownIds
from mock_server.core.model import PushOperation
from mock_server.core.rules import AccountView, accepted_ids
from mock_server.core.stored import Transactions
from mock_server.http.api.transactions import decode_batch, echo

# A Pending push operation like the emulator's, answered with each batch through the emulator's echo.
_OPERATION = PushOperation(
    key="7dd8e2ff-3bc5-4e65-8bc8-b0d8eb5ba3d3", company_id="8a210b68-6988-11ed-a1eb-0242ac120002",
    connection_id="2e9d2c44-f675-40ba-8049-353bfcb5e171", account_id="acc-1",
    requested=datetime(2026, 12, 1, tzinfo=UTC), due=datetime(2026, 12, 1, tzinfo=UTC), timeout_minutes=None,
    transactions=Transactions(),
)
_REFUSED = Response(b'{"statusCode":400}', status_code=400, media_type="application/json")

#: What the endpoints keep: the bodies (``/decode``), and one account's ids (``/rules``).
kept: list[Transactions] = []
known = KnownIds()


def _echo(data: bytes) -> Response:
    return Response(echo(_OPERATION, data), media_type="application/json")


async def decode(request: Request) -> Response:
    data = await request.body()
    batch = decode_batch(data)
    if batch is None:
        return _REFUSED
    kept.append(Transactions.of_body(data, batch))
    return _echo(data)


async def rules(request: Request) -> Response:
    data = await request.body()
    batch = decode_batch(data)
    if batch is None:
        return _REFUSED
    now = datetime.now(UTC)
    # A connected, writable account whose feed started today, as the bench's own account is.
    account = AccountView("acc-1", "connected", True, now.date(), None, known)
    ids = accepted_ids("acc-1", batch.account_id, batch.transactions, account, now)
    if ids is None:
        return _REFUSED
    known.add(Transactions.of_body(data, batch), ids)
    return _echo(data)


async def get(request: Request) -> Response:
    return Response(b"{}", media_type="application/json")


app = Starlette(routes=[
    Route("/decode/{rest:path}", decode, methods=["POST"]),
    Route("/rules/{rest:path}", rules, methods=["POST"]),
    Route("/get/{rest:path}", get, methods=["GET"]),
])
