"""``/_mock/webhooks``: the tenant's webhook endpoints, and every message with its attempts.

``POST /_mock/webhooks/endpoints`` subscribes a URL (to every event type, or those listed), signed
with the secret given or a new one; messages are listed oldest first with their bodies as sent and
each attempt; a message can be replayed.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.clock import format_utc
from mock_server.core.webhooks import Attempt, Message
from mock_server.http import views
from mock_server.http.schemas import control_schemas
from mock_server.http.web import Session, empty_response, json_body, json_response, session
from mock_server.http.webhooks import WebhookHub


def hub_of(request: Request) -> WebhookHub:
    hub: WebhookHub = request.app.state.webhooks
    return hub


def attempt_view(attempt: Attempt) -> dict[str, Any]:
    return {
        "at": format_utc(attempt.at),
        "timestamp": attempt.timestamp,
        "statusCode": attempt.status_code,
        "error": attempt.error,
        "succeeded": attempt.ok,
        "replay": attempt.replay,
        "nextAttempt": format_utc(attempt.next_attempt) if attempt.next_attempt else None,
    }


def message_view(message: Message) -> dict[str, Any]:
    upcoming = [t for t in (message.replay_due, message.next_attempt) if t is not None]
    return {
        "id": message.id,
        "endpointId": message.endpoint.id,
        "url": message.endpoint.url,
        "eventType": message.event_type,
        "status": message.status,
        "createdAt": format_utc(message.created),
        "nextAttempt": format_utc(min(upcoming)) if upcoming else None,
        "body": orjson.loads(message.body),
        "attempts": [attempt_view(a) for a in message.attempts],
    }


def _session(request: Request) -> Session:
    s = session(request)
    hub_of(request).drain(s.tenant)  # what the calls so far raised is listed already
    return s


async def create_endpoint(request: Request) -> Response:
    s = _session(request)
    body = await json_body(request)
    control_schemas().check("mock-create-webhook-endpoint", body)
    endpoint = s.tenant.webhooks.add_endpoint(body["url"], body.get("secret"), body.get("eventTypes"), s.now)
    return json_response(views.webhook_endpoint(endpoint), 201)


async def list_endpoints(request: Request) -> Response:
    s = _session(request)
    return json_response({"endpoints": [views.webhook_endpoint(e) for e in s.tenant.webhooks.endpoints.values()]})


async def delete_endpoint(request: Request) -> Response:
    s = _session(request)
    s.tenant.webhooks.remove_endpoint(request.path_params["endpointId"])
    return empty_response(204)


async def list_messages(request: Request) -> Response:
    s = _session(request)
    messages = s.tenant.webhooks.list_messages(
        event_type=request.query_params.get("eventType") or None,
        endpoint_id=request.query_params.get("endpointId") or None,
    )
    return json_response({"messages": [message_view(m) for m in messages]})


async def replay_message(request: Request) -> Response:
    s = _session(request)
    message = s.tenant.webhooks.replay(request.path_params["messageId"], s.now)
    hub_of(request).wake()
    return json_response(message_view(message), 202)


routes = [
    Route("/_mock/webhooks/endpoints", create_endpoint, methods=["POST"], name="mock-create-webhook-endpoint"),
    Route("/_mock/webhooks/endpoints", list_endpoints, methods=["GET"], name="mock-list-webhook-endpoints"),
    Route(
        "/_mock/webhooks/endpoints/{endpointId}",
        delete_endpoint,
        methods=["DELETE"],
        name="mock-delete-webhook-endpoint",
    ),
    Route("/_mock/webhooks/messages", list_messages, methods=["GET"], name="mock-list-webhook-messages"),
    Route(
        "/_mock/webhooks/messages/{messageId}/replay",
        replay_message,
        methods=["POST"],
        name="mock-replay-webhook-message",
    ),
]
