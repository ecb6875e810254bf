"""Source accounts and the credentials the SMB user types into QBO."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import ApiError, BadRequest, Conflict
from mock_server.http import views
from mock_server.http.schemas import public_schemas
from mock_server.http.web import empty_response, json_body, json_response, session


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


async def create_batch(request: Request) -> Response:
    """Each account is created or refused on its own: 201 all created, 409 all already there, else 207."""
    s = session(request)
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        raise BadRequest("The request body must be a non-empty JSON array of source accounts.")
    # A body that breaks the documented shape is refused whole; only accounts of a well-formed
    # batch get results of their own (a duplicate, a v2 account missing a field...).
    public_schemas().check("create-batch-source-account", body)
    connection = s.tenant.connection(*_ids(request))
    results: list[dict[str, Any]] = []
    statuses: list[int] = []
    for item in body:
        item_id = item.get("id") if isinstance(item, dict) else None
        try:
            if isinstance(item_id, str) and item_id in connection.accounts:
                raise Conflict("A source account with the same id already exists on this connection.")
            public_schemas().check("create-source-account", _object(item))
            account = s.tenant.create_source_account(*_ids(request), item, s.now)
        except ApiError as error:
            statuses.append(error.status_code)
            result: dict[str, Any] = {"statusCode": str(error.status_code), "error": error.message}
        else:
            statuses.append(201)
            result = {"statusCode": 201, "error": None, "account": views.source_account(account)}
        results.append(
            {"sourceAccountId": item_id, "result": result} if isinstance(item_id, str) else {"result": result}
        )
    if all(status == 201 for status in statuses):
        return json_response(results, 201)
    return json_response(results, 409 if all(status == 409 for status in statuses) else 207)


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
    # Codat's document answers this operation with the v1 shape (a closed schema), whatever the account's.
    return json_response(views.source_account(account, version=1))


async def delete_source_account(request: Request) -> Response:
    s = session(request)
    s.tenant.delete_source_account(*_ids(request), request.path_params["accountId"])
    return empty_response(204)


async def generate_credentials(request: Request) -> Response:
    s = session(request)
    # The document requires a body but gives it no schema: any JSON is accepted and ignored (the
    # SDK sends "{}"), but not none at all.
    await json_body(request)
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
    Route(ACCOUNTS + "/batch", create_batch, methods=["POST"], name="create-batch-source-account"),
    Route(ACCOUNTS, list_source_accounts, methods=["GET"], name="list-source-accounts"),
    Route(ACCOUNTS + "/{accountId}", update_source_account, methods=["PATCH"], name="update-source-account"),
    Route(ACCOUNTS + "/{accountId}", delete_source_account, methods=["DELETE"], name="delete-source-account"),
]
