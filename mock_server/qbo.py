"""QuickBooks Online's side, simulated: the SMB user linking accounts, QBO polling, disconnecting.

In production the SMB user types one-time credentials into QBO, picks source accounts and a feed
start date; QBO then pulls waiting transactions about once a day. Here the control API drives the
same transitions, and :func:`settle` runs whatever falls due on the tenant's virtual clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mock_server.errors import BadRequest, NotFound, Unauthorized
from mock_server.model import ACCOUNT_CONNECTED, ACCOUNT_DISCONNECTED, SUCCESS, Connection, FeedChunk, SourceAccount
from mock_server.pushes import complete_due
from mock_server.rules import HISTORY_DAYS
from mock_server.tenant import Tenant


@dataclass(frozen=True)
class LinkRequest:
    source_account_id: str
    feed_start_date: date


@dataclass(frozen=True)
class Linked:
    connection: Connection
    accounts: list[tuple[SourceAccount, date]]


def clamp_feed_start(requested: date, now: datetime) -> date:
    """QBO takes at most seven days of history: an older start date is moved up to today - 7."""
    return max(requested, now.date() - timedelta(days=HISTORY_DAYS))


def find_credentials(tenant: Tenant, username: str, password: str) -> Connection:
    for company in tenant.companies.values():
        for connection in company.connections.values():
            credentials = connection.credentials.get(username)
            if credentials is not None and credentials.password == password and not credentials.revoked:
                return connection
    raise Unauthorized("QuickBooks refused the credentials: unknown, wrong or revoked username and password.")


def link(tenant: Tenant, username: str, password: str, requests: list[LinkRequest], now: datetime) -> Linked:
    """The SMB user enters a set of credentials in QBO and connects these source accounts."""
    connection = find_credentials(tenant, username, password)
    if not requests:
        raise BadRequest("Choose at least one source account to connect.")
    accounts = []
    for request in requests:
        account = connection.accounts.get(request.source_account_id)
        if account is None:
            raise NotFound(f"Source account {request.source_account_id} not found on data connection {connection.id}")
        accounts.append((account, request.feed_start_date))
    for account, requested in accounts:
        account.status = ACCOUNT_CONNECTED
        account.feed_start_date = clamp_feed_start(requested, now)
        account.linked_with = username
        account.disconnected_at = None
        account.modified = now
        if account in tenant.lagging:
            tenant.lagging.remove(account)
    connection.status = "Linked"
    return Linked(connection, accounts)


def disconnect(tenant: Tenant, company_id: str, connection_id: str, account_id: str, now: datetime) -> SourceAccount:
    """The SMB user disconnects the feed in QBO: writes fail now, Codat's status turns later."""
    account = tenant.account(company_id, connection_id, account_id)
    if account.disconnected_at is None and account.status != ACCOUNT_DISCONNECTED:
        tenant.disconnect_in_qbo(account, now)
    complete_due(tenant, now)
    return account


def poll(tenant: Tenant, now: datetime, company_id: str | None = None) -> int:
    """QBO pulls every waiting transaction of every connected account, in order, exactly once."""
    companies = [tenant.company(company_id)] if company_id is not None else list(tenant.companies.values())
    pulled = 0
    for company in companies:
        for connection in company.connections.values():
            for account in connection.accounts.values():
                pulled += _pull(account, now)
            if connection.status == "Linked":
                connection.last_sync = now
        company.last_sync = now
    return pulled


def _pull(account: SourceAccount, now: datetime) -> int:
    # Judged at the poll's own instant, which settle() may place before the current time.
    linked = account.linked_with is not None
    if not linked or (account.disconnected_at is not None and account.disconnected_at <= now):
        return 0
    ready = 0
    # Stop at the first push still pending: what comes after it must not overtake it in the feed.
    for operation in account.waiting:
        if operation.status != SUCCESS or operation.completed is None or operation.completed > now:
            break
        ready += 1
    account.last_polled_at = now
    if ready == 0:
        return 0
    taken, account.waiting = account.waiting[:ready], account.waiting[ready:]
    transactions = [txn for operation in taken for txn in operation.transactions]
    account.feed.append(FeedChunk(now, transactions))
    account.feed_size += len(transactions)
    return len(transactions)


def settle(tenant: Tenant, now: datetime) -> None:
    """Run everything due by ``now``: status lags, push completions, scheduled polls."""
    lag = timedelta(days=tenant.settings.disconnect_lag_days)
    if tenant.lagging:
        still: list[SourceAccount] = []
        for account in tenant.lagging:
            if account.disconnected_at is not None and account.disconnected_at + lag <= now:
                account.status = ACCOUNT_DISCONNECTED
                _refresh(tenant, account)
            elif account.status == ACCOUNT_CONNECTED:
                still.append(account)
        tenant.lagging = still
    if tenant.pending:
        complete_due(tenant, now)
    if tenant.next_poll is not None and tenant.next_poll <= now:
        interval = timedelta(seconds=tenant.settings.poll_interval)
        missed = (now - tenant.next_poll) // interval
        last_due = tenant.next_poll + missed * interval
        poll(tenant, last_due)
        tenant.next_poll = last_due + interval


def _refresh(tenant: Tenant, account: SourceAccount) -> None:
    for company in tenant.companies.values():
        connection = company.connections.get(account.connection_id)
        if connection is not None and connection.accounts.get(account.id) is account:
            tenant.refresh_connection_status(connection)
