"""Account mapping: which QBO bank account each source account feeds, and which it could."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.account_creation import qbo_company
from mock_server.core.chart import map_source_account, target_options
from mock_server.core.errors import BadRequest
from mock_server.http import views
from mock_server.http.schemas import public_schemas
from mock_server.http.web import json_body, json_response, session


async def get_mappings(request: Request) -> Response:
    s = session(request)
    company_id, connection_id = request.path_params["companyId"], request.path_params["connectionId"]
    qbo = qbo_company(s.tenant, company_id, connection_id, s.now)
    company = s.tenant.company(company_id)
    connection = s.tenant.connection(company_id, connection_id)
    return json_response([views.mapping(a, qbo, target_options(company, qbo, a)) for a in connection.accounts.values()])


async def create_mapping(request: Request) -> Response:
    s = session(request)
    company_id, connection_id = request.path_params["companyId"], request.path_params["connectionId"]
    body = await json_body(request)
    public_schemas().check("create-bank-account-mapping", body)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object with 'sourceAccountId'.")
    qbo = qbo_company(s.tenant, company_id, connection_id, s.now)
    outcome = map_source_account(
        s.tenant.company(company_id), s.tenant.connection(company_id, connection_id), qbo, body, s.now
    )
    return json_response(
        {
            "sourceAccountId": outcome.source_account_id,
            "targetAccountId": outcome.target_account_id,
            "status": outcome.status,
            "error": outcome.error,
        }
    )


MAPPING = "/companies/{companyId}/connections/{connectionId}/bankFeedAccounts/mapping"

routes = [
    Route(MAPPING, get_mappings, methods=["GET"], name="get-bank-account-mapping"),
    Route(MAPPING, create_mapping, methods=["POST"], name="create-bank-account-mapping"),
]
