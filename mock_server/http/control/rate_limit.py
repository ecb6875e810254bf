"""``/_mock/rate-limit``: the calling tenant's daily quota as Codat counts it, and what is left."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.clock import format_utc
from mock_server.core.quotas import IN_FLIGHT_LIMIT
from mock_server.http.rate_limits import Limits
from mock_server.http.web import json_response, session


def limits_of(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


async def get_rate_limit(request: Request) -> Response:
    s = session(request)
    limits = limits_of(request)
    if not limits.enabled:
        return json_response(
            {
                "mode": "off",
                "dailyQuotaBase": limits.base,
                "activeConnectedCompanies": None,
                "dailyQuota": None,
                "used": None,
                "quotaRemaining": None,
                "nextReset": None,
                "inFlight": None,
                "inFlightLimit": None,
            }
        )
    quota, allowance, active = limits.status(s.tenant)
    return json_response(
        {
            "mode": "codat",
            "dailyQuotaBase": limits.base,
            "activeConnectedCompanies": active,
            "dailyQuota": allowance.limit,
            "used": quota.used,
            "quotaRemaining": allowance.remaining,
            "nextReset": format_utc(allowance.reset),
            "inFlight": quota.in_flight_total,
            "inFlightLimit": IN_FLIGHT_LIMIT,
        }
    )


routes = [Route("/_mock/rate-limit", get_rate_limit, methods=["GET"], name="mock-get-rate-limit")]
