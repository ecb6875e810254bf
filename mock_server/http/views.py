"""Records as Codat writes them in JSON: field names, types and optional fields of the spec.

Pure functions from :mod:`mock_server.core.model` objects to dicts. ``base_url`` is where this emulator
is reached, so that ``redirect`` and ``linkUrl`` point back at it.

Each paged record type also has ``*_READERS``: its view's fields read one at a time from the record
(for a list's query and orderBy, so a list of 10,000 builds 100 views, not 10,000). A field left
out is read from the whole view; each reader gives what the view shows (tests/http/test_listing.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from operator import attrgetter
from typing import Any

from mock_server.core.clock import format_utc
from mock_server.core.model import (
    QBO_BANK_FEEDS,
    QBO_PLATFORM_NAME,
    Company,
    Connection,
    CredentialSet,
    ManagedSync,
    PushOperation,
    QboCompany,
    SourceAccount,
    TargetAccount,
    Txn,
    balance_of,
    type_of,
)
from mock_server.core.pushes import changes
from mock_server.core.webhooks import Endpoint
from mock_server.http.query import Reader


def _maybe_utc(value: datetime | None) -> str | None:
    return format_utc(value) if value else None


def company(record: Company, base_url: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "redirect": f"{base_url}/link/{record.id}",
        "lastSync": _maybe_utc(record.last_sync),
        "created": format_utc(record.created),
        "createdByUserName": None,
        "products": list(record.products),
        "tags": dict(record.tags),
        "referenceSubsidiaryCompanies": [],
        "dataConnections": [connection(c, base_url) for c in record.connections.values()],
    }


COMPANY_READERS: Mapping[str, Reader[Company]] = {
    "id": attrgetter("id"),
    "name": attrgetter("name"),
    "description": attrgetter("description"),
    "lastSync": lambda r: _maybe_utc(r.last_sync),
    "created": lambda r: format_utc(r.created),
    "createdByUserName": lambda r: None,
    "products": lambda r: list(r.products),
    "tags": lambda r: dict(r.tags),
    "referenceSubsidiaryCompanies": lambda r: [],
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
        "lastSync": _maybe_utc(record.last_sync),
        "created": format_utc(record.created),
        "dataConnectionErrors": [],
        "connectionInfo": None,
    }


CONNECTION_READERS: Mapping[str, Reader[Connection]] = {
    "id": attrgetter("id"),
    "integrationId": attrgetter("integration_id"),
    "integrationKey": lambda r: QBO_BANK_FEEDS,
    "sourceId": attrgetter("source_id"),
    "sourceType": lambda r: "BankFeed",
    "platformName": lambda r: QBO_PLATFORM_NAME,
    "status": attrgetter("status"),
    "lastSync": lambda r: _maybe_utc(r.last_sync),
    "created": lambda r: format_utc(r.created),
    "dataConnectionErrors": lambda r: [],
    "connectionInfo": lambda r: None,
}


def source_account(record: SourceAccount) -> dict[str, Any]:
    """In the shape (v1 or v2) the account was created with."""
    body: dict[str, Any] = {"id": record.id}
    for name, value in record.fields.items():
        if record.version == 2 and value is None and name in ("routingInfo", "accountInfo"):
            continue
        if value is None and name == "currency":
            continue  # not nullable in either shape: an account created without one shows none
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
        "dataType": record.data_type,
        "companyId": record.company_id,
        "pushOperationKey": record.key,
        "dataConnectionKey": record.connection_id,
        "requestedOnUtc": format_utc(record.requested),
        "completedOnUtc": _maybe_utc(record.completed),
        "timeoutInMinutes": record.timeout_minutes,
        "timeoutInSeconds": _timeout_seconds(record),
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


def _timeout_seconds(record: PushOperation) -> int | None:
    return record.timeout_minutes * 60 if record.timeout_minutes is not None else None


PUSH_OPERATION_READERS: Mapping[str, Reader[PushOperation]] = {
    "dataType": attrgetter("data_type"),
    "companyId": attrgetter("company_id"),
    "pushOperationKey": attrgetter("key"),
    "dataConnectionKey": attrgetter("connection_id"),
    "requestedOnUtc": lambda r: format_utc(r.requested),
    "completedOnUtc": lambda r: _maybe_utc(r.completed),
    "timeoutInMinutes": attrgetter("timeout_minutes"),
    "timeoutInSeconds": _timeout_seconds,
    "status": attrgetter("status"),
    "errorMessage": attrgetter("error_message"),
    "statusCode": attrgetter("status_code"),
}


def transaction(record: Txn) -> dict[str, Any]:
    return {
        "id": record.id,
        "date": record.date,
        "description": record.description,
        "amount": record.amount,
        "balance": balance_of(record),
        "transactionType": type_of(record),
    }


def bank_account(record: TargetAccount) -> dict[str, Any]:
    """A QBO bank account as Codat's bankAccounts data type."""
    return {
        "id": record.id,
        "accountName": record.name,
        "accountType": record.account_type,
        "nominalCode": record.nominal_code,
        "sortCode": None,
        "accountNumber": record.account_number,
        "iBan": None,
        "currency": record.currency,
        "balance": record.balance,
        "institution": None,
        "availableBalance": record.balance,
        "overdraftLimit": None,
        "status": "Active",
        "metadata": {"isDeleted": False},
        "modifiedDate": format_utc(record.created),
        "sourceModifiedDate": format_utc(record.created),
    }


#: Every field of a bank account's view depends on the record alone: the view is cheap, read it.
BANK_ACCOUNT_READERS: Mapping[str, Reader[TargetAccount]] = {}


def target_option(record: TargetAccount) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "balance": record.balance,
        "sortCode": None,
        "accountNumber": record.account_number,
    }


def mapping(record: SourceAccount, qbo: QboCompany, options: list[TargetAccount]) -> dict[str, Any]:
    """A source account with its target and the targets it could have (absent fields are unset)."""
    body: dict[str, Any] = {"sourceAccountId": record.id}
    source = {
        "sourceAccountName": record.fields.get("accountName"),
        "sourceAccountNumber": record.fields.get("accountNumber"),
        "sourceBalance": record.balance,
        "sourceCurrency": record.fields.get("currency"),
    }
    body.update({name: value for name, value in source.items() if value is not None})
    target = qbo.chart.get(record.target_account_id) if record.target_account_id else None
    body["targetAccountId"] = target.id if target else None
    if target is not None:
        body["targetAccountName"] = target.name
    body["status"] = record.status
    body["targetAccountOptions"] = [target_option(option) for option in options]
    body["feedStartDate"] = record.feed_start_date.isoformat() if record.feed_start_date else None
    return body


def company_information(record: QboCompany) -> dict[str, Any]:
    return {
        "companyName": record.name,
        "baseCurrency": record.base_currency,
        "planType": record.plan,
        "multicurrencyEnabled": record.multicurrency,
        "currencies": list(record.currencies),
    }


def sync(record: ManagedSync, client_id: str, company_name: str) -> dict[str, Any]:
    return {
        "syncId": record.id,
        "clientId": client_id,
        "companyId": record.company_id,
        "companyName": company_name,
        "dataConnectionId": record.connection_id,
        "sourceAccountId": record.account_id,
        "periodStartUtc": format_utc(record.period_start),
        "periodEndUtc": format_utc(record.period_end),
        "executionStartUtc": format_utc(record.started),
        "status": record.status,
        "executionEndUtc": format_utc(record.ended) if record.ended else None,
        "errorMessage": record.error_message,
        "errorCode": record.error_code,
        "pushOperationKeys": list(record.push_operation_keys) if record.ended else None,
    }


def access_token(token: str) -> dict[str, Any]:
    """A company token as Codat issues it: a bearer token valid for one day."""
    return {"expiresIn": 86400, "accessToken": token, "tokenType": "Bearer"}


def webhook_endpoint(record: Endpoint) -> dict[str, Any]:
    """An endpoint as /_mock/webhooks/endpoints answers it and a scenario keeps it."""
    return {
        "id": record.id,
        "url": record.url,
        "secret": record.secret,
        "eventTypes": list(record.event_types),
        "disabled": record.disabled,
        "failingSince": format_utc(record.failing_since) if record.failing_since else None,
    }
