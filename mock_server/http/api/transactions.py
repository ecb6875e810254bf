"""Bank transactions: write a batch (every QBO rule applies), read push operations back."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import BadRequest, NotFound
from mock_server.core.model import Batch, DetailedBatch, PushOperation
from mock_server.core.push_options import bank_transactions_model
from mock_server.core.pushes import create_bank_transactions, write_records
from mock_server.core.rules import Violation
from mock_server.http import views
from mock_server.http.paging import Listing, page_of_records, page_request
from mock_server.http.schemas import public_schemas, record_fields
from mock_server.http.web import json_response, parse_body, query_int, raw_body, session


async def create(request: Request) -> Response:
    s = session(request)
    data = await raw_body(request)
    batch = decode_batch(data)
    body = parse_body(data) if batch is None else None
    if batch is None and not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with 'accountId' and 'transactions'.")
    timeout = query_int(request, "timeoutInMinutes")
    if timeout is not None and timeout < 0:
        raise BadRequest("Query parameter 'timeoutInMinutes' cannot be negative.")
    if batch is not None:
        operation = write_records(s.tenant, *_path(request), batch, data, timeout, s.now)
        if operation is not None:
            return Response(echo(operation, data), media_type="application/json")
        body = orjson.loads(data)  # not sure it is valid: the precise path judges it
    assert isinstance(body, dict)
    operation = create_bank_transactions(
        s.tenant, *_path(request), body, timeout, s.now, shape_violations=_left_to_the_document(body)
    )
    answer = views.push_operation(operation)
    answer["data"] = {"accountId": body["accountId"], "transactions": body["transactions"]}
    return json_response(answer)


def _path(request: Request) -> tuple[str, str, str]:
    params = request.path_params
    return params["companyId"], params["connectionId"], params["accountId"]


# Most batches carry only the fields QBO reads; the few that also send counterparty, reference or
# reconciled fail the first decoder at their first such field, early and cheaply.
_DECODERS = (msgspec.json.Decoder(Batch), msgspec.json.Decoder(DetailedBatch))


def echo(operation: PushOperation, data: bytes) -> bytes:
    """The answer to an accepted batch decoded from ``data``: its push operation, with ``data``.

    The echo is the body itself: it decoded into exactly accountId and the documented transaction
    fields, so its bytes are the batch as sent, with nothing to rebuild (and copied once).
    """
    head = orjson.dumps(views.push_operation(operation))
    return b"".join((head[:-1], b',"data":', data, b"}"))


def decode_batch(data: bytes) -> Batch | DetailedBatch | None:
    """The body as typed records, or None for any body that is not a plainly well-typed batch
    (malformed JSON, a field of the wrong type, an unknown field...): the precise path then
    judges it and words the answer, exactly as for any other body."""
    for decoder in _DECODERS:
        try:
            batch: Batch | DetailedBatch = decoder.decode(data)
        except msgspec.DecodeError:
            continue
        return batch
    return None


# What the rule engine judges itself, under a QBO validatorName: the document's "Schema" error
# for the same fault would only repeat it less clearly.
_JUDGED_BY_RULES = re.compile(r"(accountId|transactions(\[\d+\](\.(id|date|description|amount|transactionType))?)?)?")


def _left_to_the_document(body: dict[str, Any]) -> list[Violation]:
    """Shape faults no rule covers (a string balance, a numeric counterparty...)."""
    return [
        v
        for v in public_schemas().problems("create-bank-transactions", body)
        if not _JUDGED_BY_RULES.fullmatch(v.item_id or "")
    ]


async def get_operation(request: Request) -> Response:
    s = session(request)
    company = s.tenant.company(request.path_params["companyId"])
    operation = company.push_operations.get(request.path_params["pushOperationKey"])
    if operation is None:
        raise NotFound(f"No push operation with key {request.path_params['pushOperationKey']}")
    return json_response(views.push_operation(operation))


async def list_operations(request: Request) -> Response:
    s = session(request)
    paging = page_request(request.query_params)
    company = s.tenant.company(request.path_params["companyId"])
    listing = Listing(views.push_operation, record_fields("PushOperation"), views.PUSH_OPERATION_READERS)
    return json_response(page_of_records(company.push_operations.values(), listing, paging, request.url.path))


async def get_create_model(request: Request) -> Response:
    s = session(request)
    account = s.tenant.account(
        request.path_params["companyId"], request.path_params["connectionId"], request.path_params["accountId"]
    )
    return json_response(bank_transactions_model(account))


routes = [
    Route(
        "/companies/{companyId}/connections/{connectionId}/push/bankAccounts/{accountId}/bankTransactions",
        create,
        methods=["POST"],
        name="create-bank-transactions",
    ),
    Route(
        "/companies/{companyId}/connections/{connectionId}/options/bankAccounts/{accountId}/bankTransactions",
        get_create_model,
        methods=["GET"],
        name="get-create-bank-transactions-model",
    ),
    Route(
        "/companies/{companyId}/push/{pushOperationKey}", get_operation, methods=["GET"], name="get-create-operation"
    ),
    Route("/companies/{companyId}/push", list_operations, methods=["GET"], name="list-create-operations"),
]
