"""Records as Codat writes them in JSON: field names, types and optional fields of the spec.

Pure functions from :mod:`mock_server.model` objects to dicts. ``base_url`` is where this emulator
is reached, so that ``redirect`` and ``linkUrl`` point back at it.
"""

from __future__ import annotations

from typing import Any

from mock_server.clock import format_utc
from mock_server.model import (
    QBO_BANK_FEEDS,
    QBO_PLATFORM_NAME,
    Company,
    Connection,
    CredentialSet,
    PushOperation,
    SourceAccount,
    Txn,
)
from mock_server.pushes import changes


def company(record: Company, base_url: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "redirect": f"{base_url}/link/{record.id}",
        "lastSync": format_utc(record.last_sync) if record.last_sync else None,
        "created": format_utc(record.created),
        "createdByUserName": None,
        "products": list(record.products),
        "tags": dict(record.tags),
        "referenceSubsidiaryCompanies": [],
        "dataConnections": [connection(c, base_url) for c in record.connections.values()],
    }


def link_url(record: Connection, base_url: str) -> str:
    return f"{base_url}/link/{record.company_id}/{record.id}?otp={record.otp}"


def connection(record: Connection, base_url: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "integrationId": record.integration_id,
        "integrationKey": QBO_BANK_FEEDS,
        "sourceId": record.source_id,
        "sourceType": "BankFeed",
        "platformName": QBO_PLATFORM_NAME,
        "linkUrl": link_url(record, base_url),
        "status": record.status,
        "lastSync": format_utc(record.last_sync) if record.last_sync else None,
        "created": format_utc(record.created),
        "dataConnectionErrors": [],
        "connectionInfo": None,
    }


def source_account(record: SourceAccount) -> dict[str, Any]:
    """In the shape (v1 or v2) the account was created with."""
    body: dict[str, Any] = {"id": record.id}
    for name, value in record.fields.items():
        if record.version == 2 and value is None and name in ("routingInfo", "accountInfo"):
            continue
        body[name] = value
    body["modifiedDate"] = format_utc(record.modified)
    body["status"] = record.status
    body["feedStartDate"] = record.feed_start_date.isoformat() if record.feed_start_date else None
    return body


def credentials(record: CredentialSet) -> dict[str, Any]:
    return {"username": record.username, "password": record.password}


def push_operation(record: PushOperation) -> dict[str, Any]:
    body: dict[str, Any] = {
        "changes": changes(record),
        "dataType": "bankTransactions",
        "companyId": record.company_id,
        "pushOperationKey": record.key,
        "dataConnectionKey": record.connection_id,
        "requestedOnUtc": format_utc(record.requested),
        "completedOnUtc": format_utc(record.completed) if record.completed else None,
        "timeoutInMinutes": record.timeout_minutes,
        "timeoutInSeconds": record.timeout_minutes * 60 if record.timeout_minutes is not None else None,
        "status": record.status,
        "errorMessage": record.error_message,
        "validation": {
            "errors": [
                {"itemId": v.item_id, "message": v.message, "validatorName": v.validator_name}
                for v in record.violations
            ],
            "warnings": [],
        },
        "statusCode": record.status_code,
    }
    return body


def transaction(record: Txn) -> dict[str, Any]:
    return {
        "id": record.id,
        "date": record.date,
        "description": record.description,
        "amount": record.amount,
        "balance": record.balance,
        "transactionType": record.transaction_type,
    }
