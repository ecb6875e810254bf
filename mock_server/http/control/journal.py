"""``/_mock/requests``: the tenant's request journal, newest first, filtered; and clearing it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import BadRequest
from mock_server.devkit.journal import Filter, render_all
from mock_server.http.middleware import devkit_of
from mock_server.http.web import api_key, check_query, empty_response, json_response, query_int, store_of

#: At most this many entries per answer unless ``limit`` says otherwise (the journal holds 1000).
DEFAULT_LIMIT = 100


def _key(request: Request) -> str:
    return api_key(request, store_of(request).settings)


async def list_requests(request: Request) -> Response:
    journal = devkit_of(request).journal(_key(request))
    check_query(request)
    limit = query_int(request, "limit")
    if limit is not None and limit < 1:
        raise BadRequest("Query parameter 'limit' must be 1 or more.")
    where = Filter(
        operation_id=request.query_params.get("operationId") or None,
        method=request.query_params.get("method") or None,
        path=request.query_params.get("path") or None,
        status=query_int(request, "status"),
    )
    entries = []
    for entry in journal.newest_first(where):
        entries.append(entry)
        if len(entries) == (limit or DEFAULT_LIMIT):
            break
    return json_response(
        {
            "requests": render_all(entries),
            "recorded": journal.recorded,
            "kept": len(journal),
            "capacity": journal.capacity,
            "bodyLimit": journal.body_limit,
        }
    )


async def clear_requests(request: Request) -> Response:
    devkit_of(request).journal(_key(request)).clear()
    return empty_response(204)


routes = [
    Route("/_mock/requests", list_requests, methods=["GET"], name="mock-list-requests"),
    Route("/_mock/requests", clear_requests, methods=["DELETE"], name="mock-clear-requests"),
]
