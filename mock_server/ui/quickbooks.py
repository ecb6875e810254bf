"""QuickBooks Online's screens, simulated: Link account, and Bank transactions with Update.

"Link account" is the SMB user's side of ``POST /_mock/qbo/link``: the one-time credentials, then
the source accounts to connect, each with a QuickBooks account type and a feed start date. "Bank
transactions" shows what QBO has pulled per connected account; Update polls now (``poll``) and
Disconnect is QBO's ``disconnect``. Every change goes through the same core functions as the API.
"""

from __future__ import annotations

from datetime import date, timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from mock_server.core.errors import ApiError, BadRequest, Unauthorized
from mock_server.core.model import PENDING, Connection, SourceAccount
from mock_server.core.pushes import waiting_count
from mock_server.core.qbo import LinkRequest, disconnect, find_credentials, link, poll
from mock_server.core.rules import HISTORY_DAYS
from mock_server.ui.feed import feed_rows
from mock_server.ui.memory import QboChoice
from mock_server.ui.shell import Visit, redirect, render, signed_in_action, signed_in_page, text

# The chart-of-accounts types QBO offers for a bank feed.
ACCOUNT_TYPES = ("Bank", "Credit Card")


def default_type(account: SourceAccount) -> str:
    kind = str(account.fields.get("accountType") or "")
    return "Credit Card" if kind in ("creditCard", "prepaidCard", "Credit") else "Bank"


def _link_form(request: Request, v: Visit, **context: object) -> Response:
    status = context.pop("status", 200)
    assert isinstance(status, int)
    return render(request, "qbo_link.html", {"v": v, "account_types": ACCOUNT_TYPES, **context}, status)


def _choose_accounts(
    request: Request, v: Visit, connection: Connection, username: str, password: str, **context: object
) -> Response:
    earliest = v.now.date() - timedelta(days=HISTORY_DAYS)
    return _link_form(
        request,
        v,
        step="accounts",
        connection=connection,
        company=v.tenant.company(connection.company_id),
        accounts=list(connection.accounts.values()),
        username=username,
        password=password,
        default_type=default_type,
        default_start=earliest,
        today=v.now.date(),
        **context,
    )


@signed_in_page
async def index(request: Request, v: Visit) -> Response:
    return render(request, "qbo_index.html", {"v": v, "companies": list(v.tenant.companies.values())})


@signed_in_page
async def link_form(request: Request, v: Visit) -> Response:
    return _link_form(request, v, step="credentials")


@signed_in_action
async def link_post(request: Request, v: Visit, form: FormData) -> Response:
    """Sign in with the one-time credentials, then connect the chosen accounts."""
    username, password = text(form, "username"), text(form, "password")
    try:
        connection = find_credentials(v.tenant, username, password)
    except Unauthorized as exc:
        return _link_form(request, v, step="credentials", error=exc.message, username=username, status=401)
    if text(form, "step") != "connect":
        return _choose_accounts(request, v, connection, username, password)
    try:
        requests, choices = _chosen(form, connection)
        linked = link(v.tenant, username, password, requests, v.now)
    except ApiError as exc:
        status = 401 if isinstance(exc, Unauthorized) else 400
        return _choose_accounts(request, v, connection, username, password, error=exc.message, status=status)
    for account, _ in linked.accounts:
        v.memory.choices[(connection.id, account.id)] = choices[account.id]
    return redirect(f"/ui/qbo/companies/{connection.company_id}", connected=len(linked.accounts))


def _chosen(form: FormData, connection: Connection) -> tuple[list[LinkRequest], dict[str, QboChoice]]:
    """The ticked accounts with their type and start date, or BadRequest naming what is wrong."""
    requests: list[LinkRequest] = []
    choices: dict[str, QboChoice] = {}
    for value in form.getlist("account"):
        account_id = value if isinstance(value, str) else ""
        account = connection.accounts.get(account_id)
        if account is None:
            raise BadRequest(f"Source account '{account_id}' is not on this connection.")
        name = account.fields.get("accountName") or account.id
        account_type = text(form, f"type-{account_id}")
        if account_type not in ACCOUNT_TYPES:
            raise BadRequest(f"Choose a QuickBooks account type for {name}.")
        raw = text(form, f"start-{account_id}")
        try:
            start = date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"The feed start date for {name} is not a date (YYYY-MM-DD): '{raw}'.") from None
        requests.append(LinkRequest(account_id, start))
        choices[account_id] = QboChoice(account_type, start)
    if not requests:
        raise BadRequest("Choose at least one source account to connect.")
    return requests, choices


@signed_in_page
async def bank_transactions(request: Request, v: Visit) -> Response:
    company = v.tenant.company(request.path_params["companyId"])
    feeds = []
    for connection in company.connections.values():
        for account in connection.accounts.values():
            if account.linked_with is None:
                continue  # never connected in QuickBooks: QBO does not know it
            feeds.append(
                {
                    "connection": connection,
                    "account": account,
                    "rows": feed_rows(account),
                    "pending": waiting_count(account),
                    # Transactions of pushes still Pending at Codat: Update cannot pull them yet.
                    "writing": sum(len(op.transactions) for op in account.waiting if op.status == PENDING),
                    "choice": v.memory.choices.get((connection.id, account.id)),
                }
            )
    return render(
        request,
        "qbo_feed.html",
        {
            "v": v,
            "company": company,
            "feeds": feeds,
            "pulled": request.query_params.get("pulled"),
            "connected": request.query_params.get("connected"),
            "disconnected": request.query_params.get("disconnected"),
        },
    )


@signed_in_action
async def update(request: Request, v: Visit, form: FormData) -> Response:
    """QBO's Update button: poll this company's feeds now."""
    company_id = request.path_params["companyId"]
    pulled = poll(v.tenant, v.now, company_id)
    return redirect(f"/ui/qbo/companies/{company_id}", pulled=pulled)


@signed_in_action
async def disconnect_feed(request: Request, v: Visit, form: FormData) -> Response:
    company_id = request.path_params["companyId"]
    account = disconnect(v.tenant, company_id, text(form, "connection"), text(form, "account"), v.now)
    return redirect(f"/ui/qbo/companies/{company_id}", disconnected=account.id)
