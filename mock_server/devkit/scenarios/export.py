"""A tenant's whole state as a scenario document.

:func:`export_tenant` writes everything a tenant holds (companies, their QBO company, connections,
credentials, source accounts with their feeds, push operations, syncs, the clock) in the format of
``contracts/scenario.schema.json``, as plain JSON-able data. Only facts are written: what the
emulator derives from them (ids already written, queues, lagging disconnections) is rebuilt by
:mod:`.load` on the way back in. Instants are UTC with a Z, losslessly.

Pure: no I/O and no clock reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_server.core.clock import to_utc
from mock_server.core.model import (
    Company,
    Connection,
    ManagedSync,
    PushOperation,
    QboCompany,
    SourceAccount,
    TargetAccount,
)
from mock_server.core.tenant import Tenant
from mock_server.http import views


def instant(value: datetime) -> str:
    """UTC with a Z; milliseconds like the API, microseconds only when the value has them (lossless)."""
    value = to_utc(value)
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def _maybe(value: datetime | None) -> str | None:
    return instant(value) if value is not None else None


def export_tenant(tenant: Tenant) -> dict[str, Any]:
    """The tenant's whole state as a scenario document (plain JSON-able data)."""
    return {
        "apiKey": tenant.key,
        "clock": {
            "now": instant(tenant.clock.now()),
            "frozen": tenant.clock.frozen,
            "nextPoll": _maybe(tenant.next_poll),
        },
        "companies": [_export_company(company) for company in tenant.companies.values()],
        **_export_webhooks(tenant),
    }


def _export_webhooks(tenant: Tenant) -> dict[str, Any]:
    """The endpoints, when the tenant has any (a document without them leaves a tenant's own alone)."""
    endpoints = tenant.webhooks.endpoints.values()
    if not endpoints:
        return {}
    # The control API's shape, with instants kept to the microsecond.
    return {
        "webhooks": {
            "endpoints": [
                {**views.webhook_endpoint(e), "failingSince": _maybe(e.failing_since)} for e in endpoints
            ]
        }
    }


def _export_company(company: Company) -> dict[str, Any]:
    return {
        "id": company.id,
        "name": company.name,
        "description": company.description,
        "created": instant(company.created),
        "tags": dict(company.tags),
        "products": list(company.products),
        "lastSync": _maybe(company.last_sync),
        "qbo": _export_qbo(company.qbo) if company.qbo is not None else None,
        "connections": [_export_connection(connection) for connection in company.connections.values()],
        "pushOperations": [_export_push(operation) for operation in company.push_operations.values()],
        "syncs": [_export_sync(sync) for sync in company.syncs.values()],
    }


def _export_qbo(qbo: QboCompany) -> dict[str, Any]:
    return {
        "name": qbo.name,
        "baseCurrency": qbo.base_currency,
        "currencies": list(qbo.currencies),
        "multicurrency": qbo.multicurrency,
        "plan": qbo.plan,
        "nextId": qbo.next_id,
        "accounts": [_export_target(account) for account in qbo.chart.values()],
    }


def _export_target(account: TargetAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "accountType": account.account_type,
        "accountNumber": account.account_number,
        "currency": account.currency,
        "balance": account.balance,
        "created": instant(account.created),
        "nominalCode": account.nominal_code,
    }


def _export_connection(connection: Connection) -> dict[str, Any]:
    return {
        "id": connection.id,
        "platformKey": "hcws",
        "status": connection.status,
        "created": instant(connection.created),
        "lastSync": _maybe(connection.last_sync),
        "otp": connection.otp,
        "otpExpires": instant(connection.otp_expires),
        "credentials": [
            {"username": c.username, "password": c.password, "created": instant(c.created), "revoked": c.revoked}
            for c in connection.credentials.values()
        ],
        "sourceAccounts": [_export_account(account) for account in connection.accounts.values()],
    }


def _export_account(account: SourceAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "version": account.version,
        **account.fields,
        "status": account.status,
        "feedStartDate": account.feed_start_date.isoformat() if account.feed_start_date else None,
        "linkedWith": account.linked_with,
        "disconnectedAt": _maybe(account.disconnected_at),
        "targetAccountId": account.target_account_id,
        "modified": instant(account.modified),
        "lastPolledAt": _maybe(account.last_polled_at),
        "feed": [
            {"polledAt": instant(chunk.polled_at), "transactions": [views.transaction(t) for t in chunk.transactions]}
            for chunk in account.feed
        ],
        "waiting": [operation.key for operation in account.waiting],
    }


def _export_push(operation: PushOperation) -> dict[str, Any]:
    return {
        "key": operation.key,
        "dataType": operation.data_type,
        "connectionId": operation.connection_id,
        "accountId": operation.account_id,
        "requested": instant(operation.requested),
        "due": instant(operation.due),
        "timeoutInMinutes": operation.timeout_minutes,
        "status": operation.status,
        "completed": _maybe(operation.completed),
        "errorMessage": operation.error_message,
        "violations": [
            {"validatorName": v.validator_name, "itemId": v.item_id, "message": v.message} for v in operation.violations
        ],
        "transactions": [views.transaction(t) for t in operation.transactions],
        "balanceBefore": operation.balance_before,
        "createdAccount": _export_target(operation.created_account) if operation.created_account is not None else None,
    }


def _export_sync(sync: ManagedSync) -> dict[str, Any]:
    return {
        "id": sync.id,
        "connectionId": sync.connection_id,
        "accountId": sync.account_id,
        "periodStart": instant(sync.period_start),
        "periodEnd": instant(sync.period_end),
        "started": instant(sync.started),
        "due": instant(sync.due),
        "status": sync.status,
        "ended": _maybe(sync.ended),
        "errorMessage": sync.error_message,
        "errorCode": sync.error_code,
        "pushOperationKeys": list(sync.push_operation_keys),
    }
