"""Managed bank feed syncs: the integrator asks for one source account to be synced now.

In the emulator a sync is QBO pulling that account's waiting transactions. It starts ``Started``
and ends after the push delay on the virtual clock (:func:`mock_server.core.qbo.settle` ends it): it
pulls what was accepted by then (``SuccessDataPushed``, with the keys of the pushes it carried,
or ``SuccessNoDataPushed``), or it is ``Failed`` when the feed was disconnected in QBO or the
account deleted meanwhile. One sync runs per source account at a time.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from mock_server.core.errors import BadRequest, Conflict, NotFound
from mock_server.core.model import ACCOUNT_CONNECTED, SYNC_FAILED, SYNC_STARTED, Company, ManagedSync
from mock_server.core.rules import Violation
from mock_server.core.tenant import Tenant


def client_id(tenant: Tenant) -> str:
    """Codat's id of the client owning the company: here, one stable id per API key."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bankfeeds-mock:client:{tenant.key}"))


def syncs_of(company: Company, connection_id: str, account_id: str) -> list[ManagedSync]:
    """The account's syncs, oldest first."""
    return [s for s in company.syncs.values() if s.connection_id == connection_id and s.account_id == account_id]


def start_sync(tenant: Tenant, company_id: str, connection_id: str, account_id: str, now: datetime) -> ManagedSync:
    """Start a sync of one source account; Conflict while another of its syncs runs.

    The period runs from the end of the account's last successful sync (or its feed start date)
    to now, as Codat's ad hoc sync does.
    """
    company = tenant.company(company_id)
    account = tenant.account(company_id, connection_id, account_id)
    if account.status != ACCOUNT_CONNECTED:
        message = f"Source account {account_id} is {account.status}: only a connected feed can be synced."
        raise BadRequest(message, violations=[Violation("AccountNotConnected", account_id, message)])
    history = syncs_of(company, connection_id, account_id)
    running = next((s for s in history if s.status == SYNC_STARTED), None)
    if running is not None:
        raise Conflict(f"Sync {running.id} of source account {account_id} is still running.")
    succeeded = [s for s in history if s.status not in (SYNC_STARTED, SYNC_FAILED)]
    if succeeded:
        period_start = succeeded[-1].period_end
    elif account.feed_start_date is not None:
        period_start = datetime.combine(account.feed_start_date, time(), UTC)
    else:
        period_start = now
    sync = ManagedSync(
        id=tenant.ids.uuid(),
        company_id=company.id,
        connection_id=connection_id,
        account_id=account_id,
        period_start=min(period_start, now),
        period_end=now,
        started=now,
        due=now + timedelta(seconds=tenant.settings.push_delay),
    )
    company.syncs[sync.id] = sync
    tenant.syncing.append(sync)
    return sync


def get_sync(tenant: Tenant, company_id: str, connection_id: str, account_id: str, sync_id: str) -> ManagedSync:
    tenant.account(company_id, connection_id, account_id)
    sync = tenant.company(company_id).syncs.get(sync_id)
    if sync is None or sync.connection_id != connection_id or sync.account_id != account_id:
        raise NotFound(f"No sync {sync_id} for source account {account_id}.")
    return sync


def latest_sync(tenant: Tenant, company_id: str, connection_id: str, account_id: str) -> ManagedSync | None:
    """The account's most recent sync, or None when it never had one."""
    tenant.account(company_id, connection_id, account_id)
    history = syncs_of(tenant.company(company_id), connection_id, account_id)
    return history[-1] if history else None
