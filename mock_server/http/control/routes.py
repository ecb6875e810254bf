"""Handlers of the control API: reset, clock, and QBO's link, poll, disconnect and feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts import CONTROL_DOCUMENT, PUBLIC_DOCUMENT
from mock_server.core.clock import ClockOutOfRange, check_in_range, format_utc
from mock_server.core.errors import BadRequest
from mock_server.core.pushes import waiting_count
from mock_server.core.qbo import LinkRequest, disconnect, link, poll, settle
from mock_server.http import views
from mock_server.http.middleware import devkit_of
from mock_server.http.schemas import control_schemas, document_text
from mock_server.http.web import (
    Session,
    api_key,
    empty_response,
    json_body,
    json_response,
    optional_json_body,
    session,
    store_of,
)


async def health(request: Request) -> Response:
    return json_response({"status": "ok"})


async def reset(request: Request) -> Response:
    store = store_of(request)
    key = api_key(request, store.settings)
    store.reset(key)
    devkit_of(request).forget(key)  # a fresh tenant: no journal, no fault rules
    request.app.state.limits.forget(key)  # ... a whole quota and no idempotency keys
    return empty_response(204)


def _clock(s: Session) -> dict[str, Any]:
    return {"now": format_utc(s.tenant.clock.now()), "frozen": s.tenant.clock.frozen}


def _instant(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be an ISO 8601 date-time string.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"'{name}' is not an ISO 8601 date-time: '{value}'.") from None
    try:
        return check_in_range(moment)
    except ClockOutOfRange as exc:
        raise BadRequest(f"'{name}' is out of range: {exc}") from None


async def get_clock(request: Request) -> Response:
    return json_response(_clock(session(request)))


async def set_clock(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    control_schemas().check("mock-set-clock", body)
    now = _instant(body["now"], "now") if body.get("now") is not None else None
    if now is not None and now < s.now and s.tenant.companies:
        # Going back would leave stored transactions in the future; an empty tenant may go anywhere.
        raise BadRequest(
            "The virtual clock only moves forward once the tenant has data: POST /_mock/reset to start over."
        )
    s.tenant.clock.set(now, frozen=body.get("frozen"))
    settle(s.tenant, s.tenant.clock.now())
    # Past midnight the quota is whole again, and client.rateLimit.reset goes out now.
    request.app.state.limits.roll(s.tenant)
    return json_response(_clock(s))


async def advance_clock(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    control_schemas().check("mock-advance-clock", body)
    try:
        s.tenant.clock.advance(float(body["seconds"]))
    except ClockOutOfRange as exc:
        raise BadRequest(f"'seconds' moves the clock out of range: {exc}") from None
    settle(s.tenant, s.tenant.clock.now())
    # Past midnight the quota is whole again, and client.rateLimit.reset goes out now.
    request.app.state.limits.roll(s.tenant)
    return json_response(_clock(s))


def _feed_start(value: Any) -> date:
    if not isinstance(value, str):
        raise BadRequest("'feedStartDate' must be a date, YYYY-MM-DD.")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise BadRequest(f"'feedStartDate' is not a date (YYYY-MM-DD): '{value}'.") from None


async def qbo_link(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    control_schemas().check("mock-qbo-link", body)
    requests = [
        LinkRequest(a["sourceAccountId"], _feed_start(a["feedStartDate"]), a.get("targetAccountId"))
        for a in body["accounts"]
    ]
    linked = link(s.tenant, body["username"], body["password"], requests, s.now)
    return json_response(
        {
            "companyId": linked.connection.company_id,
            "connectionId": linked.connection.id,
            "accounts": [
                {
                    "sourceAccountId": account.id,
                    "status": account.status,
                    "feedStartDate": account.feed_start_date.isoformat() if account.feed_start_date else None,
                    "requestedFeedStartDate": requested.isoformat(),
                    "targetAccountId": account.target_account_id,
                }
                for account, requested in linked.accounts
            ],
        }
    )


async def qbo_poll(request: Request) -> Response:
    s = session(request)
    body = await optional_json_body(request)
    control_schemas().check("mock-qbo-poll", body)
    return json_response({"pulled": poll(s.tenant, s.now, body.get("companyId"))})


async def qbo_disconnect(request: Request) -> Response:
    s = session(request)
    body = await json_body(request)
    control_schemas().check("mock-qbo-disconnect", body)
    account = disconnect(s.tenant, body["companyId"], body["connectionId"], body["sourceAccountId"], s.now)
    return json_response(
        {
            "sourceAccountId": account.id,
            "status": account.status,
            "disconnectedAt": format_utc(account.disconnected_at) if account.disconnected_at else None,
        }
    )


async def qbo_feed(request: Request) -> Response:
    s = session(request)
    company_id, account_id = request.path_params["companyId"], request.path_params["sourceAccountId"]
    company = s.tenant.company(company_id)
    found = [c.accounts[account_id] for c in company.connections.values() if account_id in c.accounts]
    if not found:
        s.tenant.account(company_id, "-", account_id)  # raises the usual NotFound
    account = found[0]
    transactions = []
    for chunk in account.feed:
        polled = format_utc(chunk.polled_at)
        for txn in chunk.transactions:
            transactions.append({**views.transaction(txn), "polledAt": polled})
    return json_response(
        {
            "sourceAccountId": account.id,
            "status": account.status,
            "balance": account.balance,
            "lastPolledAt": format_utc(account.last_polled_at) if account.last_polled_at else None,
            "pending": waiting_count(account),
            "transactions": transactions,
        }
    )


def _document(name: str) -> Any:
    async def serve(request: Request) -> Response:
        return Response(document_text(name), media_type="application/yaml")

    return serve


routes = [
    Route("/_mock/health", health, methods=["GET"], name="mock-health"),
    Route("/_mock/reset", reset, methods=["POST"], name="mock-reset"),
    Route("/_mock/clock", get_clock, methods=["GET"], name="mock-get-clock"),
    Route("/_mock/clock", set_clock, methods=["PUT"], name="mock-set-clock"),
    Route("/_mock/clock/advance", advance_clock, methods=["POST"], name="mock-advance-clock"),
    Route("/_mock/qbo/link", qbo_link, methods=["POST"], name="mock-qbo-link"),
    Route("/_mock/qbo/poll", qbo_poll, methods=["POST"], name="mock-qbo-poll"),
    Route("/_mock/qbo/disconnect", qbo_disconnect, methods=["POST"], name="mock-qbo-disconnect"),
    Route(
        "/_mock/qbo/companies/{companyId}/accounts/{sourceAccountId}/transactions",
        qbo_feed,
        methods=["GET"],
        name="mock-qbo-feed",
    ),
    Route("/_mock/openapi.yaml", _document(CONTROL_DOCUMENT), methods=["GET"], name="mock-openapi"),
    Route("/openapi.yaml", _document(PUBLIC_DOCUMENT), methods=["GET"], name="public-openapi"),
]
