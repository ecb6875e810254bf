"""What a scenario carries: every field of the model, kept or rebuilt.

Export and import must agree on the whole model; a field added to a record but to neither is state a
saved scenario would silently lose. :data:`HANDLED_FIELDS` lists what the format handles and
:func:`model_fields` what the model holds today; a test compares the two.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from mock_server.core import model, tenant

#: Every field of the model the format carries or rebuilds. A field missing here is state a
#: snapshot would lose: the tests compare this against the model's own field lists.
HANDLED_FIELDS: dict[str, frozenset[str]] = {
    "Company": frozenset(
        {"id", "name", "description", "created", "tags", "products", "last_sync", "connections", "push_operations", "qbo", "syncs"}
    ),
    "QboCompany": frozenset({"name", "base_currency", "currencies", "multicurrency", "plan", "chart", "next_id"}),
    "TargetAccount": frozenset(
        {"id", "name", "account_type", "account_number", "currency", "balance", "created", "nominal_code"}
    ),
    "Connection": frozenset(
        {"id", "company_id", "integration_id", "source_id", "created", "otp", "otp_expires", "status", "last_sync", "credentials", "accounts"}
    ),
    "CredentialSet": frozenset({"username", "password", "created", "revoked"}),
    "SourceAccount": frozenset(
        {
            "id", "connection_id", "version", "fields", "modified", "status", "feed_start_date", "linked_with",
            "disconnected_at", "target_account_id", "known_ids", "latest", "latest_ticks", "waiting", "feed", "feed_size", "last_polled_at",
        }
    ),
    "FeedChunk": frozenset({"polled_at", "transactions"}),
    "PushOperation": frozenset(
        {
            "key", "company_id", "connection_id", "account_id", "requested", "due", "timeout_minutes", "transactions",
            "status", "completed", "error_message", "violations", "data_type", "created_account", "balance_before",
        }
    ),
    "ManagedSync": frozenset(
        {
            "id", "company_id", "connection_id", "account_id", "period_start", "period_end", "started", "due", "status",
            "ended", "error_message", "error_code", "push_operation_keys",
        }
    ),
    "Txn": frozenset({"id", "date", "description", "amount", "balance", "transaction_type"}),
    # _active (the count of linked companies) is a cache, counted again from the loaded companies;
    # changes only tells lists apart in time (a load counts as one), so it is not saved.
    "Tenant": frozenset(
        {"key", "settings", "clock", "ids", "companies", "next_poll", "pending", "push_seq", "lagging", "syncing", "webhooks",
         "_active", "changes"}
    ),
}


def model_fields() -> dict[str, frozenset[str]]:
    """The fields the model has today, by class name (what :data:`HANDLED_FIELDS` must match)."""
    classes: list[Any] = [
        model.Company, model.QboCompany, model.TargetAccount, model.Connection, model.CredentialSet, model.SourceAccount,
        model.FeedChunk, model.PushOperation, model.ManagedSync, tenant.Tenant,
    ]
    found = {cls.__name__: frozenset(f.name for f in dataclass_fields(cls)) for cls in classes}
    found["Txn"] = frozenset(model.Txn.__struct_fields__)
    return found
