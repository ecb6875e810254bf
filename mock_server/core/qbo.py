"""QuickBooks Online's side, simulated: the SMB user linking accounts, QBO polling, disconnecting.

In production the SMB user types one-time credentials into QBO, picks source accounts and a feed
start date; QBO then pulls waiting transactions about once a day. Here the control API drives the
same transitions, and :func:`settle` runs whatever falls due on the tenant's virtual clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mock_server.core.chart import check_link_target, clamp_feed_start, land_feed, open_qbo_company
from mock_server.core.errors import BadRequest, NotFound, Unauthorized
from mock_server.core.model import (
    ACCOUNT_CONNECTED,
    ACCOUNT_DISCONNECTED,
    SUCCESS,
    SYNC_DATA_PUSHED,
    SYNC_FAILED,
    SYNC_NO_DATA_PUSHED,
    Connection,
    FeedChunk,
    ManagedSync,
    PushOperation,
    SourceAccount,
)
from mock_server.core.pushes import complete_due
from mock_server.core.stored import Transactions
from mock_server.core.tenant import Tenant
from mock_server.core.webhooks import catalogue as events

__all__ = ["LinkRequest", "Linked", "clamp_feed_start", "disconnect", "link", "poll", "settle"]


@dataclass(frozen=True)
class LinkRequest:
    source_account_id: str
    feed_start_date: date
    #: The QBO bank account the user picks for the feed; None: the mapped one, or a new one.
    target_account_id: str | None = None


@dataclass(frozen=True)
class Linked:
    connection: Connection
    accounts: list[tuple[SourceAccount, date]]


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
    company = tenant.company(connection.company_id)
    if company.qbo is None:
        company.qbo = open_qbo_company(tenant.ids.rng(), company.name, now)
    qbo = company.qbo
    accounts = []
    picked: set[str] = set()
    for request in requests:
        account = connection.accounts.get(request.source_account_id)
        if account is None:
            raise NotFound(f"Source account {request.source_account_id} not found on data connection {connection.id}")
        check_link_target(company, qbo, account, request.target_account_id)
        if request.target_account_id is not None:
            if request.target_account_id in picked:
                raise BadRequest(f"Target account {request.target_account_id} was picked for two feeds.")
            picked.add(request.target_account_id)
        accounts.append((account, request.feed_start_date))
    was = connection.status
    connection.status = "Linked"
    tenant.connections_changed()
    if was != "Linked":
        event = events.CONNECTION_RECONNECTED if was == "Unlinked" else events.CONNECTION_CONNECTED
        tenant.connection_event(event, connection, now)
    for request, (account, requested) in zip(requests, accounts, strict=True):
        land_feed(company, qbo, account, request.target_account_id, now)
        turned = account.status != ACCOUNT_CONNECTED
        account.status = ACCOUNT_CONNECTED
        account.feed_start_date = clamp_feed_start(requested, now)
        account.linked_with = username
        account.disconnected_at = None
        account.modified = now
        if account in tenant.lagging:
            tenant.lagging.remove(account)
        if turned:
            tenant.source_account_event(events.SOURCE_ACCOUNT_CONNECTED, connection, account, now)
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
                pulled += sum(len(operation.transactions) for operation in _pull(account, now))
            if connection.status == "Linked":
                # QBO only reaches companies with a linked feed: the others keep lastSync as it was.
                connection.last_sync = company.last_sync = now
                tenant.changed()
    return pulled


def _pull(account: SourceAccount, now: datetime) -> list[PushOperation]:
    """The pushes whose transactions QBO takes from the account at ``now``, taken."""
    # Judged at the poll's own instant, which settle() may place before the current time.
    linked = account.linked_with is not None
    if not linked or (account.disconnected_at is not None and account.disconnected_at <= now):
        return []
    ready = 0
    # Stop at the first push still pending: what comes after it must not overtake it in the feed.
    for operation in account.waiting:
        if operation.status != SUCCESS or operation.completed is None or operation.completed > now:
            break
        ready += 1
    account.last_polled_at = now
    if ready == 0:
        return []
    taken, account.waiting = account.waiting[:ready], account.waiting[ready:]
    transactions = Transactions.joined(operation.transactions for operation in taken)
    account.feed.append(FeedChunk(now, transactions))
    account.feed_size += len(transactions)
    return taken


def _finish_sync(tenant: Tenant, sync: ManagedSync) -> None:
    """A managed sync ends at its due instant: QBO pulls that one account, or cannot."""
    at = sync.due
    company = tenant.companies.get(sync.company_id)
    connection = company.connections.get(sync.connection_id) if company else None
    account = connection.accounts.get(sync.account_id) if connection else None
    sync.ended = at
    if company is None or connection is None or account is None:
        sync.status, sync.error_code = SYNC_FAILED, "AccountNotFound"
        sync.error_message = f"Source account {sync.account_id} was deleted before the sync completed."
    elif account.disconnected_at is not None and account.disconnected_at <= at:
        sync.status, sync.error_code = SYNC_FAILED, "AccountNotConnected"
        sync.error_message = f"Source account {sync.account_id} was disconnected in QuickBooks Online."
    else:
        taken = _pull(account, at)
        sync.push_operation_keys = [operation.key for operation in taken]
        sync.status = SYNC_DATA_PUSHED if any(op.transactions for op in taken) else SYNC_NO_DATA_PUSHED
        connection.last_sync = company.last_sync = at
        tenant.changed()


def _run_scheduled_polls(tenant: Tenant, until: datetime) -> None:
    if tenant.next_poll is not None and tenant.next_poll <= until:
        interval = timedelta(seconds=tenant.settings.poll_interval)
        missed = (until - tenant.next_poll) // interval
        last_due = tenant.next_poll + missed * interval
        poll(tenant, last_due)
        tenant.next_poll = last_due + interval


def settle(tenant: Tenant, now: datetime) -> None:
    """Run everything due by ``now``: status lags, push completions, syncs and polls, in time order."""
    if tenant.lagging:
        lag = timedelta(days=tenant.settings.disconnect_lag_days)
        still: list[SourceAccount] = []
        for account in tenant.lagging:
            if account.disconnected_at is not None and account.disconnected_at + lag <= now:
                account.status = ACCOUNT_DISCONNECTED
                # Codat's status turned when the lag ran out, whenever settle() gets to it.
                _refresh(tenant, account, account.disconnected_at + lag)
            elif account.status == ACCOUNT_CONNECTED:
                still.append(account)
        tenant.lagging = still
    if tenant.pending:
        complete_due(tenant, now)
    if tenant.syncing:
        due = sorted((s for s in tenant.syncing if s.due <= now), key=lambda s: s.due)
        for sync in due:
            # A scheduled poll that fell before the sync ends takes its share first.
            _run_scheduled_polls(tenant, sync.due)
            _finish_sync(tenant, sync)
        tenant.syncing = [s for s in tenant.syncing if s.due > now]
    _run_scheduled_polls(tenant, now)


def _refresh(tenant: Tenant, account: SourceAccount, at: datetime) -> None:
    for company in tenant.companies.values():
        connection = company.connections.get(account.connection_id)
        if connection is not None and connection.accounts.get(account.id) is account:
            tenant.source_account_event(events.SOURCE_ACCOUNT_DISCONNECTED, connection, account, at)
            tenant.refresh_connection_status(connection, at)
