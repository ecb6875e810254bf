"""Bank accounts in QBO (the target side): list the chart, the create model, create one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.account_creation import create_bank_account, qbo_company
from mock_server.core.errors import BadRequest
from mock_server.core.push_options import bank_account_model
from mock_server.http import views
from mock_server.http.paging import Listing, page_of_records, page_request
from mock_server.http.schemas import public_schemas, record_fields
from mock_server.http.web import json_body, json_response, query_int, session


def _ids(request: Request) -> tuple[str, str]:
    return request.path_params["companyId"], request.path_params["connectionId"]


async def list_bank_accounts(request: Request) -> Response:
    s = session(request)
    paging = page_request(request.query_params)
    qbo = qbo_company(s.tenant, *_ids(request), s.now)
    listing = Listing(views.bank_account, record_fields("BankAccount"), views.BANK_ACCOUNT_READERS)
    return json_response(page_of_records(qbo.chart.values(), listing, paging, request.url.path))


async def get_create_model(request: Request) -> Response:
    s = session(request)
    return json_response(bank_account_model(qbo_company(s.tenant, *_ids(request), s.now)))


async def create(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    public_schemas().check("create-bank-account", body)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object describing the bank account.")
    timeout = query_int(request, "timeoutInMinutes")
    if timeout is not None and timeout < 0:
        raise BadRequest("Query parameter 'timeoutInMinutes' cannot be negative.")
    operation = create_bank_account(s.tenant, *_ids(request), body, timeout, s.now)
    return json_response({**views.push_operation(operation), "data": body})


CONNECTION = "/companies/{companyId}/connections/{connectionId}"

routes = [
    Route(CONNECTION + "/data/bankAccounts", list_bank_accounts, methods=["GET"], name="list-bank-accounts"),
    Route(
        CONNECTION + "/options/bankAccounts", get_create_model, methods=["GET"], name="get-create-bankAccounts-model"
    ),
    Route(CONNECTION + "/push/bankAccounts", create, methods=["POST"], name="create-bank-account"),
]
