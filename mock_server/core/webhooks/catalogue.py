"""Every event type the emulator sends, named as Codat names them.

The Bank Feeds document's ``webhooks:`` section lists the source-account and rate-limit events;
Codat's platform-wide catalogue adds the connection and ``{dataType}.write.*`` events a bank-feeds
integration receives. ``contracts/bankfeeds.openapi.yaml`` documents each one's body.
"""

from __future__ import annotations

from mock_server.core.model import BANK_ACCOUNTS, BANK_TRANSACTIONS, SUCCESS

CLIENT_RATE_LIMIT_REACHED = "client.rateLimit.reached"
CLIENT_RATE_LIMIT_RESET = "client.rateLimit.reset"
SOURCE_ACCOUNT_CONNECTED = "bankFeeds.sourceAccount.connected"
SOURCE_ACCOUNT_DISCONNECTED = "bankFeeds.sourceAccount.disconnected"
BANK_TRANSACTIONS_WRITE_SUCCESSFUL = "bankTransactions.write.successful"
BANK_TRANSACTIONS_WRITE_UNSUCCESSFUL = "bankTransactions.write.unsuccessful"
BANK_ACCOUNTS_WRITE_SUCCESSFUL = "bankAccounts.write.successful"
BANK_ACCOUNTS_WRITE_UNSUCCESSFUL = "bankAccounts.write.unsuccessful"
CONNECTION_CREATED = "connection.created"
CONNECTION_CONNECTED = "connection.connected"
CONNECTION_DISCONNECTED = "connection.disconnected"
CONNECTION_RECONNECTED = "connection.reconnected"
CONNECTION_DELETED = "connection.deleted"

EVENT_TYPES: tuple[str, ...] = (
    CLIENT_RATE_LIMIT_REACHED,
    CLIENT_RATE_LIMIT_RESET,
    SOURCE_ACCOUNT_CONNECTED,
    SOURCE_ACCOUNT_DISCONNECTED,
    BANK_TRANSACTIONS_WRITE_SUCCESSFUL,
    BANK_TRANSACTIONS_WRITE_UNSUCCESSFUL,
    BANK_ACCOUNTS_WRITE_SUCCESSFUL,
    BANK_ACCOUNTS_WRITE_UNSUCCESSFUL,
    CONNECTION_CREATED,
    CONNECTION_CONNECTED,
    CONNECTION_DISCONNECTED,
    CONNECTION_RECONNECTED,
    CONNECTION_DELETED,
)


def write_event(data_type: str, status: str) -> str:
    """The ``{dataType}.write.*`` event a push operation of ``data_type`` ending in ``status`` raises."""
    if data_type not in (BANK_TRANSACTIONS, BANK_ACCOUNTS):
        raise ValueError(f"no write events for data type {data_type!r}")
    return f"{data_type}.write.{'successful' if status == SUCCESS else 'unsuccessful'}"
