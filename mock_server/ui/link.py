"""The Link UI at a connection's ``linkUrl``: review, get one-time credentials, revoke them.

These pages carry no API key: the company and connection ids in the path find the connection in
whichever tenant holds it, and the ``otp`` (query on GET, hidden field on POST) is the proof of
access. A one-time password grants nothing once expired or replaced, and counts as used once
credentials have been generated through it (README, Behaviour notes).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from mock_server.core.model import Company, Connection, CredentialSet
from mock_server.core.qbo import settle
from mock_server.core.tenant import Tenant
from mock_server.ui.memory import TenantMemory
from mock_server.ui.shell import form_fields, memory_of, page, redirect, render, store_of, text


@dataclass(frozen=True)
class LinkVisit:
    """A link page opened with a valid one-time password."""

    tenant: Tenant
    company: Company
    connection: Connection
    otp: str
    now: datetime
    memory: TenantMemory

    @property
    def issued(self) -> CredentialSet | None:
        return self.memory.issued_through(self.connection, self.otp)

    @property
    def path(self) -> str:
        return f"/link/{self.company.id}/{self.connection.id}"


def _closed(request: Request, reason: str, status_code: int, **context: object) -> Response:
    return render(request, "link_closed.html", {"reason": reason, **context}, status_code)


def open_link(request: Request, otp: str) -> LinkVisit | Response:
    """The visit this password opens, or the page that says why it opens nothing."""
    company_id, connection_id = request.path_params["companyId"], request.path_params["connectionId"]
    found = store_of(request).find_connections(company_id, connection_id)
    if not found:
        return _closed(request, "unknown", 404)
    # Ids are per tenant, so two tenants may hold the same pair: the password says which one.
    match = [(t, c) for t, c in found if otp and hmac.compare_digest(c.otp.encode(), otp.encode())]
    if not match:
        return _closed(request, "replaced", 410)
    tenant, connection = match[0]
    now = tenant.clock.now()
    settle(tenant, now)
    if now >= connection.otp_expires:
        return _closed(request, "expired", 410, expired=connection.otp_expires)
    company = tenant.company(company_id)
    return LinkVisit(tenant, company, connection, otp, now, memory_of(request).of(tenant))


@page
async def review(request: Request) -> Response:
    """Step one: who asks for what. A used password says so instead."""
    v = open_link(request, request.query_params.get("otp", ""))
    if isinstance(v, Response):
        return v
    issued = v.issued
    if issued is not None:
        return _closed(request, "used", 410, used=issued.created)
    return render(request, "link_review.html", {"v": v})


@page
async def setup(request: Request) -> Response:
    """Step two, "Set up QuickBooks": the Get credentials button, then the set it gave."""
    v = open_link(request, request.query_params.get("otp", ""))
    if isinstance(v, Response):
        return v
    return render(request, "link_setup.html", {"v": v, "credentials": v.issued})


@page
async def get_credentials(request: Request) -> Response:
    """Same transition as generate-credentials; at most once per one-time password."""
    form = await form_fields(request)
    v = open_link(request, text(form, "otp"))
    if isinstance(v, Response):
        return v
    issued = v.issued
    if issued is not None:
        return _closed(request, "used", 410, used=issued.created)
    credentials = v.tenant.generate_credentials(v.company.id, v.connection.id, v.now)
    v.memory.issued[(v.connection.id, v.otp)] = credentials
    return redirect(v.path + "/setup", otp=v.otp)


@page
async def revoke_credentials(request: Request) -> Response:
    """Same transition as delete-bank-feed-credentials: every set of the connection, at once."""
    form = await form_fields(request)
    v = open_link(request, text(form, "otp"))
    if isinstance(v, Response):
        return v
    v.tenant.revoke_credentials(v.company.id, v.connection.id, v.now)
    return redirect(v.path + "/setup", otp=v.otp)


@page
async def company_redirect(request: Request) -> Response:
    """A company's ``redirect``: linking starts from a connection's linkUrl, which carries the OTP."""
    return render(request, "link_start.html")
