"""The emulator as a state machine, driven over its public and control API, against a model.

Two tenants share one emulator. Hypothesis picks the steps (create accounts, link them in QBO,
push valid and invalid batches, advance the clock, poll, disconnect, revoke credentials, reset)
and, after every step, the invariants of the issue are checked on what the API answers:

- every answer to a push is the oracle's verdict on the model's account state;
- each QBO feed is chronological, and no transaction in it was future-dated when written;
- a feed holds exactly the transactions of successful pushes, each once, all of a push or none;
  after a poll it holds every one of a linked account's; a rejected or failed one never;
- the account balance follows the rule book from the last accepted, not failed, push;
- push operations only move forward (Pending to Success, Failed or TimedOut), when the model says;
- a tenant sees its own companies, accounts and feeds, never another's;
- every push that ended raised exactly one webhook message, ``bankTransactions.write.successful``
  for a Success and ``.unsuccessful`` otherwise, and none while Pending; at the end each successful
  push reached the tenant's receiver exactly once, verified with svix.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from starlette.testclient import TestClient

from mock_server import Settings
from mock_server.core.tenant import source_account_version
from mock_server.devkit.receiver import Inbox, WebhookReceiver
from mock_server.testing import strategies as qbo
from mock_server.testing.strategies import AccountState
from tests.properties import oracle
from tests.properties.api import Api, parse_utc, validator_names
from tests.properties.budget import examples
from tests.properties.generators import STRICT_JSON, mixed_requests
from tests.support import make_client

START = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
PUSH_DELAY = 90.0  # seconds: long enough for a one-minute timeout to come first
LAG_DAYS = 10
TENANTS = ("alpha", "beta")
FINISHED = ("Success", "Failed", "TimedOut")
SUCCESSFUL, UNSUCCESSFUL = "bankTransactions.write.successful", "bankTransactions.write.unsuccessful"

_receivers: list[WebhookReceiver] = []


def receiver() -> WebhookReceiver:
    """One receiver for the whole run (each tenant of each example has an inbox of its own)."""
    if not _receivers:
        _receivers.append(WebhookReceiver().start())
    return _receivers[0]


# --- the model -----------------------------------------------------------------------------------


@dataclass
class PushModel:
    key: str
    requested: datetime
    timeout: int | None
    transactions: list[dict[str, Any]]
    balance_after: Decimal | None
    status: str = "Pending"
    completed: datetime | None = None


@dataclass
class AccountModel:
    company: str
    connection: str
    id: str
    balance: Decimal | None
    version: int = 2  # the shape it was created in; a connection's accounts share one
    status: str = "pending"
    feed_start: date | None = None
    linked: bool = False
    disconnected_at: datetime | None = None
    pushes: list[PushModel] = field(default_factory=list)
    in_feed: list[str] = field(default_factory=list)  # keys of the pushes QBO has pulled, in order

    @property
    def writable(self) -> bool:
        return self.status == "connected" and self.disconnected_at is None

    def written(self) -> list[PushModel]:
        """Accepted pushes that still count: not Failed nor TimedOut."""
        return [p for p in self.pushes if p.status in ("Pending", "Success")]

    def latest_key(self) -> str | None:
        written = self.written()
        if not written:
            return None
        return oracle.local_key(str(written[-1].transactions[-1]["date"]))

    def known_ids(self) -> frozenset[str]:
        return frozenset(str(t["id"]) for p in self.written() for t in p.transactions)

    def expected_balance(self) -> Decimal | None:
        written = self.written()
        return written[-1].balance_after if written else self.balance

    def state(self) -> AccountState:
        latest = self.latest_key()
        return AccountState(
            self.id,
            self.status,
            self.writable,
            self.feed_start,
            datetime.fromisoformat(latest) if latest else None,
            self.known_ids(),
        )

    def oracle_account(self) -> oracle.Account:
        return oracle.Account(
            self.status,
            self.writable,
            self.feed_start.isoformat() if self.feed_start else None,
            self.latest_key(),
            self.known_ids(),
        )


@dataclass
class TenantModel:
    now: datetime = START
    accounts: list[AccountModel] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """What the emulator runs before every request: lags, then push outcomes."""
        for account in self.accounts:
            if (
                account.status == "connected"
                and account.disconnected_at is not None
                and account.disconnected_at + timedelta(days=LAG_DAYS) <= self.now
            ):
                account.status = "disconnected"
            for push in account.pushes:
                if push.status == "Pending":
                    at, status = outcome(push, account)
                    if at <= self.now:
                        push.status, push.completed = status, at


def outcome(push: PushModel, account: AccountModel) -> tuple[datetime, str]:
    """The earliest of: success after the delay, the timeout, the account disconnected in QBO."""
    events = [(push.requested + timedelta(seconds=PUSH_DELAY), 2, "Success")]
    if push.timeout is not None:
        events.append((push.requested + timedelta(minutes=push.timeout), 1, "TimedOut"))
    if account.disconnected_at is not None:
        events.append((max(account.disconnected_at, push.requested), 0, "Failed"))
    at, _, status = min(events)
    return at, status


def balance_rule(transactions: list[dict[str, Any]], current: Decimal | None) -> Decimal:
    """The rule book: the last balance given; amounts after it added (mock decision)."""
    total = current if current is not None else Decimal(0)
    for item in transactions:
        if "balance" in item:
            total = Decimal(str(item["balance"]))
        else:
            total += Decimal(str(item["amount"]))
    return total


def as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- the machine ---------------------------------------------------------------------------------


class EmulatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        emulator_settings = Settings(
            clock=START,
            background_ticks=False,
            seed=11,
            push_delay=PUSH_DELAY,
            poll_interval=60.0,
            disconnect_lag_days=LAG_DAYS,
            # Long runs on two tenants: the daily quota is not what this machine models.
            rate_limit="off",
        )
        self.client: TestClient = make_client(emulator_settings, TENANTS[0])
        self.client.__enter__()
        self.apis = {name: Api(self.client, name) for name in TENANTS}
        self.models = {name: TenantModel() for name in TENANTS}
        self.seen_status: dict[str, str] = {}  # push key -> last status the API answered
        self.touched = TENANTS[0]  # the tenant the last step acted for
        self.steps = 0
        self.inboxes: dict[str, Inbox] = {}

    def teardown(self) -> None:
        event(f"steps: {self.steps // 10 * 10}+")
        try:
            for tenant in self.inboxes:
                self.check_deliveries(tenant)
        finally:
            self.client.__exit__(None, None, None)

    def subscribe(self, tenant: str) -> None:
        inbox = receiver().inbox()
        self.apis[tenant].ok("POST", "/_mock/webhooks/endpoints", json={"url": inbox.url, "secret": inbox.secret})
        self.inboxes[tenant] = inbox

    # -- helpers --------------------------------------------------------------------------------

    def model(self, tenant: str) -> TenantModel:
        return self.models[tenant]

    @staticmethod
    def today(model: TenantModel) -> date:
        return model.now.astimezone(UTC).date()

    # -- steps ----------------------------------------------------------------------------------

    @initialize(data=st.data(), days_back=st.integers(0, 10))
    def a_linked_account_for_each_tenant(self, data: st.DataObject, days_back: int) -> None:
        for tenant in TENANTS:
            self.subscribe(tenant)
            self.create_account(data, tenant, new_connection=True)
            self.link(data, tenant, days_back)

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS), new_connection=st.booleans())
    def create_account(self, data: st.DataObject, tenant: str, new_connection: bool) -> None:
        self.touched = tenant
        model, api = self.model(tenant), self.apis[tenant]
        if len(model.accounts) >= 3:
            return
        ids = st.sampled_from(["acc-1", "acc-2", "acc-3", "checking", "savings"])
        reuse = bool(model.accounts) and not new_connection
        shape = model.accounts[-1].version if reuse else None
        body = data.draw(qbo.source_accounts(version=shape, ids=ids), label="source account")
        if reuse:
            company, connection = model.accounts[-1].company, model.accounts[-1].connection
            if any(a.connection == connection and a.id == body["id"] for a in model.accounts):
                return
        else:
            company = api.company()
            connection = api.connection(company)
            model.companies.append(company)
        api.account(company, connection, body)
        model.accounts.append(AccountModel(company, connection, body["id"], as_decimal(body.get("balance")), source_account_version(body)))

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS), days_back=st.integers(0, 10))
    def link(self, data: st.DataObject, tenant: str, days_back: int) -> None:
        self.touched = tenant
        model, api = self.model(tenant), self.apis[tenant]
        if not model.accounts:
            return
        first = data.draw(st.sampled_from(model.accounts), label="account")
        chosen = [a for a in model.accounts if a.connection == first.connection]
        chosen = data.draw(st.lists(st.sampled_from(chosen), min_size=1, unique_by=id), label="accounts")
        today = self.today(model)
        requested = today - timedelta(days=days_back)
        credentials = api.credentials(first.company, first.connection)
        linked = api.link(credentials, [(a.id, requested) for a in chosen])
        assert linked.status_code == 200, linked.text
        for account in chosen:
            account.status, account.linked, account.disconnected_at = "connected", True, None
            # QBO takes at most seven days of history: an older start date moves up.
            account.feed_start = max(requested, today - timedelta(days=qbo.HISTORY_DAYS))
            assert {a["sourceAccountId"]: a["feedStartDate"] for a in linked.json()["accounts"]}[
                account.id
            ] == account.feed_start.isoformat()

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS), timeout=st.sampled_from([None, None, 0, 1, 2]))
    def push_a_valid_batch(self, data: st.DataObject, tenant: str, timeout: int | None) -> None:
        self.push(data, tenant, "valid", timeout)

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS))
    def push_a_valid_batch_and_let_it_complete(self, data: st.DataObject, tenant: str) -> None:
        self.push(data, tenant, "valid", None)
        self.advance(tenant, int(PUSH_DELAY) + 1)

    @rule(
        data=st.data(),
        tenant=st.sampled_from(TENANTS),
        kind=st.sampled_from(["one rule", "any", "no such account"]),
        timeout=st.sampled_from([None, 0, 2]),
    )
    def push_another_batch(self, data: st.DataObject, tenant: str, kind: str, timeout: int | None) -> None:
        self.push(data, tenant, kind, timeout)

    def push(self, data: st.DataObject, tenant: str, kind: str, timeout: int | None) -> None:
        self.touched = tenant
        model, api = self.model(tenant), self.apis[tenant]
        if not model.accounts:
            return
        account = data.draw(st.sampled_from(model.accounts), label="account")
        today, state = self.today(model), account.state()
        path_account = account.id
        if kind == "valid" and state.accepts_writes and qbo.accepts_date(state.lowest(today), today, state):
            batch = data.draw(qbo.valid_batches(today, state, max_size=8), label="batch")
            body: Any = {"accountId": account.id, "transactions": batch}
        elif kind == "one rule":
            names = [n for n in qbo.breakable(today, state) if n not in ("ConnectionNotFound", "AccountNotFound")]
            if not names:
                return
            request = data.draw(qbo.breaking(data.draw(st.sampled_from(names), label="rule"), today, state))
            body = request.body
        elif kind == "no such account":
            path_account = "no-such-account"
            body = {"accountId": path_account, "transactions": data.draw(qbo.valid_batches(today, max_size=3))}
        else:
            body = data.draw(mixed_requests(today, STRICT_JSON), label="request").body
            body["accountId"] = data.draw(st.sampled_from([account.id, account.id, "other"]), label="body accountId")

        response = api.push(account.company, account.connection, path_account, body, timeout)

        if path_account != account.id:
            assert response.status_code == 404, response.text
            return
        transactions = body.get("transactions")
        expected = oracle.expected_names(
            account.id, body.get("accountId"), transactions, account.oracle_account(), today.isoformat()
        )
        if expected:
            event("push refused: " + ", ".join(sorted(expected)))
            assert response.status_code == 400, response.text
            assert validator_names(response) == expected
            return
        event("push accepted")
        assert response.status_code == 200, f"the oracle accepts it: {response.text}"
        answer = response.json()
        assert isinstance(transactions, list)
        push = PushModel(
            answer["pushOperationKey"],
            model.now,
            timeout,
            transactions,
            balance_rule(transactions, account.expected_balance()),
        )
        account.pushes.append(push)
        model.settle()  # a push that times out at once is settled before the answer
        assert answer["status"] == push.status

    @rule(tenant=st.sampled_from(TENANTS), seconds=st.sampled_from([1, 30, 59, 60, 61, 89, 90, 91, 3600, 86400, 11 * 86400]))
    def advance_the_clock(self, tenant: str, seconds: int) -> None:
        self.advance(tenant, seconds)

    def advance(self, tenant: str, seconds: int) -> None:
        self.touched = tenant
        model = self.model(tenant)
        now = self.apis[tenant].advance(seconds)
        model.now += timedelta(seconds=seconds)
        assert now == model.now

    @rule(tenant=st.sampled_from(TENANTS))
    def poll(self, tenant: str) -> None:
        self.touched = tenant
        model, api = self.model(tenant), self.apis[tenant]
        model.settle()
        api.poll()
        for account in model.accounts:
            feed = api.feed(account.company, account.id)
            pulled = {t["id"] for t in feed["transactions"]}
            if not (account.linked and account.disconnected_at is None):
                continue
            # A linked account's feed holds every successful push, up to the first still pending.
            for push in account.written():
                if push.status == "Pending":
                    break
                assert {t["id"] for t in push.transactions} <= pulled, f"push {push.key} not in the feed after a poll"
                event("a poll found a successful push in the feed")

    @rule(data=st.data(), tenant=st.sampled_from(TENANTS), revoke=st.booleans())
    def disconnect_in_qbo_or_revoke_credentials(self, data: st.DataObject, tenant: str, revoke: bool) -> None:
        self.touched = tenant
        model, api = self.model(tenant), self.apis[tenant]
        if not model.accounts:
            return
        account = data.draw(st.sampled_from(model.accounts), label="account")
        if revoke:
            credentials = api.credentials(account.company, account.connection)
            api.revoke(account.company, account.connection)
            for other in model.accounts:
                if other.connection == account.connection and other.linked and other.disconnected_at is None:
                    other.disconnected_at = model.now
            # QBO refuses the revoked set from now on.
            refused = api.link(credentials, [(account.id, self.today(model))])
            assert refused.status_code == 401, refused.text
        elif account.linked:
            api.disconnect(account.company, account.connection, account.id)
            if account.disconnected_at is None and account.status != "disconnected":
                account.disconnected_at = model.now

    @rule(tenant=st.sampled_from(TENANTS))
    def reset(self, tenant: str) -> None:
        self.touched = tenant
        self.apis[tenant].reset()
        self.models[tenant] = TenantModel()
        self.subscribe(tenant)  # a reset drops the endpoints too

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def every_tenant_reads_back_what_the_model_says(self) -> None:
        self.steps += 1
        # In full for the tenant the step acted for; the other one's clock and companies show
        # that nothing reached it (its own steps check the rest).
        for tenant in TENANTS:
            model, api = self.model(tenant), self.apis[tenant]
            model.settle()
            assert parse_utc(api.ok("GET", "/_mock/clock")["now"]) == model.now
            assert sorted(c["id"] for c in api.companies()) == sorted(model.companies)
            if tenant != self.touched:
                continue
            for company in model.companies:
                self.check_pushes(tenant, company)
            for account in model.accounts:
                self.check_account(tenant, account)
            self.check_webhooks(tenant)

    def check_webhooks(self, tenant: str) -> None:
        messages = self.apis[tenant].ok("GET", "/_mock/webhooks/messages")["messages"]
        raised = Counter((m["eventType"], m["body"]["payload"]["id"]) for m in messages if m["eventType"] in (SUCCESSFUL, UNSUCCESSFUL))
        for account in self.model(tenant).accounts:
            for push in account.pushes:
                expected = {"Pending": (0, 0), "Success": (1, 0)}.get(push.status, (0, 1))
                assert (raised[(SUCCESSFUL, push.key)], raised[(UNSUCCESSFUL, push.key)]) == expected, push

    def check_deliveries(self, tenant: str) -> None:
        """Every message reaches the receiver (2xx); each successful push's event arrived once."""
        api, deadline = self.apis[tenant], time.monotonic() + 20
        while any(m["status"] != "succeeded" for m in api.ok("GET", "/_mock/webhooks/messages")["messages"]):
            assert time.monotonic() < deadline, "every webhook message is delivered"
            time.sleep(0.02)
        delivered = Counter(body["payload"]["id"] for body in self.inboxes[tenant].events(SUCCESSFUL))
        succeeded = [p.key for a in self.model(tenant).accounts for p in a.pushes if p.status == "Success"]
        assert delivered == Counter(succeeded)
        assert self.inboxes[tenant].rejected == []

    def check_pushes(self, tenant: str, company: str) -> None:
        model = self.model(tenant)
        expected = {p.key: p for a in model.accounts if a.company == company for p in a.pushes}
        answered = {p["pushOperationKey"]: p for p in self.apis[tenant].pushes(company)}
        assert set(answered) == set(expected), "push operations are those accepted, each once"
        for key, push in expected.items():
            status = answered[key]["status"]
            before = self.seen_status.get(key, "Pending")
            assert before == status or (before == "Pending" and status in FINISHED), f"{key}: {before} -> {status}"
            if before != status:
                event("push turned " + status)
            self.seen_status[key] = status
            assert status == push.status, f"{key} is {status}, the model says {push.status}"
            if push.completed is not None:
                assert parse_utc(answered[key]["completedOnUtc"]) == push.completed

    def check_account(self, tenant: str, account: AccountModel) -> None:
        api = self.apis[tenant]
        listed = {a["id"]: a for a in api.source_accounts(account.company, account.connection)}
        answered = listed[account.id]
        assert answered["status"] == account.status
        assert as_decimal(answered["balance"]) == account.expected_balance()
        feed = api.feed(account.company, account.id)
        self.check_feed(account, feed["transactions"])
        waiting = sum(len(p.transactions) for p in account.written() if p.key not in account.in_feed)
        assert feed["pending"] == waiting

    def check_feed(self, account: AccountModel, feed: list[dict[str, Any]]) -> None:
        ids = [t["id"] for t in feed]
        assert len(ids) == len(set(ids)), "a transaction reaches the feed once"
        keys = [oracle.local_key(t["date"]) for t in feed]
        assert all(k is not None for k in keys)
        assert keys == sorted(keys), "the feed is chronological"  # type: ignore[type-var]
        # The feed is the transactions of successful pushes, whole and in order; it only grows.
        # (Only successful ones are looked for: a failed push's ids are free again, and a later
        # push may carry them.)
        pulled: list[str] = []
        position = 0
        for push in account.pushes:
            size = len(push.transactions)
            if push.status == "Success" and ids[position : position + size] == [str(t["id"]) for t in push.transactions]:
                for item, answered in zip(push.transactions, feed[position : position + size], strict=True):
                    assert (answered["date"], answered["amount"]) == (item["date"], item["amount"])
                    assert oracle.local_key(item["date"])[:10] <= push.requested.date().isoformat(), "future-dated"  # type: ignore[index]
                pulled.append(push.key)
                position += size
        assert position == len(ids), f"the feed holds transactions of no successful push: {ids[position:]}"
        assert pulled[: len(account.in_feed)] == account.in_feed, "the feed only grows"
        account.in_feed = pulled

    @invariant()
    def tenants_never_see_each_other(self) -> None:
        for tenant, other in zip(TENANTS, reversed(TENANTS), strict=True):
            api = self.apis[tenant]
            for account in self.model(other).accounts:
                if account.company in self.model(tenant).companies:
                    continue
                assert api.call("GET", f"/companies/{account.company}").status_code == 404
                feed = api.call("GET", f"/_mock/qbo/companies/{account.company}/accounts/{account.id}/transactions")
                assert feed.status_code == 404


EmulatorMachine.TestCase.settings = settings(max_examples=examples(25), stateful_step_count=40)
TestEmulatorAgainstTheModel = EmulatorMachine.TestCase
