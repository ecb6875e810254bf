"""Model records from a scenario document, every problem collected before giving up.

The schema (``contracts/scenario.schema.json``) has already checked each value's shape; what
:class:`Importer` finds is what a schema cannot say: references between records (a push's
connection, a mapping's QBO account, a waiting push of this account), ids given twice, a state
the emulator could not have reached (a connected account without credentials, a Pending push with
a completion time). Fields a hand-written file leaves out take the value the emulator would have
given (see the schema's descriptions); the ids already written to each account and its latest date
are derived from its feed and waiting pushes.

Pure: no I/O and no clock reads; ``now`` for defaults is the tenant's (or the document's) virtual now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from msgspec import UNSET

from mock_server.core.clock import ClockOutOfRange, VirtualClock, check_in_range
from mock_server.core.model import (
    ACCOUNT_CONNECTED,
    ACCOUNT_PENDING,
    BANK_ACCOUNTS,
    BANK_TRANSACTIONS,
    PENDING,
    SUCCESS,
    Company,
    Connection,
    CredentialSet,
    FeedChunk,
    ManagedSync,
    PushOperation,
    QboCompany,
    SourceAccount,
    TargetAccount,
    Txn,
)
from mock_server.core.rules import Violation, local_ticks, parse_local
from mock_server.core.stored import Transactions
from mock_server.core.tenant import (
    OTP_LIFETIME,
    QBO_INTEGRATION_ID,
    QBO_SOURCE_ID,
    V1_FIELDS,
    V2_FIELDS,
    Tenant,
    source_account_version,
)
from mock_server.devkit.scenarios.problems import PathKey, Problem, ScenarioError
from mock_server.devkit.scenarios.text import Document


class _Unset:
    pass


_UNSET: Any = _Unset()


class Importer:
    """Builds model records from a document, collecting every problem before giving up."""

    def __init__(self, tenant: Tenant, doc: Document) -> None:
        self.tenant = tenant
        self.doc = doc
        self.problems: list[Problem] = []
        self.now = tenant.clock.now()
        self.ids = tenant.ids
        self.push_delay = timedelta(seconds=tenant.settings.push_delay)
        self.usernames = {
            username
            for company in tenant.companies.values()
            for connection in company.connections.values()
            for username in connection.credentials
        }
        self.connection_ids = {c for company in tenant.companies.values() for c in company.connections}

    def problem(self, path: PathKey, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def build(self) -> tuple[VirtualClock | None, Any, list[Company]]:
        data: Mapping[str, Any] = self.doc.data
        clock = None
        next_poll: Any = _UNSET
        if "clock" in data:
            clock_data = data["clock"]
            try:
                start = self.instant(clock_data["now"])
            except ClockOutOfRange as exc:
                self.problem(("clock", "now"), str(exc))
                start = self.tenant.clock.now()
            clock = VirtualClock(start, frozen=clock_data.get("frozen", True), source=self.tenant.settings.time_source)
            if self.tenant.companies and clock.now() != self.tenant.clock.now():
                self.problem(("clock", "now"), "differs from the clock of the scenario already loaded into this tenant")
            self.now = clock.now()
            if "nextPoll" in clock_data:
                next_poll = self.maybe_instant(clock_data["nextPoll"])
        companies: list[Company] = []
        seen: set[str] = set(self.tenant.companies)
        for index, item in enumerate(data.get("companies", [])):
            company = self.company(item, ("companies", index))
            if company.id in seen:
                self.problem(("companies", index, "id"), f"company {company.id} is already there")
            seen.add(company.id)
            companies.append(company)
        if self.problems:
            raise ScenarioError(self.doc.source, self.problems)
        return clock, next_poll, companies

    # -- values ----------------------------------------------------------------------------

    @staticmethod
    def instant(text: str) -> datetime:
        # The schema checked the format (RFC 3339), which fromisoformat reads. Every instant is
        # held to the clock's range: a due date in year 9999 would overflow when work is scheduled.
        try:
            return check_in_range(datetime.fromisoformat(text))
        except ClockOutOfRange as exc:
            raise ClockOutOfRange(f"'{text}': {exc}") from None

    def maybe_instant(self, text: str | None) -> datetime | None:
        return self.instant(text) if text is not None else None

    def txn(self, item: Mapping[str, Any], path: PathKey) -> Txn:
        if parse_local(item["date"]) is None:
            self.problem((*path, "date"), f"'{item['date']}' is not an ISO 8601 date or date-time")
        balance = item.get("balance")
        return Txn(
            item["id"],
            item["date"],
            item["description"],
            item["amount"],
            UNSET if balance is None else balance,
            item.get("transactionType"),
        )

    # -- records ---------------------------------------------------------------------------

    def company(self, item: Mapping[str, Any], path: PathKey) -> Company:
        company = Company(
            id=item.get("id") or self.ids.uuid(),
            name=item["name"],
            description=item.get("description"),
            created=self.instant(item["created"]) if "created" in item else self.now,
            tags=dict(item.get("tags", {})),
            products=list(item.get("products", ["bank-feeds"])),
            last_sync=self.maybe_instant(item.get("lastSync")),
        )
        if item.get("qbo") is not None:
            company.qbo = self.qbo(item["qbo"], (*path, "qbo"))
        for index, entry in enumerate(item.get("pushOperations", [])):
            operation = self.push(entry, (*path, "pushOperations", index), company)
            if operation.key in company.push_operations:
                self.problem((*path, "pushOperations", index, "key"), f"push operation {operation.key} is given twice")
            company.push_operations[operation.key] = operation
        for index, entry in enumerate(item.get("connections", [])):
            connection = self.connection(entry, (*path, "connections", index), company)
            if connection.id in self.connection_ids:
                self.problem((*path, "connections", index, "id"), f"connection {connection.id} is given twice")
            self.connection_ids.add(connection.id)
            company.connections[connection.id] = connection
        for index, entry in enumerate(item.get("syncs", [])):
            sync = self.sync(entry, (*path, "syncs", index), company)
            company.syncs[sync.id] = sync
        self.check_pushes(company, path)
        self.check_mapping(company, path)
        return company

    def qbo(self, item: Mapping[str, Any], path: PathKey) -> QboCompany:
        base = item.get("baseCurrency", "USD")
        qbo = QboCompany(
            name=item["name"],
            base_currency=base,
            currencies=list(item.get("currencies", [base])),
            multicurrency=item.get("multicurrency", False),
            plan=item.get("plan", "Plus"),
        )
        for index, entry in enumerate(item.get("accounts", [])):
            account = self.target(entry, (*path, "accounts", index), base)
            if account.id in qbo.chart:
                self.problem((*path, "accounts", index, "id"), f"QBO account {account.id} is given twice")
            qbo.chart[account.id] = account
        numbers = [int(a) for a in qbo.chart if a.isdigit()]
        highest = max(numbers, default=0)
        qbo.next_id = item.get("nextId", highest + 1)
        if qbo.next_id <= highest:
            self.problem((*path, "nextId"), f"must be above every numeric account id (the highest is {highest})")
        return qbo

    def target(self, item: Mapping[str, Any], path: PathKey, base_currency: str) -> TargetAccount:
        return TargetAccount(
            id=item["id"],
            name=item["name"],
            account_type=item.get("accountType", "Debit"),
            account_number=item.get("accountNumber"),
            currency=item.get("currency", base_currency),
            balance=item.get("balance", 0.0),
            created=self.instant(item["created"]) if "created" in item else self.now,
            nominal_code=item.get("nominalCode"),
        )

    def connection(self, item: Mapping[str, Any], path: PathKey, company: Company) -> Connection:
        connection = Connection(
            id=item.get("id") or self.ids.uuid(),
            company_id=company.id,
            integration_id=QBO_INTEGRATION_ID,
            source_id=QBO_SOURCE_ID,
            created=self.instant(item["created"]) if "created" in item else self.now,
            otp=item.get("otp") or self.ids.otp(),
            otp_expires=self.instant(item["otpExpires"]) if "otpExpires" in item else self.now + OTP_LIFETIME,
            last_sync=self.maybe_instant(item.get("lastSync")),
        )
        for index, entry in enumerate(item.get("credentials", [])):
            username = entry["username"]
            if username in self.usernames:
                self.problem((*path, "credentials", index, "username"), f"username {username} is given twice")
            self.usernames.add(username)
            created = self.instant(entry["created"]) if "created" in entry else self.now
            connection.credentials[username] = CredentialSet(username, entry["password"], created, entry.get("revoked", False))
        for index, entry in enumerate(item.get("sourceAccounts", [])):
            account = self.account(entry, (*path, "sourceAccounts", index), company, connection)
            if account.id in connection.accounts:
                self.problem((*path, "sourceAccounts", index, "id"), f"source account {account.id} is given twice")
            if any(other.version != account.version for other in connection.accounts.values()):
                self.problem(
                    (*path, "sourceAccounts", index),
                    "a connection's source accounts share one shape (all version 1 or all version 2), as Codat lists them",
                )
            connection.accounts[account.id] = account
        connected = any(account.status == ACCOUNT_CONNECTED for account in connection.accounts.values())
        connection.status = item.get("status", "Linked" if connected else "PendingAuth")
        return connection

    def account(self, item: Mapping[str, Any], path: PathKey, company: Company, connection: Connection) -> SourceAccount:
        version = item.get("version") or source_account_version(dict(item))
        names = V2_FIELDS if version == 2 else V1_FIELDS
        for name in set(V2_FIELDS) - set(names):
            if item.get(name) is not None:
                self.problem((*path, name), f"'{name}' belongs to version 2 source accounts; this one is version 1")
        status = item.get("status", ACCOUNT_PENDING)
        feed_start = item.get("feedStartDate")
        account = SourceAccount(
            id=item["id"],
            connection_id=connection.id,
            version=version,
            fields={name: item.get(name) for name in names},
            modified=self.instant(item["modified"]) if "modified" in item else self.now,
            status=status,
            feed_start_date=date.fromisoformat(feed_start) if feed_start else None,
            linked_with=item.get("linkedWith"),
            disconnected_at=self.maybe_instant(item.get("disconnectedAt")),
            target_account_id=item.get("targetAccountId"),
            last_polled_at=self.maybe_instant(item.get("lastPolledAt")),
        )
        if status == ACCOUNT_CONNECTED and account.feed_start_date is None:
            self.problem((*path, "feedStartDate"), "a connected source account needs the feed start date it was linked with")
        if account.linked_with is None and status == ACCOUNT_CONNECTED:
            if not connection.credentials:
                self.problem(path, "a connected source account needs credentials on its connection to be linked with")
            else:
                account.linked_with = next(iter(connection.credentials))
        elif account.linked_with is not None and account.linked_with not in connection.credentials:
            self.problem((*path, "linkedWith"), f"no credentials with username {account.linked_with} on this connection")
        for index, chunk in enumerate(item.get("feed", [])):
            chunk_path = (*path, "feed", index)
            records = [self.txn(t, (*chunk_path, "transactions", i)) for i, t in enumerate(chunk["transactions"])]
            transactions = Transactions.of_records(records)
            account.feed.append(FeedChunk(self.instant(chunk["polledAt"]), transactions))
            account.feed_size += len(transactions)
        if account.last_polled_at is None and "lastPolledAt" not in item and account.feed:
            account.last_polled_at = account.feed[-1].polled_at
        self.wait(account, item, path, company)
        self.derive_written(account, path)
        return account

    def wait(self, account: SourceAccount, item: Mapping[str, Any], path: PathKey, company: Company) -> None:
        """The account's waiting pushes: as listed, or by default its Pending ones."""
        mine = [
            op
            for op in company.push_operations.values()
            if op.data_type == BANK_TRANSACTIONS and op.connection_id == account.connection_id and op.account_id == account.id
        ]
        if "waiting" not in item:
            account.waiting = [op for op in mine if op.status == PENDING]
            return
        for index, key in enumerate(item["waiting"]):
            operation = company.push_operations.get(key)
            where = (*path, "waiting", index)
            if operation is None or operation not in mine:
                self.problem(where, f"no bankTransactions push operation {key} of this source account in pushOperations")
            elif operation.status not in (PENDING, SUCCESS):
                self.problem(where, f"push operation {key} is {operation.status}: only Pending or Success ones wait for QBO")
            elif operation in account.waiting:
                self.problem(where, f"push operation {key} is listed twice")
            else:
                account.waiting.append(operation)
        for op in mine:
            if op.status == PENDING and op not in account.waiting:
                self.problem((*path, "waiting"), f"push operation {op.key} is Pending, so it must be listed here")

    def derive_written(self, account: SourceAccount, path: PathKey) -> None:
        """The ids already written and the latest date: what the rules compare new batches with."""
        batches = [chunk.transactions for chunk in account.feed] + [op.transactions for op in account.waiting]
        seen: set[str] = set()
        for batch in batches:
            for txn_id in batch.ids():
                if txn_id in seen:
                    self.problem(path, f"transaction id {txn_id} is written twice to this source account")
                seen.add(txn_id)
            # Each batch as the push operation or feed chunk holds it: a failed push forgets that one.
            account.known_ids.add(batch)
        last = next((batch[-1] for batch in reversed(batches) if batch), None)
        account.latest = parse_local(last.date) if last else None
        account.latest_ticks = local_ticks(last.date) if last else None

    def push(self, item: Mapping[str, Any], path: PathKey, company: Company) -> PushOperation:
        requested = self.instant(item["requested"])
        data_type = item.get("dataType", BANK_TRANSACTIONS)
        status = item["status"]
        operation = PushOperation(
            key=item["key"],
            company_id=company.id,
            connection_id=item["connectionId"],
            account_id=item["accountId"],
            requested=requested,
            due=self.instant(item["due"]) if "due" in item else requested + self.push_delay,
            timeout_minutes=item.get("timeoutInMinutes"),
            transactions=Transactions.of_records(
                [self.txn(t, (*path, "transactions", i)) for i, t in enumerate(item.get("transactions", []))]
            ),
            status=status,
            completed=self.maybe_instant(item.get("completed")),
            error_message=item.get("errorMessage"),
            violations=tuple(
                Violation(v["validatorName"], v.get("itemId"), v["message"]) for v in item.get("violations", [])
            ),
            data_type=data_type,
            balance_before=item.get("balanceBefore"),
        )
        if (operation.completed is None) != (status == PENDING):
            self.problem((*path, "completed"), "a push operation has a completion time exactly when it is not Pending")
        created = item.get("createdAccount")
        if data_type == BANK_ACCOUNTS:
            if created is None:
                self.problem(path, "a bankAccounts push operation needs the createdAccount it opens")
            else:
                base = company.qbo.base_currency if company.qbo else "USD"
                operation.created_account = self.target(created, (*path, "createdAccount"), base)
            if operation.transactions:
                self.problem((*path, "transactions"), "a bankAccounts push operation writes no transactions")
        elif created is not None:
            self.problem((*path, "createdAccount"), "only a bankAccounts push operation opens an account")
        return operation

    def check_pushes(self, company: Company, path: PathKey) -> None:
        """References between pushes, connections, accounts and the QBO chart."""
        accounts = {(c.id, a) for c in company.connections.values() for a in c.accounts}
        for index, operation in enumerate(company.push_operations.values()):
            where = (*path, "pushOperations", index)
            if operation.connection_id not in company.connections:
                self.problem((*where, "connectionId"), f"no connection {operation.connection_id} in this company")
            elif operation.data_type == BANK_TRANSACTIONS and operation.status == PENDING:
                if (operation.connection_id, operation.account_id) not in accounts:
                    self.problem((*where, "accountId"), f"no source account {operation.account_id} on that connection")
            created = operation.created_account
            if created is None:
                continue
            opened = company.qbo.chart.get(created.id) if company.qbo is not None else None
            if operation.status == SUCCESS:
                if opened is None:
                    self.problem((*where, "createdAccount"), f"a successful push opened account {created.id}: it must be in qbo.accounts")
                else:
                    operation.created_account = opened  # one record, as when the push completed here
            elif opened is not None:
                self.problem((*where, "createdAccount"), f"account {created.id} is only opened once the push succeeds")

    def check_mapping(self, company: Company, path: PathKey) -> None:
        targets: dict[str, str] = {}
        for c_index, connection in enumerate(company.connections.values()):
            for a_index, account in enumerate(connection.accounts.values()):
                target = account.target_account_id
                if target is None:
                    continue
                where = (*path, "connections", c_index, "sourceAccounts", a_index, "targetAccountId")
                if company.qbo is None or target not in company.qbo.chart:
                    self.problem(where, f"no account {target} in the company's qbo.accounts")
                elif target in targets:
                    self.problem(where, f"QBO account {target} already receives source account {targets[target]}'s feed")
                targets[target] = account.id

    def sync(self, item: Mapping[str, Any], path: PathKey, company: Company) -> ManagedSync:
        started = self.instant(item["started"])
        sync = ManagedSync(
            id=item["id"],
            company_id=company.id,
            connection_id=item["connectionId"],
            account_id=item["accountId"],
            period_start=self.instant(item["periodStart"]),
            period_end=self.instant(item["periodEnd"]),
            started=started,
            due=self.instant(item["due"]) if "due" in item else started + self.push_delay,
            status=item["status"],
            ended=self.maybe_instant(item.get("ended")),
            error_message=item.get("errorMessage"),
            error_code=item.get("errorCode"),
            push_operation_keys=list(item.get("pushOperationKeys", [])),
        )
        if sync.id in company.syncs:
            self.problem((*path, "id"), f"sync {sync.id} is given twice")
        if sync.connection_id not in company.connections:
            self.problem((*path, "connectionId"), f"no connection {sync.connection_id} in this company")
        return sync
