"""The simulated QuickBooks Online company: its facts, its chart of bank accounts, and mapping.

A company's first QBO Bank Feeds connection opens a QBO company holding a few bank accounts, the
same ones for the same ``--seed``. Those accounts are the targets account mapping offers; the
integrator may add one (create-bank-account), and the SMB user linking a feed in QBO lands it in
the account mapped to it, or in a new one QBO opens under the source account's name.

Everything here works on plain records and takes ``now`` from the caller.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mock_server.core.errors import BadRequest, RuleRejected
from mock_server.core.model import (
    ACCOUNT_CONNECTED,
    Company,
    Connection,
    QboCompany,
    SourceAccount,
    TargetAccount,
)
from mock_server.core.rules import HISTORY_DAYS, Violation

BASE_CURRENCY = "USD"
PLANS = ("SimpleStart", "Essentials", "Plus", "Advanced")
# What a small US business typically keeps in QBO; the first is always there.
_STARTER_ACCOUNTS = (
    ("Business Checking", "Debit"),
    ("Business Savings", "Debit"),
    ("Payroll Checking", "Debit"),
    ("Money Market", "Debit"),
    ("Petty Cash", "Debit"),
    ("Business Credit Card", "Credit"),
)
# QBO refuses account names longer than 100 characters, or with a colon (it separates
# sub-accounts) or a double quote; and two accounts may not share a name.
NAME_MAX = 100
NAME_FORBIDDEN = (":", '"')
# Codat's v2 source account types that QBO keeps as credit (money owed) accounts.
_CREDIT_SOURCE_TYPES = ("creditCard", "loan", "Credit")

MAPPED, MAPPING_FAILED = "Success", "Failed"


def open_qbo_company(rng: random.Random, name: str, now: datetime) -> QboCompany:
    """A QBO company with three to five bank accounts, all drawn from ``rng``."""
    qbo = QboCompany(
        name=name,
        base_currency=BASE_CURRENCY,
        currencies=[BASE_CURRENCY],
        multicurrency=False,
        plan=rng.choice(PLANS),
        next_id=rng.randint(30, 90),
    )
    count = rng.randint(3, 5)
    for account_name, account_type in [_STARTER_ACCOUNTS[0], *rng.sample(_STARTER_ACCOUNTS[1:], count - 1)]:
        open_account(
            qbo,
            reserve_account(
                qbo,
                account_name,
                account_type,
                str(rng.randrange(10**7, 10**8)),
                qbo.base_currency,
                round(rng.uniform(250, 50_000), 2),
                now,
            ),
        )
    return qbo


def open_account(qbo: QboCompany, account: TargetAccount) -> TargetAccount:
    """Put an account made by :func:`reserve_account` in the chart."""
    qbo.chart[account.id] = account
    return account


def reserve_account(
    qbo: QboCompany,
    name: str,
    account_type: str,
    account_number: str | None,
    currency: str,
    balance: float,
    created: datetime,
    nominal_code: str | None = None,
) -> TargetAccount:
    """An account with QBO's next id, not in the chart yet (a push opens it when it completes)."""
    account = TargetAccount(str(qbo.next_id), name, account_type, account_number, currency, balance, created, nominal_code)
    qbo.next_id += 1
    return account


def clamp_feed_start(requested: date, now: datetime) -> date:
    """QBO takes at most seven days of history: an older start date is moved up to today - 7."""
    return max(requested, now.date() - timedelta(days=HISTORY_DAYS))


# -- creating a bank account -----------------------------------------------------------------------


def check_new_account(qbo: QboCompany, body: Mapping[str, Any], pending_names: set[str]) -> list[Violation]:
    """Every reason QBO would refuse to open this bank account; [] when it would open it.

    QBO needs a name, an account number and a currency (see the create-bankAccounts model);
    ``pending_names`` are names of accounts already being created, which count as taken.
    """
    violations: list[Violation] = []
    for name in ("accountName", "accountNumber", "currency"):
        value = body.get(name)
        if not isinstance(value, str) or not value.strip():
            violations.append(Violation("RequiredField", name, f"'{name}' is required by QuickBooks Online."))
    wanted = body.get("accountName")
    if isinstance(wanted, str) and wanted.strip():
        if len(wanted) > NAME_MAX or any(c in wanted for c in NAME_FORBIDDEN):
            violations.append(
                Violation(
                    "AccountName",
                    "accountName",
                    f"Account name '{wanted}' must have at most {NAME_MAX} characters and no ':' or '\"'.",
                )
            )
        taken = {a.name.casefold() for a in qbo.chart.values()} | {n.casefold() for n in pending_names}
        if wanted.strip().casefold() in taken:
            violations.append(
                Violation("DuplicateAccountName", "accountName", f"Another account is already named '{wanted}'.")
            )
    currency = body.get("currency")
    if isinstance(currency, str) and currency.strip() and currency not in qbo.currencies:
        violations.append(
            Violation(
                "Currency",
                "currency",
                f"Currency '{currency}' is not enabled in this QuickBooks company "
                f"(enabled: {', '.join(qbo.currencies)}; multicurrency is off).",
            )
        )
    return violations


# -- mapping ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingOutcome:
    """What create-bank-account-mapping answers: ``Success``, or ``Failed`` with the reason."""

    source_account_id: str
    target_account_id: str | None
    status: str
    error: str | None = None


def source_accounts(company: Company) -> Iterator[SourceAccount]:
    for connection in company.connections.values():
        yield from connection.accounts.values()


def mapped_elsewhere(company: Company, target_id: str, account: SourceAccount) -> bool:
    """Whether another source account of the company already feeds this target."""
    return any(a is not account and a.target_account_id == target_id for a in source_accounts(company))


def target_options(company: Company, qbo: QboCompany, account: SourceAccount) -> list[TargetAccount]:
    """Accounts this source account may map to: same currency, not fed by another source account."""
    currency = account.fields.get("currency")
    return [
        target
        for target in qbo.chart.values()
        if (currency is None or target.currency == currency) and not mapped_elsewhere(company, target.id, account)
    ]


def parse_feed_start(value: Any) -> date | None:
    """A mapping's ``feedStartDate`` (date or date-time) as a date; BadRequest when it is neither."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise RuleRejected([Violation("DateFormat", "feedStartDate", f"'feedStartDate' is not an ISO 8601 date: {value!r}.")])


def map_source_account(
    company: Company,
    connection: Connection,
    qbo: QboCompany,
    body: Mapping[str, Any],
    now: datetime,
) -> MappingOutcome:
    """Point a source account at a target in the chart (``targetAccountId`` null: unmap it).

    Unknown ids are a 400 listing each; a target that another source account feeds, or any change
    to a feed already connected in QBO, answers ``Failed`` and changes nothing.
    """
    source_id = body.get("sourceAccountId")
    target_id = body.get("targetAccountId")
    feed_start = parse_feed_start(body.get("feedStartDate"))
    violations: list[Violation] = []
    account = connection.accounts.get(source_id) if isinstance(source_id, str) else None
    if account is None:
        violations.append(
            Violation(
                "SourceAccountNotFound",
                str(source_id),
                f"Source account {source_id} not found on data connection {connection.id}.",
            )
        )
    if target_id is not None and target_id not in qbo.chart:
        violations.append(
            Violation(
                "TargetAccountNotFound",
                str(target_id),
                f"Target account {target_id} is not a bank account of the QuickBooks company.",
            )
        )
    if violations:
        raise RuleRejected(violations)
    assert account is not None and isinstance(source_id, str)
    if target_id is not None and mapped_elsewhere(company, target_id, account):
        return MappingOutcome(source_id, target_id, MAPPING_FAILED, "A feed connection already exists to this account.")
    if account.status == ACCOUNT_CONNECTED and (target_id != account.target_account_id or feed_start is not None):
        return MappingOutcome(
            source_id,
            target_id,
            MAPPING_FAILED,
            "The feed is connected in QuickBooks Online: disconnect it there before mapping it again.",
        )
    if target_id is not None:
        target = qbo.chart[target_id]
        currency = account.fields.get("currency")
        if currency is not None and target.currency != currency:
            return MappingOutcome(
                source_id,
                target_id,
                MAPPING_FAILED,
                f"Target account {target_id} is in {target.currency}; the source account is in {currency}.",
            )
    account.target_account_id = target_id
    if feed_start is not None:
        account.feed_start_date = clamp_feed_start(feed_start, now)
    account.modified = now
    return MappingOutcome(source_id, target_id, MAPPED)


# -- linking in QBO --------------------------------------------------------------------------------


def check_link_target(company: Company, qbo: QboCompany, account: SourceAccount, target_id: str | None) -> None:
    """Raise BadRequest when the SMB user could not pick this target for the feed in QBO."""
    if target_id is None:
        return
    if target_id not in qbo.chart:
        raise BadRequest(f"Target account {target_id} is not a bank account of the QuickBooks company.")
    if mapped_elsewhere(company, target_id, account):
        raise BadRequest(f"Target account {target_id} already receives another source account's feed.")


def land_feed(company: Company, qbo: QboCompany, account: SourceAccount, target_id: str | None, now: datetime) -> TargetAccount:
    """The account a newly linked feed lands in: the one picked, the one mapped, or a new one.

    QBO's connect screen offers "add new account" by default, named after the feed.
    """
    chosen = target_id or account.target_account_id
    if chosen is not None and chosen in qbo.chart and not mapped_elsewhere(company, chosen, account):
        account.target_account_id = chosen
        return qbo.chart[chosen]
    source_type = account.fields.get("accountType")
    balance = account.balance
    target = open_account(
        qbo,
        reserve_account(
            qbo,
            _free_name(qbo, str(account.fields.get("accountName") or account.id)),
            "Credit" if source_type in _CREDIT_SOURCE_TYPES else "Debit",
            account.fields.get("accountNumber"),
            str(account.fields.get("currency") or qbo.base_currency),
            0.0 if balance is None else balance,
            now,
        ),
    )
    account.target_account_id = target.id
    return target


def _free_name(qbo: QboCompany, wanted: str) -> str:
    wanted = "".join(c for c in wanted if c not in NAME_FORBIDDEN)[:NAME_MAX - 4].strip() or "Bank feed"
    taken = {a.name.casefold() for a in qbo.chart.values()}
    name, n = wanted, 2
    while name.casefold() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name
