"""Connections: list, create (QBO Bank Feeds only), get, delete, unlink; one-time passwords."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.clock import format_utc
from mock_server.core.errors import BadRequest
from mock_server.http import views
from mock_server.http.list_memory import list_memo
from mock_server.http.paging import Listing, page_of_records, page_request
from mock_server.http.schemas import public_schemas, record_fields
from mock_server.http.web import json_response, optional_json_body, session


async def list_connections(request: Request) -> Response:
    s = session(request)
    paging = page_request(request.query_params)
    company = s.tenant.company(request.path_params["companyId"])
    # An expired one-time password is replaced here, as Codat hands out a fresh linkUrl.
    records = [s.tenant.fresh_otp(c, s.now) for c in company.connections.values()]
    base_url = s.base_url
    listing = Listing(lambda c: views.connection(c, base_url), record_fields("Connection"), views.CONNECTION_READERS)
    memo = list_memo(request, s.tenant, "connections", company.id, base_url)
    return json_response(page_of_records(records, listing, paging, request.url.path, memo))


async def create_connection(request: Request) -> Response:
    s = session(request)
    body = await optional_json_body(request)
    public_schemas().check("create-connection", body)
    platform_key = body.get("platformKey")
    if not platform_key:
        raise BadRequest("'platformKey' is required: use 'hcws' for QuickBooks Online Bank Feeds.")
    connection = s.tenant.create_connection(request.path_params["companyId"], platform_key, s.now)
    return json_response(views.connection(connection, s.base_url))


async def get_connection(request: Request) -> Response:
    s = session(request)
    connection = s.tenant.connection(request.path_params["companyId"], request.path_params["connectionId"])
    return json_response(views.connection(s.tenant.fresh_otp(connection, s.now), s.base_url))


async def delete_connection(request: Request) -> Response:
    s = session(request)
    s.tenant.delete_connection(request.path_params["companyId"], request.path_params["connectionId"], s.now)
    return Response(status_code=200)


async def unlink_connection(request: Request) -> Response:
    s = session(request)
    body = await optional_json_body(request)
    public_schemas().check("unlink-connection", body)
    if body.get("status", "Unlinked") != "Unlinked":
        raise BadRequest("A connection can only be set to status 'Unlinked' here.")
    connection = s.tenant.unlink_connection(
        request.path_params["companyId"], request.path_params["connectionId"], s.now
    )
    return json_response(views.connection(connection, s.base_url))


async def generate_otp(request: Request) -> Response:
    s = session(request)
    connection = s.tenant.generate_otp(request.path_params["companyId"], request.path_params["connectionId"], s.now)
    return json_response({"otp": connection.otp, "expiry": format_utc(connection.otp_expires)})


COMPANY = "/companies/{companyId}/connections"
CONNECTION = COMPANY + "/{connectionId}"

routes = [
    Route(COMPANY, list_connections, methods=["GET"], name="list-connections"),
    Route(COMPANY, create_connection, methods=["POST"], name="create-connection"),
    Route(CONNECTION, get_connection, methods=["GET"], name="get-connection"),
    Route(CONNECTION, delete_connection, methods=["DELETE"], name="delete-connection"),
    Route(CONNECTION, unlink_connection, methods=["PATCH"], name="unlink-connection"),
    Route(CONNECTION + "/bankFeeds/otp", generate_otp, methods=["POST"], name="generate-otp"),
]
