"""Source accounts and the credentials the SMB user types into QBO."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server import views
from mock_server.errors import BadRequest
from mock_server.schemas import public_schemas
from mock_server.web import empty_response, json_body, json_response, session


def _ids(request: Request) -> tuple[str, str]:
    return request.path_params["companyId"], request.path_params["connectionId"]


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object describing the source account.")
    return body


async def create_source_account(request: Request) -> Response:
    s = session(request)
    body = _object(await json_body(request))
    public_schemas().check("create-source-account", body)
    account = s.tenant.create_source_account(*_ids(request), body, s.now)
    return json_response(views.source_account(account))


async def list_source_accounts(request: Request) -> Response:
    s = session(request)
    connection = s.tenant.connection(*_ids(request))
    return json_response([views.source_account(a) for a in connection.accounts.values()])


async def update_source_account(request: Request) -> Response:
    s = session(request)
    body = _object(await json_body(request))
    public_schemas().check("update-source-account", body)
    account_id = request.path_params["accountId"]
    if "id" in body and body["id"] != account_id:
        raise BadRequest(f"Body 'id' ({body['id']}) differs from the account in the path ({account_id}).")
    account = s.tenant.update_source_account(*_ids(request), account_id, body, s.now)
    return json_response(views.source_account(account))


async def delete_source_account(request: Request) -> Response:
    s = session(request)
    s.tenant.delete_source_account(*_ids(request), request.path_params["accountId"])
    return empty_response(204)


async def generate_credentials(request: Request) -> Response:
    s = session(request)
    # Any JSON, or none, is accepted: the SDK sends the string "{}", which Codat ignores.
    await json_body(request, required=False)
    credentials = s.tenant.generate_credentials(*_ids(request), s.now)
    return json_response(views.credentials(credentials))


async def delete_credentials(request: Request) -> Response:
    s = session(request)
    s.tenant.revoke_credentials(*_ids(request), s.now)
    return empty_response(204)


ACCOUNTS = "/companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts"

routes = [
    # The credentials path must come before {accountId}, which would otherwise match it.
    Route(ACCOUNTS + "/credentials", generate_credentials, methods=["POST"], name="generate-credentials"),
    Route(ACCOUNTS + "/credentials", delete_credentials, methods=["DELETE"], name="delete-bank-feed-credentials"),
    Route(ACCOUNTS, create_source_account, methods=["POST"], name="create-source-account"),
    Route(ACCOUNTS, list_source_accounts, methods=["GET"], name="list-source-accounts"),
    Route(ACCOUNTS + "/{accountId}", update_source_account, methods=["PATCH"], name="update-source-account"),
    Route(ACCOUNTS + "/{accountId}", delete_source_account, methods=["DELETE"], name="delete-source-account"),
]
