"""The records the emulator keeps, as plain objects. No behaviour beyond what they derive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from mock_server.core.known_ids import KnownIds
from mock_server.core.rules import Violation

if TYPE_CHECKING:  # stored.py reads these records back, so it imports this module
    from mock_server.core.stored import Transactions

# Codat's platform key for QuickBooks Online Bank Feeds, the only one this emulator serves.
QBO_BANK_FEEDS = "hcws"
QBO_PLATFORM_NAME = "QuickBooks Online Bank Feeds"

# Push operation statuses, in the only order they may move.
PENDING, SUCCESS, FAILED, TIMED_OUT = "Pending", "Success", "Failed", "TimedOut"

# Source account statuses the emulator uses (the spec lists also connecting and unknown).
ACCOUNT_PENDING, ACCOUNT_CONNECTED, ACCOUNT_DISCONNECTED = "pending", "connected", "disconnected"

# What a push operation writes: bank feeds write transactions, and may create a QBO bank account.
BANK_TRANSACTIONS, BANK_ACCOUNTS = "bankTransactions", "bankAccounts"

# Managed bank feed sync statuses (the spec's known values the emulator reaches).
SYNC_STARTED, SYNC_FAILED = "Started", "Failed"
SYNC_DATA_PUSHED, SYNC_NO_DATA_PUSHED = "SuccessDataPushed", "SuccessNoDataPushed"


# The typed records of a create-bank-transactions body. Decoding JSON into them checks the types in
# the same pass (mock_server.http.api.transactions); an accepted batch is kept as the bytes it was
# decoded from and read back into them (mock_server.core.stored). Their types are the document's
# (contracts/bankfeeds.openapi.yaml, CreateBankTransactions), narrowed to what the QBO rules accept,
# so that a body that decodes breaks no shape rule; tests/core/test_model.py holds the two together.
# Anything else fails to decode and is judged field by field on the precise path.
_NonEmpty = Annotated[str, Meta(min_length=1)]
# orjson, the precise path's parser, reads integers of 64 bits as int and wider ones as float: the
# typed path takes only signed 64-bit ones (what msgspec can bound), so both paths store the same number.
_Integer = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
_LARGEST = 1.7976931348623157e308  # the largest finite float: no amount may be infinite
_Finite = Annotated[float, Meta(ge=-_LARGEST, le=_LARGEST)]
Number = _Integer | _Finite
TransactionType = Literal["Credit", "Debit", "Unknown"]


class Txn(Struct, gc=False, rename="camel", forbid_unknown_fields=True):
    """One bank transaction, as decoded from the request, and as a stored batch reads back.

    ``gc=False``: the collector need not track records that hold only strings and numbers, and a
    batch makes a thousand of them at once. ``UNSET`` marks a field the client left out.
    """

    id: _NonEmpty
    date: _NonEmpty
    description: _NonEmpty
    amount: Number
    balance: Number | UnsetType = UNSET
    transaction_type: TransactionType | UnsetType | None = UNSET


class DetailedTxn(Txn, gc=False, rename="camel", forbid_unknown_fields=True):
    """A transaction that also carries the document's descriptive fields.

    Few batches send them and the emulator only echoes them, so they live on a subclass: the
    records of the other batches stay three slots smaller.
    """

    counterparty: str | UnsetType | None = UNSET
    reference: str | UnsetType | None = UNSET
    reconciled: bool | UnsetType | None = UNSET


class Batch(Struct, rename="camel", forbid_unknown_fields=True):
    """A create-bank-transactions body of plain transactions."""

    account_id: str
    transactions: list[Txn]


class DetailedBatch(Struct, rename="camel", forbid_unknown_fields=True):
    """A create-bank-transactions body whose transactions carry descriptive fields."""

    account_id: str
    transactions: list[DetailedTxn]


def balance_of(txn: Txn) -> float | None:
    """The transaction's balance, None when the client left it out."""
    value = txn.balance
    return None if isinstance(value, UnsetType) else value


def type_of(txn: Txn) -> str | None:
    """The transaction's transactionType, None when left out or null."""
    value = txn.transaction_type
    return None if isinstance(value, UnsetType) else value


@dataclass(slots=True)
class CredentialSet:
    username: str
    password: str
    created: datetime
    revoked: bool = False


@dataclass(slots=True, eq=False)
class TargetAccount:
    """A bank account in the simulated QBO company's chart of accounts: what a feed lands in."""

    id: str
    name: str
    #: Codat's bankAccounts accountType: Debit holds money, Credit owes it (a credit card).
    account_type: str
    account_number: str | None
    currency: str
    balance: float
    created: datetime
    #: QBO's own account number (AcctNum), which Codat calls the nominal code.
    nominal_code: str | None = None


@dataclass(slots=True, eq=False)
class QboCompany:
    """The QBO company at the other end of a company's QBO Bank Feeds connection."""

    name: str
    base_currency: str
    currencies: list[str]
    multicurrency: bool
    plan: str
    chart: dict[str, TargetAccount] = field(default_factory=dict)
    #: QBO numbers accounts itself, one after the other.
    next_id: int = 1


@dataclass(slots=True, eq=False)
class PushOperation:
    key: str
    company_id: str
    connection_id: str
    account_id: str
    requested: datetime
    #: When it succeeds unless something comes first (requested + push delay).
    due: datetime
    timeout_minutes: int | None
    transactions: Transactions
    status: str = PENDING
    completed: datetime | None = None
    error_message: str | None = None
    violations: tuple[Violation, ...] = ()
    data_type: str = BANK_TRANSACTIONS
    #: The source account's balance before this push, restored if the push writes nothing.
    balance_before: float | None = None
    #: For a bankAccounts push: the account QBO opens when it succeeds.
    created_account: TargetAccount | None = None

    @property
    def status_code(self) -> int:
        return {PENDING: 202, SUCCESS: 200, FAILED: 400, TIMED_OUT: 504}[self.status]


@dataclass(slots=True, eq=False)
class FeedChunk:
    """Transactions QBO pulled in one poll."""

    polled_at: datetime
    transactions: Transactions


@dataclass(slots=True, eq=False)
class SourceAccount:
    id: str
    connection_id: str
    #: 1 or 2: the body shape it was created with, and answered in.
    version: int
    #: The account's fields as Codat keeps them (accountName, accountType, ... balance).
    fields: dict[str, Any]
    modified: datetime
    status: str = ACCOUNT_PENDING
    feed_start_date: date | None = None
    #: Username of the credential set the SMB user linked it with.
    linked_with: str | None = None
    #: When the SMB user disconnected it in QBO (or its credentials were revoked).
    disconnected_at: datetime | None = None
    #: Target account in QBO chosen by account mapping.
    target_account_id: str | None = None
    #: The ids of its accepted batches, kept as the batches themselves (core.known_ids).
    known_ids: KnownIds = field(default_factory=KnownIds)
    latest: datetime | None = None
    #: The same instant in 100 ns ticks (rules.local_ticks): the seventh fractional digit the
    #: datetime cannot hold still counts in OlderThanLatest.
    latest_ticks: int | None = None
    #: Accepted pushes whose transactions QBO has not pulled yet, oldest first.
    waiting: list[PushOperation] = field(default_factory=list)
    feed: list[FeedChunk] = field(default_factory=list)
    feed_size: int = 0
    last_polled_at: datetime | None = None

    @property
    def writable(self) -> bool:
        return self.status == ACCOUNT_CONNECTED and self.disconnected_at is None

    @property
    def balance(self) -> float | None:
        value = self.fields.get("balance")
        return None if value is None else float(value)


@dataclass(slots=True, eq=False)
class Connection:
    id: str
    company_id: str
    integration_id: str
    source_id: str
    created: datetime
    otp: str
    otp_expires: datetime
    status: str = "PendingAuth"
    last_sync: datetime | None = None
    credentials: dict[str, CredentialSet] = field(default_factory=dict)
    accounts: dict[str, SourceAccount] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class ManagedSync:
    """One run of a managed bank feed: QBO pulls one source account's waiting transactions."""

    id: str
    company_id: str
    connection_id: str
    account_id: str
    period_start: datetime
    period_end: datetime
    started: datetime
    #: When the run ends unless something comes first (started + push delay).
    due: datetime
    status: str = SYNC_STARTED
    ended: datetime | None = None
    error_message: str | None = None
    error_code: str | None = None
    push_operation_keys: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Company:
    id: str
    name: str
    description: str | None
    created: datetime
    tags: dict[str, str] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)
    last_sync: datetime | None = None
    connections: dict[str, Connection] = field(default_factory=dict)
    push_operations: dict[str, PushOperation] = field(default_factory=dict)
    #: Opened with the company's first QBO Bank Feeds connection.
    qbo: QboCompany | None = None
    syncs: dict[str, ManagedSync] = field(default_factory=dict)
