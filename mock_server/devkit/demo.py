"""``bankfeeds-mock demo``: Codat's QBO bank-feeds tutorial, step by step, with the official SDK.

Each step says what it stands for in production, the SDK call it makes, and the HTTP exchange that
went over the wire (request and answer, as sent), so a newcomer sees the whole flow in one command.
The SMB user's side and QBO's poll, which happen outside your code in production, go through the
emulator's control API (``/_mock``).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TextIO

import httpx

from mock_server.devkit.server import BankFeedsMock, StartupError, wait_until_healthy
from mock_server.testing.client import HISTORY_DAYS, ControlError, MockTenant

SUMMARY = "walk Codat's QBO bank-feeds tutorial with the official SDK, printing every exchange"
INSTALL_HINT = "pip install 'bankfeeds-mock[demo]'   (or: pip install codat-bankfeeds==13.0.0)"

# The tutorial's sample account and payees; amounts are signed (money out is negative).
ACCOUNT = {
    "account_name": "Account 002",
    "account_type": "Debit",
    "account_number": "12345670",
    "sort_code": "123456",
    "currency": "GBP",
    "balance": Decimal("6531.40"),
}
HISTORY = [
    ("HSBC Covent Grdn ATM W", Decimal("-200.00")),
    ("Forbes subscription", Decimal("-49.99")),
    ("Wholesale Balloons, Ltd", Decimal("-1250.00")),
    ("Client payment: Ocean Weddings", Decimal("4686.51")),
    ("Party Rentals", Decimal("-312.40")),
    ("Client payment: Harbour Gala", Decimal("2088.76")),
    ("Bank fee", Decimal("-15.00")),
]
MAX_PUSH_WAIT_SECONDS = 60


def run(args: argparse.Namespace) -> int:
    """The ``demo`` command: 0 when the journey completes, 1 when a step fails, 2 when it cannot start."""
    out: TextIO = sys.stdout
    try:
        import codat_bankfeeds  # noqa: F401
    except ImportError:
        print("The demo drives Codat's official Python SDK, which is not installed. Install it with:", file=sys.stderr)
        print("    " + INSTALL_HINT, file=sys.stderr)
        return 2
    api_key = args.api_key or f"demo-{uuid.uuid4().hex[:12]}"
    if args.url:
        try:
            wait_until_healthy(args.url, max(0.0, args.wait))
        except StartupError as exc:
            print(f"{exc}\nStart one with `bankfeeds-mock serve`, or leave out --url to let the demo start its own.", file=sys.stderr)
            return 2
        return Demo(args.url, api_key, out, full=args.full).run()
    with BankFeedsMock() as mock:
        print(f"Started an emulator at {mock.url} for this demo; it stops when the demo ends.", file=out)
        return Demo(mock.url, api_key, out, full=args.full).run()


@dataclass
class Recorder:
    """Keeps every HTTP exchange the demo's client makes, so each step can show what went over the wire."""

    exchanges: list[httpx.Response] = field(default_factory=list)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.exchanges.append(response)

    def since(self, mark: int) -> list[httpx.Response]:
        return self.exchanges[mark:]


class StepFailed(Exception):
    """A step got an answer the journey cannot go on from."""


class Demo:
    def __init__(self, url: str, api_key: str, out: TextIO, *, full: bool = False) -> None:
        from codat_bankfeeds import CodatBankFeeds
        from codat_bankfeeds.models import shared
        from codat_bankfeeds.utils import RetryConfig

        self.url, self.out, self.full = url.rstrip("/"), out, full
        self.recorder = Recorder()
        # One client carries the SDK's calls and the control API's, so both are recorded alike.
        self.http = httpx.Client(event_hooks={"response": [self.recorder.on_response]}, timeout=30.0)
        self.tenant = MockTenant(self.url, api_key, client=self.http)
        # No retries: by default the SDK retries 5xx and 429 for up to an hour, and a demo should fail fast.
        self.sdk = CodatBankFeeds(
            server_url=self.url,
            security=shared.Security(auth_header=self.tenant.auth_header),
            client=self.http,
            retry_config=RetryConfig("none", retry_connection_errors=False),
        )
        self.number = 0
        self.shown = 0

    # -- output -----------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def body(self, content: bytes) -> list[str]:
        if not content:
            return ["(no body)"]
        try:
            lines = json.dumps(json.loads(content), indent=2, ensure_ascii=False).splitlines()
        except ValueError:
            lines = content.decode("utf-8", "replace").splitlines()
        if not self.full and len(lines) > 20:
            lines = [*lines[:18], f"... {len(lines) - 18} more lines (--full prints them)"]
        return lines

    def exchange(self, response: httpx.Response) -> None:
        request = response.request
        target = request.url.raw_path.decode("ascii")
        self.say(f"  -> {request.method} {target}")
        if request.method in ("POST", "PUT", "PATCH"):
            for line in self.body(request.content):
                self.say("       " + line)
        self.say(f"  <- {response.status_code} {response.reason_phrase}")
        for line in self.body(response.content):
            self.say("       " + line)

    @contextmanager
    def step(self, title: str, why: str, call: str | None = None) -> Iterator[None]:
        """A numbered step: its title, what it stands for, the SDK call, then every exchange it made."""
        self.number += 1
        self.say()
        self.say(f"[{self.number}] {title}")
        self.say(f"  {why}")
        if call is not None:
            self.say(f"  SDK: {call}")
        self.shown = len(self.recorder.exchanges)
        try:
            yield
        finally:
            self.flush()

    def flush(self) -> None:
        """Print the exchanges made since the last flush."""
        for response in self.recorder.since(self.shown):
            self.exchange(response)
        self.shown = len(self.recorder.exchanges)

    def result(self, text: str) -> None:
        self.say(f"  => {text}")

    # -- the journey ------------------------------------------------------------------------------

    def run(self) -> int:
        from codat_bankfeeds.models import errors

        self.say(f"Emulator {self.url}, API key {self.tenant.api_key!r}; each API key is a tenant of its own.")
        self.say(f"Every call sends the header  Authorization: {self.tenant.auth_header}")
        try:
            self.journey()
        except (errors.CodatBankFeedsError, ControlError, StepFailed, httpx.HTTPError) as exc:
            self.say()
            self.say(f"FAILED at step {self.number}: {type(exc).__name__}: {exc}")
            return 1
        finally:
            self.http.close()
        return 0

    def journey(self) -> None:
        from codat_bankfeeds.models import operations, shared

        with self.step(
            "Create a company",
            "Your SMB user clicks 'Connect to QuickBooks'; your backend creates a Codat company for them.",
            "sdk.companies.create(request=shared.CompanyRequestBody(name='Elaborate Events, Inc'))",
        ):
            company = self.sdk.companies.create(request=shared.CompanyRequestBody(name="Elaborate Events, Inc"))
        self.result(f"company id {company.id}")

        with self.step(
            "Create a QBO Bank Feeds connection",
            "A data connection to QuickBooks Online Bank Feeds: platform key 'hcws'.",
            "sdk.connections.create(request=operations.CreateConnectionRequest(company_id=..., "
            "request_body=operations.CreateConnectionRequestBody(platform_key='hcws')))",
        ):
            connection = self.sdk.connections.create(
                request=operations.CreateConnectionRequest(
                    company_id=company.id, request_body=operations.CreateConnectionRequestBody(platform_key="hcws")
                )
            )
        self.result(f"connection id {connection.id}, status {connection.status.value}: waiting for the SMB user")

        account_id = f"acc-{uuid.uuid4().hex[:8]}"
        with self.step(
            "Create a source account",
            "The bank account in your app whose transactions will feed QBO.",
            f"sdk.source_accounts.create(request=operations.CreateSourceAccountRequest(company_id=..., connection_id=..., "
            f"request_body=shared.SourceAccountPrototype(id='{account_id}', account_name='Account 002', ...)))",
        ):
            account = self.sdk.source_accounts.create(
                request=operations.CreateSourceAccountRequest(
                    company_id=company.id,
                    connection_id=connection.id,
                    request_body=shared.SourceAccountPrototype(id=account_id, **ACCOUNT),
                )
            )
        self.result(f"account {account.id}, status {_value(account.status)}: not in QBO yet")

        with self.step(
            "Generate bank feed credentials",
            "In production you show these to the SMB user, who types them into QBO.",
            "sdk.source_accounts.generate_credentials(request=operations.GenerateCredentialsRequest(company_id=..., "
            "connection_id=..., request_body=b'{}'))",
        ):
            credentials = self.sdk.source_accounts.generate_credentials(
                request=operations.GenerateCredentialsRequest(
                    company_id=company.id, connection_id=connection.id, request_body=b"{}"
                )
            )
        self.result(f"username {credentials.username}, password {credentials.password}")

        with self.step(
            "The SMB user links the account in QBO",
            "In QBO they type the credentials, pick the account and a feed start date at most seven days back. "
            "Here the emulator's control API plays them, counting days from its virtual clock.",
        ):
            today = self.tenant.clock.now().date()
            feed_start = today - timedelta(days=HISTORY_DAYS)
            linked = self.tenant.call(
                "POST",
                "/_mock/qbo/link",
                json={
                    "username": credentials.username,
                    "password": credentials.password,
                    "accounts": [{"sourceAccountId": account_id, "feedStartDate": feed_start.isoformat()}],
                },
            )
            self.flush()
            self.say("  SDK: sdk.source_accounts.list(request=operations.ListSourceAccountsRequest(company_id=..., connection_id=...))")
            listed = self.sdk.source_accounts.list(
                request=operations.ListSourceAccountsRequest(company_id=company.id, connection_id=connection.id)
            )
        status = linked["accounts"][0]["status"]
        self.result(f"account {status}, feed start {linked['accounts'][0]['feedStartDate']}; the SDK now lists it {_value(listed[0].status)}")

        batch = self.history(feed_start)
        with self.step(
            "Write seven days of history",
            "The first sync sends a week of transactions, oldest first (the tutorial's advice).",
            "sdk.transactions.create(request=operations.CreateBankTransactionsRequest(company_id=..., connection_id=..., "
            "account_id=..., create_bank_transactions=shared.CreateBankTransactions(account_id=..., transactions=[...])))",
        ):
            push = self.sdk.transactions.create(
                request=operations.CreateBankTransactionsRequest(
                    company_id=company.id,
                    connection_id=connection.id,
                    account_id=account_id,
                    create_bank_transactions=shared.CreateBankTransactions(account_id=account_id, transactions=batch),
                )
            )
        self.result(f"push operation {push.push_operation_key}: {_value(push.status)}")

        self.wait_for_push(company.id, push.push_operation_key)

        with self.step(
            "QBO polls Codat",
            "QBO pulls waiting transactions about once a day, or when the user clicks Update; "
            "the control API makes it pull now.",
        ):
            pulled = self.tenant.poll(company.id)
        self.result(f"QBO pulled {pulled} transactions" + ("" if pulled else " (its scheduled poll had already run)"))

        with self.step(
            "See the feed in QBO",
            "What the SMB user now sees in QBO's Banking tab, ready to reconcile (control API).",
        ):
            feed = self.tenant.feed(company.id, account_id)
        if len(feed["transactions"]) != len(batch):
            raise StepFailed(f"QBO's feed holds {len(feed['transactions'])} transactions, expected {len(batch)}")
        self.result(f"{len(feed['transactions'])} transactions in QBO's feed, balance {feed['balance']}")
        self.say()
        self.say("Done: the whole bank-feeds journey ran against the emulator.")

    def history(self, feed_start: date) -> list[Any]:
        """Seven days of transactions, one a day from the feed start date, each carrying the running balance."""
        from codat_bankfeeds.models import shared

        balance = ACCOUNT["balance"]
        assert isinstance(balance, Decimal)
        batch = []
        for day, (description, amount) in enumerate(HISTORY):
            balance += amount
            batch.append(
                shared.BankTransaction(
                    id=str(uuid.uuid4()),
                    date_=f"{(feed_start + timedelta(days=day)).isoformat()}T10:00:00",
                    description=description,
                    amount=amount,
                    balance=balance,
                )
            )
        return batch

    def wait_for_push(self, company_id: str, key: str) -> None:
        from codat_bankfeeds.models import operations

        def get() -> Any:
            request = operations.GetCreateOperationRequest(company_id=company_id, push_operation_key=key)
            return self.sdk.transactions.get_create_operation(request=request)

        with self.step(
            "Check the push status until Success",
            "Codat writes to QBO asynchronously: ask for the operation until it leaves Pending.",
            "sdk.transactions.get_create_operation(request=operations.GetCreateOperationRequest(company_id=..., "
            "push_operation_key=...))",
        ):
            operation = get()
            waited = 0
            while _value(operation.status) == "Pending" and waited < MAX_PUSH_WAIT_SECONDS:
                self.flush()
                self.say("  Still Pending. Against Codat you would wait and ask again; here the emulator's virtual")
                self.say("  clock moves on one second (control API), then the SDK asks again.")
                self.tenant.clock.advance(1)
                operation = get()
                waited += 1
        if _value(operation.status) != "Success":
            raise StepFailed(f"push operation {key} is {_value(operation.status)}, not Success")
        self.result(f"Success (statusCode {operation.status_code}), completed {operation.completed_on_utc}")


def _value(status: Any) -> str:
    """An SDK enum member or a plain string, as text."""
    return str(getattr(status, "value", status))
