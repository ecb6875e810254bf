"""``/_mock/faults``: the tenant's fault rules; list, replace, add one, remove all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.errors import BadRequest
from mock_server.core.rules import Violation
from mock_server.devkit.faults import FaultPlan
from mock_server.http import api
from mock_server.http.middleware import CONTROL_PREFIX, devkit_of
from mock_server.http.schemas import control_schemas
from mock_server.http.web import api_key, empty_response, json_body, json_response, store_of


def _plan(request: Request) -> FaultPlan:
    return devkit_of(request).faults(api_key(request, store_of(request).settings))


def public_operations() -> list[str]:
    return [name for route in api.routes if (name := getattr(route, "name", None))]


def check_targets(rules: Iterable[Mapping[str, Any]]) -> None:
    """BadRequest for a rule that could never fire: an unknown operation, or a control path."""
    known = public_operations()
    problems = []
    for index, rule in enumerate(rules):
        operation_id, path = rule.get("operationId"), rule.get("path")
        if operation_id is not None and operation_id not in known:
            problems.append(
                Violation("UnknownOperation", f"rules[{index}].operationId", f"No public operation '{operation_id}'.")
            )
        if isinstance(path, str) and path.startswith(CONTROL_PREFIX):
            problems.append(
                Violation(
                    "ControlPath", f"rules[{index}].path", f"Faults apply to the public API only, not to '{path}'."
                )
            )
    if problems:
        raise BadRequest(
            " ".join(p.message for p in problems) + f" Public operations: {', '.join(sorted(known))}.",
            violations=problems,
        )


def _rules(plan: FaultPlan) -> Response:
    body: dict[str, Any] = {"rules": [rule.as_dict() for rule in plan.rules]}
    return json_response(body)


async def get_faults(request: Request) -> Response:
    return _rules(_plan(request))


async def replace_faults(request: Request) -> Response:
    plan = _plan(request)
    body = await json_body(request)
    control_schemas().check("mock-replace-faults", body)
    check_targets(body["rules"])
    plan.replace(body["rules"])
    return _rules(plan)


async def add_fault(request: Request) -> Response:
    plan = _plan(request)
    body = await json_body(request)
    control_schemas().check("mock-add-fault", body)
    check_targets([body])
    plan.add(body)
    return _rules(plan)


async def clear_faults(request: Request) -> Response:
    _plan(request).clear()
    return empty_response(204)


routes = [
    Route("/_mock/faults", get_faults, methods=["GET"], name="mock-get-faults"),
    Route("/_mock/faults", replace_faults, methods=["PUT"], name="mock-replace-faults"),
    Route("/_mock/faults", add_fault, methods=["POST"], name="mock-add-fault"),
    Route("/_mock/faults", clear_faults, methods=["DELETE"], name="mock-clear-faults"),
]
