"""The developer's dashboard: choose a tenant by its API key, see everything it holds, move its clock."""

from __future__ import annotations

import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from mock_server.core.pushes import waiting_count
from mock_server.core.qbo import settle
from mock_server.http import views
from mock_server.ui.shell import (
    PageError,
    Visit,
    clear_tenant_cookie,
    form_fields,
    key_allowed,
    page,
    redirect,
    render,
    set_tenant_cookie,
    signed_in_action,
    signed_in_page,
    store_of,
    text,
)

UNITS = {"minutes": 60, "hours": 3600, "days": 86400}
# Ten years of virtual time in one step is plenty, and keeps datetime arithmetic in range.
MAX_ADVANCE_SECONDS = 10 * 365 * 86400
#: Newest webhook messages listed; GET /_mock/webhooks/messages has them all.
WEBHOOK_MESSAGES_SHOWN = 50


def _safe_next(value: str) -> str:
    """Only a page of ours: never send the browser to another site after signing in."""
    return value if value.startswith("/ui") and not value.startswith("//") else "/ui"


async def home(request: Request) -> Response:
    return redirect("/ui")


@page
async def login_form(request: Request) -> Response:
    return render(request, "login.html", {"next": _safe_next(request.query_params.get("next", "/ui"))})


@page
async def login(request: Request) -> Response:
    form = await form_fields(request)
    key, target = text(form, "api_key"), _safe_next(text(form, "next"))
    if not key_allowed(store_of(request), key):
        message = "Enter an API key." if not key else "This emulator does not accept that API key."
        return render(request, "login.html", {"next": target, "error": message}, 401)
    response = redirect(target)
    set_tenant_cookie(response, key)
    return response


async def logout(request: Request) -> Response:
    # Forgetting the tenant is harmless whoever asks, so no token is needed.
    response = redirect("/ui/login")
    clear_tenant_cookie(response)
    return response


@signed_in_page
async def dashboard(request: Request, v: Visit) -> Response:
    base = str(request.base_url).rstrip("/")
    companies = []
    for company in v.tenant.companies.values():
        connections = [
            {
                # Shown as is, expired or not: a page view changes nothing (New link replaces it).
                "record": connection,
                "link_url": views.link_url(connection, base),
                "expired": v.now >= connection.otp_expires,
                "accounts": [(a, waiting_count(a)) for a in connection.accounts.values()],
            }
            for connection in company.connections.values()
        ]
        operations = sorted(company.push_operations.values(), key=lambda op: op.requested, reverse=True)
        companies.append({"record": company, "connections": connections, "operations": operations})
    request.app.state.webhooks.drain(v.tenant)  # what the calls so far raised shows already
    outbox = v.tenant.webhooks
    messages = list(reversed(outbox.messages.values()))[:WEBHOOK_MESSAGES_SHOWN]
    return render(
        request,
        "dashboard.html",
        {
            "v": v,
            "companies": companies,
            "frozen": v.tenant.clock.frozen,
            "next_poll": v.tenant.next_poll,
            "endpoints": list(outbox.endpoints.values()),
            "messages": messages,
            "more_messages": len(outbox.messages) - len(messages),
        },
    )


def _seconds(form: FormData) -> float:
    preset = text(form, "seconds")
    if preset:
        raw, unit = preset, "seconds"
        factor = 1
    else:
        raw, unit = text(form, "amount"), text(form, "unit")
        if unit not in UNITS:
            raise PageError(f"Choose a unit: {', '.join(UNITS)}.", status_code=400)
        factor = UNITS[unit]
    try:
        seconds = float(raw) * factor
    except ValueError:
        raise PageError(f"'{raw}' is not a number of {unit}.", status_code=400) from None
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_ADVANCE_SECONDS:
        raise PageError("The clock moves forward by more than nothing and at most ten years at a time.", status_code=400)
    return seconds


@signed_in_action
async def advance_clock(request: Request, v: Visit, form: FormData) -> Response:
    """Same as ``POST /_mock/clock/advance``: what falls due on the way happens."""
    v.tenant.clock.advance(_seconds(form))
    settle(v.tenant, v.tenant.clock.now())
    return redirect("/ui")


@signed_in_action
async def new_link(request: Request, v: Visit, form: FormData) -> Response:
    """Same as generate-otp: a new one-time password, so the old linkUrl stops working."""
    v.tenant.generate_otp(text(form, "company"), text(form, "connection"), v.now)
    return redirect("/ui")
