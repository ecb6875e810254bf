"""Managed bank feeds: run a sync of one source account now, read a sync, read the latest."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.core.model import ManagedSync
from mock_server.core.syncs import client_id, get_sync, latest_sync, start_sync
from mock_server.http import views
from mock_server.http.web import Session, empty_response, json_response, session


def _ids(request: Request) -> tuple[str, str, str]:
    p = request.path_params
    return p["companyId"], p["connectionId"], p["sourceAccountId"]


def _answer(s: Session, sync: ManagedSync) -> Response:
    company = s.tenant.company(sync.company_id)
    return json_response(views.sync(sync, client_id(s.tenant), company.name))


async def run_sync(request: Request) -> Response:
    s = session(request)
    sync = start_sync(s.tenant, *_ids(request), s.now)
    return json_response({"syncId": sync.id}, 201)


async def get_one(request: Request) -> Response:
    s = session(request)
    return _answer(s, get_sync(s.tenant, *_ids(request), request.path_params["syncId"]))


async def get_latest(request: Request) -> Response:
    s = session(request)
    sync = latest_sync(s.tenant, *_ids(request))
    return empty_response(204) if sync is None else _answer(s, sync)


SYNCS = "/companies/{companyId}/connections/{connectionId}/bankFeedAccounts/{sourceAccountId}/managedBankFeeds/syncs"

routes = [
    Route(SYNCS, run_sync, methods=["POST"], name="run-managed-bank-feed-ad-hoc-sync"),
    # "latest" before {syncId}, which would otherwise take it for an id.
    Route(SYNCS + "/latest", get_latest, methods=["GET"], name="get-latest-managed-bank-feed-sync"),
    Route(SYNCS + "/{syncId}", get_one, methods=["GET"], name="get-managed-bank-feed-sync"),
]
