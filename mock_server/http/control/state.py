"""``/_mock/state``: save the calling tenant's whole state as a scenario, or replace it with one.

The format is ``contracts/scenario.schema.json``, the same as ``--fixtures`` files: a state any test
reaches can be saved (``GET``, as JSON, or as YAML with ``Accept: application/yaml``) and replayed
(``PUT``, JSON or YAML by Content-Type). A body that cannot be loaded answers 400 naming each
problem with its line, and leaves the tenant as it was.

The scenario kit (a YAML reader and writer, the scenario schema) loads with the first call here:
an emulator nobody saves or loads a state on never imports it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import BadRequest
from mock_server.core.rules import Violation
from mock_server.devkit.scenarios.problems import ScenarioError
from mock_server.http.limits import MAX_JSON_DEPTH, too_deep, value_depth
from mock_server.http.web import empty_response, json_response, raw_body, session, store_of

SOURCE = "request body"


def wants_yaml(accept: str) -> bool:
    return "yaml" in accept.lower()


async def get_state(request: Request) -> Response:
    from mock_server.devkit.scenarios.export import export_tenant

    s = session(request)
    state = export_tenant(s.tenant)
    if wants_yaml(request.headers.get("accept", "")):
        from mock_server.devkit.scenarios.text import to_yaml

        return Response(to_yaml(state), media_type="application/yaml")
    return json_response(state)


async def put_state(request: Request) -> Response:
    from mock_server.devkit.scenarios.load import import_tenant
    from mock_server.devkit.scenarios.text import check, parse, parse_json

    s = session(request)
    body = await raw_body(request)
    if not body.strip():
        raise BadRequest("A scenario is required in the body, as JSON or YAML (the shape GET /_mock/state answers).")
    try:
        doc = parse_json(body, SOURCE) if "json" in request.headers.get("content-type", "") else parse(body, SOURCE)
        if value_depth(doc.data) > MAX_JSON_DEPTH:  # before the schema check, which recurses
            raise too_deep("The scenario")
        check(doc)
        # Built aside and swapped in whole: a scenario that fails halfway leaves nothing behind.
        tenant = import_tenant(doc, s.tenant.key, s.tenant.settings)
        if not isinstance(doc.data, dict) or "webhooks" not in doc.data:
            tenant.webhooks.adopt(s.tenant.webhooks)  # a scenario naming no endpoints keeps the tenant's
    except ScenarioError as exc:
        raise BadRequest(
            "The scenario cannot be loaded: " + "; ".join(str(exc).splitlines()[:5]),
            violations=[
                Violation("Scenario", problem.where or None, _located(problem.line, problem.column, problem.message))
                for problem in exc.problems
            ],
        ) from None
    store_of(request).install(tenant)
    return empty_response(204)


def _located(line: int | None, column: int | None, message: str) -> str:
    return f"line {line}, column {column}: {message}" if line is not None else message


routes = [
    Route("/_mock/state", get_state, methods=["GET"], name="mock-get-state"),
    Route("/_mock/state", put_state, methods=["PUT"], name="mock-put-state"),
]
