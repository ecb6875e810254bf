"""Creating a bank account in the simulated QBO company (create-bank-account).

Like every Codat write it answers a push operation (``dataType`` ``bankAccounts``): ``Pending``,
then ``Success`` after the push delay on the virtual clock, when the account appears in the chart
and in list-bank-accounts; ``TimedOut`` when ``timeoutInMinutes`` passes first. What QBO would
refuse is refused at once, with every reason (:func:`mock_server.core.chart.check_new_account`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mock_server.core.chart import check_new_account, open_qbo_company, reserve_account
from mock_server.core.errors import RuleRejected
from mock_server.core.model import BANK_ACCOUNTS, PENDING, PushOperation, QboCompany
from mock_server.core.pushes import complete_due, start
from mock_server.core.stored import Transactions
from mock_server.core.tenant import Tenant


def qbo_company(tenant: Tenant, company_id: str, connection_id: str, now: datetime) -> QboCompany:
    """The QBO company behind this connection (NotFound for an unknown company or connection)."""
    company = tenant.company(company_id)
    tenant.connection(company_id, connection_id)
    if company.qbo is None:  # only for companies built before QBO companies existed
        company.qbo = open_qbo_company(tenant.ids.rng(), company.name, now)
    return company.qbo


def create_bank_account(
    tenant: Tenant,
    company_id: str,
    connection_id: str,
    body: Mapping[str, Any],
    timeout_minutes: int | None,
    now: datetime,
) -> PushOperation:
    """Accept the account as a Pending push, or raise RuleRejected with every reason QBO refuses it."""
    qbo = qbo_company(tenant, company_id, connection_id, now)
    company = tenant.company(company_id)
    being_opened = {
        op.created_account.name
        for op in company.push_operations.values()
        if op.status == PENDING and op.created_account is not None
    }
    violations = check_new_account(qbo, body, being_opened)
    if violations:
        raise RuleRejected(violations)
    balance = body.get("balance")
    account = reserve_account(
        qbo,
        name=str(body["accountName"]).strip(),
        account_type="Credit" if body.get("accountType") == "Credit" else "Debit",
        account_number=body.get("accountNumber"),
        currency=str(body["currency"]),
        balance=0.0 if balance is None else float(balance),
        created=now,
        nominal_code=body.get("nominalCode"),
    )
    operation = start(
        tenant,
        company.id,
        connection_id,
        account.id,
        timeout_minutes,
        now,
        transactions=Transactions(),
        data_type=BANK_ACCOUNTS,
        created_account=account,
    )
    complete_due(tenant, now)
    return operation
