"""Writing bank transactions: accepting a batch, and how its push operation completes.

A batch is checked whole, by :func:`mock_server.core.rules.accepted_ids` when it arrives decoded into
typed records (:func:`write_records`, the hot path) and otherwise, or whenever that judge is not sure,
by :func:`mock_server.core.rules.check_batch` (:func:`create_bank_transactions`, the precise path); a
rejected one stores nothing, an accepted one is kept as JSON (:class:`~mock_server.core.stored.Transactions`):
on the hot path the very body it came in.
An accepted one becomes a Pending push operation that, on the virtual clock, turns Success after
the push delay, TimedOut when ``timeoutInMinutes`` passes first, or Failed when its account is
disconnected in QBO first. Transactions of a successful push wait for QBO's next poll.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from mock_server.core.errors import RuleRejected
from mock_server.core.known_ids import NewIds
from mock_server.core.model import (
    BANK_ACCOUNTS,
    BANK_TRANSACTIONS,
    FAILED,
    PENDING,
    SUCCESS,
    TIMED_OUT,
    Batch,
    DetailedBatch,
    PushOperation,
    SourceAccount,
    Txn,
)
from mock_server.core.rules import (
    AccountView,
    Violation,
    accepted_ids,
    balance_after,
    check_batch,
    local_ticks,
    parse_local,
)
from mock_server.core.stored import Transactions, records_of
from mock_server.core.tenant import Tenant
from mock_server.core.webhooks import write_event


def account_view(account: SourceAccount) -> AccountView:
    return AccountView(
        account_id=account.id,
        status=account.status,
        writable=account.writable,
        feed_start_date=account.feed_start_date,
        latest=account.latest,
        known_ids=account.known_ids,
        latest_ticks=account.latest_ticks,
    )


def create_bank_transactions(
    tenant: Tenant,
    company_id: str,
    connection_id: str,
    account_id: str,
    body: Mapping[str, Any],
    timeout_minutes: int | None,
    now: datetime,
    shape_violations: Sequence[Violation] = (),
) -> PushOperation:
    """Accept the batch as one Pending push operation, or raise RuleRejected with every violation.

    The precise path, for a body of any shape. ``shape_violations`` are faults of the body's shape
    found outside the rules (by the shell's document check): they reject the batch together with
    the rules' own findings.
    """
    company = tenant.company(company_id)
    account = tenant.account(company_id, connection_id, account_id)
    transactions = body.get("transactions")
    violations = check_batch(account_id, body.get("accountId"), transactions, account_view(account), now)
    violations.extend(shape_violations)
    if violations:
        raise RuleRejected(violations)
    assert isinstance(transactions, list)  # check_batch guarantees it
    records = records_of(transactions)
    kept = Transactions.of_records(records)
    # The ids are at hand: the known ids need not decode them again from what is kept.
    ids = NewIds(distinct={record.id for record in records})
    return _accept(tenant, company.id, connection_id, account, records, ids, kept, timeout_minutes, now)


def write_records(
    tenant: Tenant,
    company_id: str,
    connection_id: str,
    account_id: str,
    batch: Batch | DetailedBatch,
    data: bytes,
    timeout_minutes: int | None,
    now: datetime,
) -> PushOperation | None:
    """The hot path: accept a batch decoded from the body ``data``, and keep that body.

    None when :func:`~mock_server.core.rules.accepted_ids` is not sure the batch breaks no rule;
    the caller then judges the body on the precise path (:func:`create_bank_transactions`), which
    names the violations. Unknown company or account: NotFound, as on the precise path.
    """
    company = tenant.company(company_id)
    account = tenant.account(company_id, connection_id, account_id)
    # A list of DetailedTxn is a list of Txn that is only read from here on.
    records = cast(list[Txn], batch.transactions)
    ids = accepted_ids(account_id, batch.account_id, records, account_view(account), now)
    if ids is None:
        return None
    kept = Transactions.of_body(data, batch)
    return _accept(tenant, company.id, connection_id, account, records, ids, kept, timeout_minutes, now)


def _accept(
    tenant: Tenant,
    company_id: str,
    connection_id: str,
    account: SourceAccount,
    accepted: list[Txn],
    ids: NewIds,
    kept: Transactions,
    timeout_minutes: int | None,
    now: datetime,
) -> PushOperation:
    """Write an accepted batch (its records, their ``ids`` as found new, and ``kept``, what the
    push operation keeps of it): the account's balance, ids and latest date, and its push operation."""
    balance_before = account.balance
    account.fields["balance"] = balance_after(accepted, balance_before)
    account.known_ids.add(kept, ids)
    last = accepted[-1].date
    account.latest = parse_local(last)
    account.latest_ticks = local_ticks(last)
    account.modified = now
    operation = start(
        tenant,
        company_id,
        connection_id,
        account.id,
        timeout_minutes,
        now,
        transactions=kept,
        balance_before=balance_before,
    )
    account.waiting.append(operation)
    complete_due(tenant, now)  # a zero delay or timeout ends it now, with the account's books straight
    return operation


def start(
    tenant: Tenant,
    company_id: str,
    connection_id: str,
    account_id: str,
    timeout_minutes: int | None,
    now: datetime,
    **details: Any,
) -> PushOperation:
    """A new Pending push of any data type, registered with its company and the clock's schedule.

    ``details`` are the PushOperation fields particular to its data type. The caller settles
    (:func:`complete_due`) once its own bookkeeping is done: a push may end at once.
    """
    operation = PushOperation(
        key=tenant.ids.uuid(),
        company_id=company_id,
        connection_id=connection_id,
        account_id=account_id,
        requested=now,
        due=now + timedelta(seconds=tenant.settings.push_delay),
        timeout_minutes=timeout_minutes,
        **details,
    )
    tenant.company(company_id).push_operations[operation.key] = operation
    tenant.schedule_push(operation, min(operation.due, _deadline(operation) or operation.due))
    return operation


def _deadline(operation: PushOperation) -> datetime | None:
    if operation.timeout_minutes is None:
        return None
    return operation.requested + timedelta(minutes=operation.timeout_minutes)


def outcome(operation: PushOperation, account: SourceAccount | None) -> tuple[str, datetime, str | None]:
    """How and when a pending operation ends, whatever ``now`` is: the earliest event wins."""
    events: list[tuple[datetime, int, str, str | None]] = [(operation.due, 2, SUCCESS, None)]
    deadline = _deadline(operation)
    if deadline is not None:
        events.append((deadline, 1, TIMED_OUT, f"The push did not complete within {operation.timeout_minutes} minutes."))
    if operation.data_type == BANK_ACCOUNTS:
        pass  # only the clock decides: no source account stands in the way of opening a QBO account
    elif account is None:
        events.append((operation.requested, 0, FAILED, "The source account was deleted before the push completed."))
    elif account.disconnected_at is not None:
        at = max(account.disconnected_at, operation.requested)
        events.append((at, 0, FAILED, f"Source account {account.id} was disconnected in QuickBooks before the push completed."))
    at, _, status, message = min(events)
    return status, at, message


def complete_due(tenant: Tenant, now: datetime) -> None:
    """Settle every pending push operation whose outcome falls at or before ``now``.

    The heap is ordered by the earliest instant each operation could end, so the cost follows
    the operations that end, not the number still pending.
    """
    pending = tenant.pending
    while pending and pending[0][0] <= now:
        _, _, operation = heapq.heappop(pending)
        if operation.status != PENDING:
            continue  # an earlier entry for it already settled it
        account = _account_of(tenant, operation)
        status, at, message = outcome(operation, account)
        if at > now:
            tenant.schedule_push(operation, at)
            continue
        operation.status, operation.completed, operation.error_message = status, at, message
        if status == FAILED:
            operation.violations = (
                Violation("AccountNotConnected", operation.account_id, message or "Account not connected"),
            )
        if status != SUCCESS and account is not None:
            _release(account, operation)
        if status == SUCCESS and operation.created_account is not None:
            _open_in_qbo(tenant, operation)
        company = tenant.companies.get(operation.company_id)
        if company is not None:  # a deleted company's pushes end with nobody to tell
            # Raised at the instant it ended, which settle() may reach later.
            tenant.webhooks.emit(write_event(operation.data_type, status), at, company=company, operation=operation)


def _account_of(tenant: Tenant, operation: PushOperation) -> SourceAccount | None:
    if operation.data_type != BANK_TRANSACTIONS:
        return None
    company = tenant.companies.get(operation.company_id)
    connection = company.connections.get(operation.connection_id) if company else None
    return connection.accounts.get(operation.account_id) if connection else None


def _open_in_qbo(tenant: Tenant, operation: PushOperation) -> None:
    """A successful bankAccounts push: the account appears in the QBO company's chart."""
    company = tenant.companies.get(operation.company_id)
    if company is not None and company.qbo is not None and operation.created_account is not None:
        company.qbo.chart[operation.created_account.id] = operation.created_account


def _release(account: SourceAccount, operation: PushOperation) -> None:
    """A push that did not complete wrote nothing: its ids and dates are free again."""
    index = next((i for i, op in enumerate(account.waiting) if op is operation), None)
    if index is not None and index == len(account.waiting) - 1:
        # Nothing was accepted after it, so the balance it set is the one to take back.
        account.fields["balance"] = operation.balance_before
    elif index is not None:
        # The next push started from the balance this one set: should it fail too, the balance
        # goes back to before both (pushes failing together are released oldest first).
        account.waiting[index + 1].balance_before = operation.balance_before
    account.waiting = [op for op in account.waiting if op is not operation]
    account.known_ids.forget(operation.transactions)
    last = _last_written(account)
    account.latest = parse_local(last.date) if last else None
    account.latest_ticks = local_ticks(last.date) if last else None


def _last_written(account: SourceAccount) -> Txn | None:
    for op in reversed(account.waiting):
        if op.status in (PENDING, SUCCESS) and op.transactions:
            return op.transactions[-1]
    return account.feed[-1].transactions[-1] if account.feed else None


def waiting_count(account: SourceAccount) -> int:
    """Accepted transactions QBO has not pulled yet."""
    return sum(len(op.transactions) for op in account.waiting if op.status in (PENDING, SUCCESS))


def changes(operation: PushOperation) -> Sequence[dict[str, Any]] | None:
    if operation.status != SUCCESS:
        return None
    if operation.created_account is not None:
        ref = {"id": operation.created_account.id, "dataType": BANK_ACCOUNTS}
        return [{"type": "Created", "recordRef": ref, "attachmentId": None}]
    return [
        {"type": "Created", "recordRef": {"id": txn_id, "dataType": "bankTransactions"}, "attachmentId": None}
        for txn_id in operation.transactions.ids()
    ]
