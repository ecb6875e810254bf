"""What QBO needs for a write, as Codat's ``PushOption`` tree (the get-create-*-model operations).

The trees say what the emulator enforces: required fields, allowed values, and each rule as a
``validation.information`` note, so a client reading the model learns the rule book.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.chart import NAME_MAX
from mock_server.core.model import QboCompany, SourceAccount
from mock_server.core.rules import HISTORY_DAYS, MAX_BATCH, TRANSACTION_TYPES


def _field(
    kind: str,
    name: str,
    description: str,
    *,
    required: bool,
    options: list[str] | None = None,
    notes: list[tuple[str, str]] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    node: dict[str, Any] = {"type": kind, "displayName": name, "description": description, "required": required}
    if properties is not None:
        node["properties"] = properties
    if options is not None:
        node["options"] = [
            {"value": value, "type": "String", "displayName": value, "required": False} for value in options
        ]
    if notes:
        node["validation"] = {
            "warnings": [],
            "information": [{"field": field, "details": details} for field, details in notes],
        }
    return node


def bank_account_model(qbo: QboCompany) -> dict[str, Any]:
    """Fields QBO needs to open a bank account: name, account number and an enabled currency."""
    return {
        "type": "Object",
        "displayName": "Bank Account",
        "description": "A bank or credit card account in the QuickBooks Online chart of accounts.",
        "required": True,
        "properties": {
            "accountName": _field(
                "String",
                "Account Name",
                "Name of the account in the chart of accounts.",
                required=True,
                notes=[
                    ("AccountName", f"At most {NAME_MAX} characters, without ':' or '\"'."),
                    ("AccountName", "Must differ from every other account's name."),
                ],
            ),
            "accountNumber": _field(
                "String", "Account Number", "Number of the account at the bank.", required=True
            ),
            "currency": _field(
                "String",
                "Currency",
                "Currency of the account; only currencies enabled in the company.",
                required=True,
                options=list(qbo.currencies),
            ),
            "accountType": _field(
                "String",
                "Account Type",
                "Debit for a bank account, Credit for a credit card; Debit when absent.",
                required=False,
                options=["Debit", "Credit"],
            ),
            "balance": _field("Number", "Opening Balance", "Balance the account opens with; 0 when absent.", required=False),
        },
    }


def bank_transactions_model(account: SourceAccount) -> dict[str, Any]:
    """Fields and rules of a QBO bank-feed write to this source account."""
    start = account.feed_start_date.isoformat() if account.feed_start_date else "the feed start date"
    transaction = {
        "id": _field(
            "String",
            "Id",
            "Your id of the transaction.",
            required=True,
            notes=[("id", "Unique in the request and never reused on the account.")],
        ),
        "date": _field(
            "DateTime",
            "Date",
            "Date the transaction cleared, ISO 8601; a time is optional and any offset is ignored.",
            required=True,
            notes=[
                ("date", "In date order: not earlier than the transaction before it."),
                ("date", "Not after today, nor earlier than the latest transaction already written."),
                ("date", f"Not before {start}, nor more than {HISTORY_DAYS} days before today."),
            ],
        ),
        "description": _field("String", "Description", "What the transaction was.", required=True),
        "amount": _field("Number", "Amount", "Signed amount: negative takes money out.", required=True),
        "balance": _field(
            "Number",
            "Balance",
            "Balance after the transaction; the last one becomes the account's balance.",
            required=False,
        ),
        "transactionType": _field(
            "String", "Transaction Type", "Kind of transaction.", required=False, options=sorted(TRANSACTION_TYPES)
        ),
    }
    return {
        "type": "Object",
        "displayName": "Bank Transactions",
        "description": f"Transactions written to source account {account.id} for QuickBooks Online.",
        "required": True,
        "properties": {
            "accountId": _field(
                "String",
                "Account Id",
                "The source account; must equal the account in the path.",
                required=True,
            ),
            "transactions": _field(
                "Array",
                "Transactions",
                "The transactions, oldest first.",
                required=True,
                properties=transaction,
                notes=[("transactions", f"From 1 to {MAX_BATCH} transactions per request.")],
            ),
        },
    }
