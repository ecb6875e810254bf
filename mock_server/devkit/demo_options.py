"""The ``demo`` command's description and options, apart from the demo itself: every command's
options are built whenever the CLI starts, and the demo's own imports (an HTTP client, the SDK's
helpers) would otherwise weigh on ``bankfeeds-mock serve``'s start and memory."""

from __future__ import annotations

import argparse
import os

DESCRIPTION = (
    "Walk the journey of Codat's QuickBooks Online bank-feeds tutorial with the official Python SDK "
    "(codat-bankfeeds): company, connection, source account, credentials, the SMB user's link in QBO, "
    "seven days of history, push status, QBO's poll and the feed. Every step prints the SDK call, the "
    "HTTP request it sent and the answer it got. Without --url it starts an emulator of its own."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.add_argument(
        "--url",
        default=os.environ.get("BANKFEEDS_MOCK_URL"),
        help="base URL of a running emulator, e.g. http://127.0.0.1:8080 (env BANKFEEDS_MOCK_URL); "
        "default: start one for the demo and stop it at the end",
    )
    parser.add_argument(
        "--api-key",
        default=None,
        metavar="KEY",
        help="API key to call with; needed when the emulator accepts only some keys (serve --api-key). "
        "Default: a fresh random key, so the demo runs in a tenant of its own and touches no other data",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for the emulator at --url to answer its health check (default 5)",
    )
    parser.add_argument("--full", action="store_true", help="print request and answer bodies whole, not cut at 20 lines")
