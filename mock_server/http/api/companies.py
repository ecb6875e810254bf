"""Companies: create, list, get, replace, update, delete, access token."""

from __future__ import annotations

from collections.abc import Collection

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.model import Company
from mock_server.http import views
from mock_server.http.list_memory import list_memo
from mock_server.http.paging import Listing, page_of_records, page_request
from mock_server.http.schemas import public_schemas, record_fields
from mock_server.http.web import empty_response, json_body, json_response, optional_json_body, session


async def create_company(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    public_schemas().check("create-company", body)
    company = s.tenant.create_company(body["name"], body.get("description"), body.get("tags"), s.now)
    return json_response(views.company(company, s.base_url))


async def list_companies(request: Request) -> Response:
    s = session(request)
    paging = page_request(request.query_params)
    base_url = s.base_url
    listing = Listing(lambda c: views.company(c, base_url), record_fields("Company"), views.COMPANY_READERS)
    records: Collection[Company] = s.tenant.companies.values()
    tags = request.query_params.get("tags")
    # A query may read redirect or linkUrl, which hold the base URL: it is part of what is remembered.
    memo = list_memo(request, s.tenant, "companies", base_url, tags)
    if tags:
        every = records
        records = memo(("tags",), lambda: [c for c in every if _has_tags(c.tags, tags)])
    return json_response(page_of_records(records, listing, paging, request.url.path, memo))


def _has_tags(tags: dict[str, str], wanted: str) -> bool:
    """``tags=region=uk&&uid=1``: every key=value pair must be on the company."""
    for pair in wanted.split("&&"):
        key, _, value = pair.strip().partition("=")
        if tags.get(key.strip()) != value.strip():
            return False
    return True


async def get_company(request: Request) -> Response:
    s = session(request)
    return json_response(views.company(s.tenant.company(request.path_params["companyId"]), s.base_url))


async def replace_company(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    public_schemas().check("replace-company", body)
    company = s.tenant.replace_company(
        request.path_params["companyId"], body["name"], body.get("description"), body.get("tags")
    )
    return json_response(views.company(company, s.base_url))


async def update_company(request: Request) -> Response:
    s = session(request)
    body = await optional_json_body(request)
    public_schemas().check("update-company", body)
    company = s.tenant.update_company(request.path_params["companyId"], body)
    return json_response(views.company(company, s.base_url))


async def delete_company(request: Request) -> Response:
    s = session(request)
    s.tenant.delete_company(request.path_params["companyId"], s.now)
    return empty_response(204)


async def get_access_token(request: Request) -> Response:
    """A bearer token for Codat's embedded UIs; the emulator issues it and checks it nowhere."""
    s = session(request)
    s.tenant.company(request.path_params["companyId"])
    return json_response(views.access_token(s.tenant.ids.hex(64)))


routes = [
    Route("/companies", create_company, methods=["POST"], name="create-company"),
    Route("/companies", list_companies, methods=["GET"], name="list-companies"),
    Route("/companies/{companyId}", get_company, methods=["GET"], name="get-company"),
    Route("/companies/{companyId}", replace_company, methods=["PUT"], name="replace-company"),
    Route("/companies/{companyId}", update_company, methods=["PATCH"], name="update-company"),
    Route("/companies/{companyId}", delete_company, methods=["DELETE"], name="delete-company"),
    Route("/companies/{companyId}/accessToken", get_access_token, methods=["GET"], name="get-company-access-token"),
]
