"""One tenant's world: its companies, connections, source accounts and credentials.

A tenant is what one API key sees (like one of moto's per-account backends). The methods here are
the state transitions a client can cause through the public API; each takes ``now`` from the
caller, raises :mod:`mock_server.core.errors` on bad input and changes nothing when it raises.
"""

from __future__ import annotations

import heapq
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mock_server.core.chart import open_qbo_company
from mock_server.core.clock import VirtualClock
from mock_server.core.errors import BadRequest, NotFound
from mock_server.core.ids import IdFactory
from mock_server.core.model import (
    ACCOUNT_CONNECTED,
    ACCOUNT_DISCONNECTED,
    PENDING,
    QBO_BANK_FEEDS,
    Company,
    Connection,
    CredentialSet,
    ManagedSync,
    PushOperation,
    SourceAccount,
)
from mock_server.core.webhooks import Outbox
from mock_server.core.webhooks import catalogue as events
from mock_server.settings import Settings

OTP_LIFETIME = timedelta(hours=1)

# Codat gives every platform a fixed integration id and source id; ours are derived, stable values.
QBO_INTEGRATION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "bankfeeds-mock:integration:hcws"))
QBO_SOURCE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "bankfeeds-mock:source:hcws"))

V2_ACCOUNT_TYPES = ("checking", "savings", "loan", "creditCard", "prepaidCard")
V2_REQUIRED = ("id", "accountName", "accountType", "accountNumber", "currency", "balance")
V1_FIELDS = ("accountName", "accountType", "accountNumber", "sortCode", "currency", "balance")
V2_ONLY_FIELDS = ("routingInfo", "accountInfo")
V2_FIELDS = (*V1_FIELDS, *V2_ONLY_FIELDS)
UPDATABLE = ("accountName", "status", "balance")


@dataclass(eq=False)
class Tenant:
    key: str
    settings: Settings
    clock: VirtualClock
    ids: IdFactory
    companies: dict[str, Company] = field(default_factory=dict)
    #: Next scheduled QBO poll (virtual time); None when polling is on demand only.
    next_poll: datetime | None = None
    #: Heap of (instant to look again, sequence, operation) for push operations still Pending.
    pending: list[tuple[datetime, int, PushOperation]] = field(default_factory=list)
    push_seq: int = 0
    #: Accounts disconnected in QBO whose Codat status has not turned yet (the lag).
    lagging: list[SourceAccount] = field(default_factory=list)
    #: Managed bank feed syncs still Started, oldest first.
    syncing: list[ManagedSync] = field(default_factory=list)
    #: Webhook endpoints, the events raised for them and their deliveries.
    webhooks: Outbox = field(default_factory=lambda: Outbox(IdFactory()))
    #: Companies with a Linked connection (Codat's ACCs), counted once until a connection changes;
    #: None = count again. Every request's rate limit reads it.
    _active: int | None = field(default=None, repr=False)
    #: Counts the changes a list of companies or connections could show (one made, changed or
    #: gone, a status, an OTP, a lastSync): what the shell remembers of a list holds while it stands.
    changes: int = 0

    @classmethod
    def create(cls, key: str, settings: Settings, generation: int = 0) -> Tenant:
        """An empty tenant; ``generation`` counts its resets, so each one draws ids afresh."""
        clock = VirtualClock(settings.clock, source=settings.time_source)
        stream = key if generation == 0 else f"{key}#reset-{generation}"
        # Webhook ids and secrets come from a stream of their own: subscribing changes no other id.
        webhooks = Outbox(IdFactory(settings.seed, stream + ":webhooks"))
        tenant = cls(key, settings, clock, IdFactory(settings.seed, stream), webhooks=webhooks)
        now = clock.now()
        for url in settings.webhook_urls:
            webhooks.add_endpoint(url, settings.webhook_secret, None, now)
        tenant.schedule_polls(now)
        return tenant

    def schedule_polls(self, now: datetime) -> None:
        interval = self.settings.poll_interval
        self.next_poll = now + timedelta(seconds=interval) if interval > 0 else None

    # -- lookups -------------------------------------------------------------------------------

    def active_connected_companies(self) -> int:
        """Companies with at least one Linked connection: the ACCs of Codat's rate limits."""
        if self._active is None:
            self._active = sum(
                1 for company in self.companies.values() if any(c.status == "Linked" for c in company.connections.values())
            )
        return self._active

    def changed(self) -> None:
        """A company or connection was made, changed or went: lists read it afresh."""
        self.changes += 1

    def connections_changed(self) -> None:
        """A connection turned Linked or stopped being so, or a company or connection went."""
        self._active = None
        self.changes += 1

    def company(self, company_id: str) -> Company:
        company = self.companies.get(company_id)
        if company is None:
            raise NotFound(f"No company was found with ID {company_id}")
        return company

    def connection(self, company_id: str, connection_id: str) -> Connection:
        connection = self.company(company_id).connections.get(connection_id)
        if connection is None:
            raise NotFound(f"Data connection {connection_id} not found")
        return connection

    def account(self, company_id: str, connection_id: str, account_id: str) -> SourceAccount:
        account = self.connection(company_id, connection_id).accounts.get(account_id)
        if account is None:
            raise NotFound(f"Source account {account_id} not found on data connection {connection_id}")
        return account

    # -- companies -----------------------------------------------------------------------------

    def create_company(
        self, name: str, description: str | None, tags: dict[str, str] | None, now: datetime
    ) -> Company:
        company = Company(self.ids.uuid(), name, description, now, dict(tags or {}), ["bank-feeds"])
        self.companies[company.id] = company
        self.changed()
        return company

    def replace_company(
        self, company_id: str, name: str, description: str | None, tags: dict[str, str] | None
    ) -> Company:
        company = self.company(company_id)
        company.name, company.description, company.tags = name, description, dict(tags or {})
        self.changed()
        return company

    def update_company(self, company_id: str, changes: dict[str, Any]) -> Company:
        company = self.company(company_id)
        if "name" in changes:
            company.name = changes["name"]
        if "description" in changes:
            company.description = changes["description"]
        if "tags" in changes:
            company.tags = dict(changes["tags"] or {})
        self.changed()
        return company

    def delete_company(self, company_id: str, now: datetime) -> None:
        # Connections, accounts and push operations live inside the company: they go with it.
        company = self.company(company_id)
        for connection in company.connections.values():
            self.webhooks.emit(events.CONNECTION_DELETED, now, company=company, connection=connection)
        del self.companies[company_id]
        self.connections_changed()

    # -- connections ---------------------------------------------------------------------------

    def create_connection(self, company_id: str, platform_key: str, now: datetime) -> Connection:
        company = self.company(company_id)
        if platform_key != QBO_BANK_FEEDS:
            raise BadRequest(
                f"Platform key '{platform_key}' is not supported by this emulator: "
                f"the supported key is '{QBO_BANK_FEEDS}' (QuickBooks Online Bank Feeds)."
            )
        connection = Connection(
            id=self.ids.uuid(),
            company_id=company.id,
            integration_id=QBO_INTEGRATION_ID,
            source_id=QBO_SOURCE_ID,
            created=now,
            otp=self.ids.otp(),
            otp_expires=now + OTP_LIFETIME,
        )
        if company.qbo is None:
            # The QBO company behind the feed, with its chart of bank accounts to map onto.
            company.qbo = open_qbo_company(self.ids.rng(), company.name, now)
        company.connections[connection.id] = connection
        self.changed()
        self.webhooks.emit(events.CONNECTION_CREATED, now, company=company, connection=connection)
        return connection

    def fresh_otp(self, connection: Connection, now: datetime) -> Connection:
        """A connection whose one-time password is still valid: a new one once the old expired."""
        if now >= connection.otp_expires:
            connection.otp, connection.otp_expires = self.ids.otp(), now + OTP_LIFETIME
            self.changed()
        return connection

    def generate_otp(self, company_id: str, connection_id: str, now: datetime) -> Connection:
        connection = self.connection(company_id, connection_id)
        connection.otp, connection.otp_expires = self.ids.otp(), now + OTP_LIFETIME
        self.changed()
        return connection

    def delete_connection(self, company_id: str, connection_id: str, now: datetime) -> None:
        company = self.company(company_id)
        connection = self.connection(company_id, connection_id)
        self.webhooks.emit(events.CONNECTION_DELETED, now, company=company, connection=connection)
        del company.connections[connection_id]
        self.connections_changed()
        for key, operation in list(company.push_operations.items()):
            if operation.connection_id == connection_id:
                del company.push_operations[key]

    def unlink_connection(self, company_id: str, connection_id: str, now: datetime) -> Connection:
        """The integrator unlinks: every account on it stops receiving at once."""
        connection = self.connection(company_id, connection_id)
        was = connection.status
        connection.status = "Unlinked"
        self.connections_changed()
        for account in connection.accounts.values():
            if account.status == ACCOUNT_CONNECTED:
                account.status = ACCOUNT_DISCONNECTED
                self._stop_writes(account, now)
                self.source_account_event(events.SOURCE_ACCOUNT_DISCONNECTED, connection, account, now)
        if was != "Unlinked":
            self.connection_event(events.CONNECTION_DISCONNECTED, connection, now)
        return connection

    # -- source accounts -----------------------------------------------------------------------

    def create_source_account(
        self, company_id: str, connection_id: str, body: dict[str, Any], now: datetime
    ) -> SourceAccount:
        """Create from a v1 or v2 body, decided by the fields present (the spec's oneOf overlaps)."""
        connection = self.connection(company_id, connection_id)
        account_id = body.get("id")
        if not isinstance(account_id, str) or not account_id:
            raise BadRequest("Source account 'id' is required and must be a non-empty string.")
        if "/" in account_id:  # it names the account in paths, where %2F is never a separator
            raise BadRequest(f"Source account id '{account_id}' holds '/': an id that names a path segment cannot.")
        if account_id in connection.accounts:
            raise BadRequest(f"A source account with id '{account_id}' already exists on this connection.")
        version = source_account_version(body)
        check_one_shape(connection, version)
        if version == 2:
            missing = [name for name in V2_REQUIRED if body.get(name) is None]
            if missing:
                raise BadRequest(
                    f"Source account (v2, accountType '{body.get('accountType')}') is missing required "
                    f"field(s): {', '.join(missing)}."
                )
        names = V2_FIELDS if version == 2 else V1_FIELDS
        fields = {name: body.get(name) for name in names}
        account = SourceAccount(account_id, connection.id, version, fields, now)
        connection.accounts[account.id] = account
        return account

    def update_source_account(
        self, company_id: str, connection_id: str, account_id: str, body: dict[str, Any], now: datetime
    ) -> SourceAccount:
        """Only accountName, status (to disconnected) and balance (when not connected) change."""
        account = self.account(company_id, connection_id, account_id)
        changes: dict[str, Any] = {}
        for name, value in body.items():
            if name == "modifiedDate":
                continue  # kept by the server; clients echo it back
            current = account_field(account, name)
            if value == current:
                continue
            if name not in UPDATABLE:
                raise BadRequest(
                    f"Field '{name}' of a source account cannot be changed: "
                    f"only {', '.join(UPDATABLE)} can be updated."
                )
            changes[name] = value
        if "status" in changes and changes["status"] != ACCOUNT_DISCONNECTED:
            raise BadRequest(f"A source account's status can only be set to '{ACCOUNT_DISCONNECTED}'.")
        if "balance" in changes and account.status == ACCOUNT_CONNECTED:
            raise BadRequest("The balance of a connected source account cannot be updated.")
        if "accountName" in changes:
            account.fields["accountName"] = changes["accountName"]
        if "balance" in changes:
            account.fields["balance"] = changes["balance"]
        account.modified = now
        if "status" in changes:
            account.status = ACCOUNT_DISCONNECTED
            self._stop_writes(account, now)
            connection = self.connection(company_id, connection_id)
            self.source_account_event(events.SOURCE_ACCOUNT_DISCONNECTED, connection, account, now)
            self.refresh_connection_status(connection, now)
        return account

    def delete_source_account(self, company_id: str, connection_id: str, account_id: str) -> None:
        connection = self.connection(company_id, connection_id)
        self.account(company_id, connection_id, account_id)
        del connection.accounts[account_id]
        company = self.company(company_id)
        for key, operation in list(company.push_operations.items()):
            if operation.account_id == account_id and operation.connection_id == connection_id:
                if operation.status == PENDING:
                    del company.push_operations[key]

    # -- credentials ---------------------------------------------------------------------------

    def generate_credentials(self, company_id: str, connection_id: str, now: datetime) -> CredentialSet:
        """A new set at each call; earlier sets stay valid until revoked."""
        connection = self.connection(company_id, connection_id)
        credentials = CredentialSet(self.ids.username(), self.ids.password(), now)
        connection.credentials[credentials.username] = credentials
        return credentials

    def revoke_credentials(self, company_id: str, connection_id: str, now: datetime) -> None:
        """Revokes every set of the connection; accounts linked with them stop receiving at once."""
        connection = self.connection(company_id, connection_id)
        for credentials in connection.credentials.values():
            credentials.revoked = True
        for account in connection.accounts.values():
            if account.linked_with is not None and account.disconnected_at is None:
                self.disconnect_in_qbo(account, now)

    def disconnect_in_qbo(self, account: SourceAccount, now: datetime) -> None:
        """Writes fail from now on; Codat's status follows after the configured lag."""
        self._stop_writes(account, now)
        if account.status == ACCOUNT_CONNECTED:
            self.lagging.append(account)

    def refresh_connection_status(self, connection: Connection, now: datetime) -> None:
        """Unlinked once every source account on a linked connection is disconnected."""
        accounts = connection.accounts.values()
        if connection.status == "Linked" and accounts and all(a.status == ACCOUNT_DISCONNECTED for a in accounts):
            connection.status = "Unlinked"
            self.connections_changed()
            self.connection_event(events.CONNECTION_DISCONNECTED, connection, now)

    # -- webhook events ------------------------------------------------------------------------

    def connection_event(self, event_type: str, connection: Connection, now: datetime) -> None:
        company = self.companies.get(connection.company_id)
        self.webhooks.emit(event_type, now, company=company, connection=connection)

    def source_account_event(
        self, event_type: str, connection: Connection, account: SourceAccount, now: datetime
    ) -> None:
        company = self.companies.get(connection.company_id)
        self.webhooks.emit(event_type, now, company=company, connection=connection, account=account)

    def _stop_writes(self, account: SourceAccount, now: datetime) -> None:
        """From ``now`` on the account takes no writes, and its pushes still pending fail."""
        if account.disconnected_at is None:
            account.disconnected_at = now
        for operation in account.waiting:
            if operation.status == PENDING:
                self.schedule_push(operation, account.disconnected_at)

    def schedule_push(self, operation: PushOperation, at: datetime) -> None:
        """Look at a pending push again at ``at``; extra entries for one operation are harmless."""
        self.push_seq += 1
        heapq.heappush(self.pending, (at, self.push_seq, operation))


def source_account_version(body: dict[str, Any]) -> int:
    """2 when the body carries a property only v2 has, or fits v2's prototype; the v1 shape otherwise.

    A body with a v2 account type but without every field v2 requires (say no ``balance``) fits
    only v1's prototype, where only ``id`` is required: the official SDKs send it as v1, and it is
    taken as v1. With ``routingInfo`` or ``accountInfo`` it is v2 (v1 has no place for them), and
    the missing fields are refused.
    """
    if any(name in body for name in V2_ONLY_FIELDS):
        return 2
    if body.get("accountType") in V2_ACCOUNT_TYPES and all(body.get(name) is not None for name in V2_REQUIRED):
        return 2
    return 1


def check_one_shape(connection: Connection, version: int) -> None:
    """A connection's source accounts share one shape: Codat lists them as one array, all v2 or all v1."""
    held = {account.version for account in connection.accounts.values()}
    if held and version not in held:
        other = held.pop()
        raise BadRequest(
            f"Connection '{connection.id}' holds v{other} source accounts; a v{version} one cannot join them, "
            f"because Codat lists a connection's source accounts in one shape. Send it in the v{other} shape "
            + ("(accountType Debit or Credit, no routingInfo or accountInfo)" if other == 1 else "(accountType checking, savings, loan, creditCard or prepaidCard, with every v2 field)")
            + ", or create it on another connection."
        )


def account_field(account: SourceAccount, name: str) -> Any:
    if name == "id":
        return account.id
    if name == "status":
        return account.status
    if name == "feedStartDate":
        return account.feed_start_date.isoformat() if account.feed_start_date else None
    if name == "modifiedDate":
        return None
    return account.fields.get(name)
