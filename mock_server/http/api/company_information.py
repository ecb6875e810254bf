"""Company information: what the QBO company behind a connection says about itself."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.account_creation import qbo_company
from mock_server.http import views
from mock_server.http.web import json_response, session


async def get_company_information(request: Request) -> Response:
    s = session(request)
    qbo = qbo_company(s.tenant, request.path_params["companyId"], request.path_params["connectionId"], s.now)
    return json_response(views.company_information(qbo))


routes = [
    Route(
        "/companies/{companyId}/connections/{connectionId}/bankFeeds/info",
        get_company_information,
        methods=["GET"],
        name="get-company-information",
    ),
]
