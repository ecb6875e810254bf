"""Bank transactions: write a batch (every QBO rule applies), read push operations back."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import BadRequest, NotFound
from mock_server.core.push_options import bank_transactions_model
from mock_server.core.pushes import create_bank_transactions
from mock_server.core.rules import Violation
from mock_server.http import views
from mock_server.http.paging import Listing, page_of_records, page_request
from mock_server.http.schemas import public_schemas, record_fields
from mock_server.http.web import json_body, json_response, query_int, session


async def create(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with 'accountId' and 'transactions'.")
    timeout = query_int(request, "timeoutInMinutes")
    if timeout is not None and timeout < 0:
        raise BadRequest("Query parameter 'timeoutInMinutes' cannot be negative.")
    operation = create_bank_transactions(
        s.tenant,
        request.path_params["companyId"],
        request.path_params["connectionId"],
        request.path_params["accountId"],
        body,
        timeout,
        s.now,
        shape_violations=_left_to_the_document(body),
    )
    answer = views.push_operation(operation)
    answer["data"] = {"accountId": body["accountId"], "transactions": body["transactions"]}
    return json_response(answer)


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
    Route("/companies/{companyId}/push/{pushOperationKey}", get_operation, methods=["GET"], name="get-create-operation"),
    Route("/companies/{companyId}/push", list_operations, methods=["GET"], name="list-create-operations"),
]
