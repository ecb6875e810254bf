"""``bankfeeds-mock``: the command line. Every option can also come from a BANKFEEDS_MOCK_* variable."""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from mock_server.core.clock import ClockOutOfRange, check_in_range
from mock_server.settings import LONGEST, RATE_LIMIT_MODES, Settings

ENV_PREFIX = "BANKFEEDS_MOCK_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name.upper().replace("-", "_"), default)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None
    try:
        return check_in_range(moment)
    except ClockOutOfRange as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_N = TypeVar("_N", int, float)


def _read(text: str, convert: Callable[[str], _N], noun: str) -> _N:
    try:
        return convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {noun}: {text!r}") from None


def _non_negative(text: str) -> float:
    value = _read(text, float, "a number")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _at_most_a_year(name: str) -> Callable[[str], float]:
    """The reader of one of the settings :data:`~mock_server.settings.LONGEST` bounds."""
    longest, unit = LONGEST[name]

    def read(text: str) -> float:
        value = _non_negative(text)
        if value > longest:
            raise argparse.ArgumentTypeError(f"must be at most {longest:,} {unit} (a year)")
        return value

    return read


def _positive(text: str) -> float:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _webhook_url(text: str) -> str:
    from mock_server.core.errors import ApiError
    from mock_server.core.webhooks import check_url

    try:
        return check_url(text)
    except ApiError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _webhook_secret(text: str) -> str:
    from mock_server.core.errors import ApiError
    from mock_server.core.webhooks import secret_key

    try:
        secret_key(text)
    except ApiError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    return text


def _at_least_one(text: str) -> int:
    value = _read(text, int, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _rate_limit(text: str) -> str:
    if text not in RATE_LIMIT_MODES:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(RATE_LIMIT_MODES)}, not {text!r}")
    return text


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """The options that shape an emulator, shared by every command that starts one."""
    env_keys = _env("api_key")
    parser.add_argument("--host", default=_env("host", "127.0.0.1"), help="interface to listen on (default 127.0.0.1; env BANKFEEDS_MOCK_HOST)")
    parser.add_argument("--port", type=int, default=int(_env("port", "8080") or 8080), help="port to listen on; 0 picks a free one (default 8080; env BANKFEEDS_MOCK_PORT)")
    parser.add_argument("--seed", type=int, default=int(s) if (s := _env("seed")) else None, help="make every generated id, credential and OTP reproducible (env BANKFEEDS_MOCK_SEED)")
    parser.add_argument("--clock", type=_instant, default=_instant(c) if (c := _env("clock")) else None, metavar="ISO8601", help="freeze each tenant's virtual clock at this instant, e.g. 2026-03-18T09:00:00Z (default: follow real time; env BANKFEEDS_MOCK_CLOCK)")
    parser.add_argument("--poll-interval", type=_at_most_a_year("poll_interval"), default=_at_most_a_year("poll_interval")(_env("poll_interval", "60") or "60"), metavar="SECONDS", help="QBO pulls waiting transactions every N seconds of virtual time; 0 = only on demand (default 60; env BANKFEEDS_MOCK_POLL_INTERVAL)")
    parser.add_argument("--push-delay", type=_at_most_a_year("push_delay"), default=_at_most_a_year("push_delay")(_env("push_delay", "2") or "2"), metavar="SECONDS", help="how long a push operation stays Pending, in virtual seconds; 0 = completes at once (default 2; env BANKFEEDS_MOCK_PUSH_DELAY)")
    parser.add_argument("--disconnect-lag-days", type=_at_most_a_year("disconnect_lag_days"), default=_at_most_a_year("disconnect_lag_days")(_env("disconnect_lag_days", "10") or "10"), metavar="DAYS", help="days between the SMB user disconnecting a feed in QBO and Codat's status turning 'disconnected' (default 10; env BANKFEEDS_MOCK_DISCONNECT_LAG_DAYS)")
    parser.add_argument("--api-key", action="append", default=[k for k in (env_keys or "").split(",") if k], metavar="KEY", help="accept only this API key; repeat for several (default: any key, each its own tenant; env BANKFEEDS_MOCK_API_KEY, comma-separated)")
    parser.add_argument("--max-body-bytes", type=int, default=int(_env("max_body_bytes", str(5 * 1024 * 1024)) or 0), metavar="BYTES", help="larger request bodies answer 413 (default 5 MiB; env BANKFEEDS_MOCK_MAX_BODY_BYTES)")
    parser.add_argument("--webhook-url", action="append", type=_webhook_url, default=[_webhook_url(u) for u in (_env("webhook_url") or "").split(",") if u], metavar="URL", help="subscribe every tenant to every webhook event at this URL; repeatable (env BANKFEEDS_MOCK_WEBHOOK_URL, comma-separated)")
    parser.add_argument("--webhook-secret", type=_webhook_secret, default=_webhook_secret(w) if (w := _env("webhook_secret")) else None, metavar="whsec_...", help="sign --webhook-url deliveries with this secret (default: one generated and printed at start; env BANKFEEDS_MOCK_WEBHOOK_SECRET)")
    parser.add_argument("--webhook-timeout", type=_positive, default=_positive(_env("webhook_timeout", "15") or "15"), metavar="SECONDS", help="a webhook receiver that has not answered within this many real seconds failed the attempt (default 15, as Codat; env BANKFEEDS_MOCK_WEBHOOK_TIMEOUT)")
    parser.add_argument("--rate-limit", type=_rate_limit, default=_rate_limit(_env("rate_limit", "codat") or "codat"), metavar="codat|off", help="codat: Codat's daily quota (base x (1 + active connected companies), reset at 00:00 UTC of the virtual clock), 10 requests in flight per company, 429 with Retry-After and X-Rate-Limit-* headers on every public answer; off: none of that (default codat; env BANKFEEDS_MOCK_RATE_LIMIT)")
    parser.add_argument("--daily-quota-base", type=_at_least_one, default=_at_least_one(_env("daily_quota_base", "1000") or "1000"), metavar="N", help="requests a day per client and per active connected company (default 1000, as Codat; env BANKFEEDS_MOCK_DAILY_QUOTA_BASE)")
    parser.add_argument("--fixtures", action="append", default=[p for p in (_env("fixtures") or "").split(os.pathsep) if p], metavar="PATH", help=f"load a scenario file (or every scenario file of a directory) at start, into the tenant its apiKey names; repeatable (env BANKFEEDS_MOCK_FIXTURES, separated by '{os.pathsep}')")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        clock=args.clock,
        poll_interval=args.poll_interval,
        push_delay=args.push_delay,
        api_keys=tuple(args.api_key),
        disconnect_lag_days=args.disconnect_lag_days,
        max_body_bytes=args.max_body_bytes,
        rate_limit=args.rate_limit,
        daily_quota_base=args.daily_quota_base,
        fixtures=tuple(args.fixtures),
        webhook_urls=tuple(args.webhook_url),
        webhook_secret=args.webhook_secret,
        webhook_timeout=args.webhook_timeout,
    )


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mock_server.devkit.scenarios.problems import ScenarioError
    from mock_server.http.app import create_app
    from mock_server.logs import logging_config

    settings = settings_from(args)
    if settings.webhook_urls and settings.webhook_secret is None:
        from dataclasses import replace

        from mock_server.devkit.receiver import new_secret

        # One secret for every tenant's subscription, so the receiver needs to know only this one.
        settings = replace(settings, webhook_secret=new_secret())
        print(f"bankfeeds-mock: webhooks to {', '.join(settings.webhook_urls)} are signed with {settings.webhook_secret}", flush=True)
    try:
        app = create_app(settings)
    except ScenarioError as exc:
        print(f"bankfeeds-mock: cannot load the fixtures:\n{exc}", file=sys.stderr)
        return 2
    # The emulator keeps everything in memory: with the default thresholds the collector runs
    # every few hundred allocations and walks the whole store, which doubled the cost of a
    # 1000-transaction write. Rarer collections keep pauses short (see `make bench`).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    # Our own line per request replaces uvicorn's access log: it carries the correlation id.
    log_config = logging_config(args.log_format, args.log_level)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level, access_log=False, log_config=log_config)
    return 0


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def configure_wait(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Wait until the emulator at --url answers GET /_mock/health, e.g. after starting it in the "
        "background in CI. Exits 0 once it is healthy, 1 if it is not within --timeout seconds."
    )
    parser.add_argument("--url", default=_env("url", "http://127.0.0.1:8080"), help="base URL of the emulator (default http://127.0.0.1:8080; env BANKFEEDS_MOCK_URL)")
    parser.add_argument("--timeout", type=_non_negative, default=30.0, metavar="SECONDS", help="give up after this many seconds, exiting 1 (default 30)")


def wait(args: argparse.Namespace) -> int:
    from mock_server.devkit.server import StartupError, wait_until_healthy

    try:
        wait_until_healthy(args.url, args.timeout)
    except StartupError as exc:
        print(f"bankfeeds-mock wait: {exc}", file=sys.stderr)
        return 1
    print(f"bankfeeds-mock is up at {args.url}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from mock_server.devkit import demo

    return demo.run(args)


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    from mock_server.devkit.demo_options import configure

    configure(parser)


COMMANDS["wait"] = ("wait until an emulator answers its health check (for CI scripts)", configure_wait, wait)
COMMANDS["demo"] = ("walk Codat's QBO bank-feeds tutorial against the emulator with the official SDK", _configure_demo, _demo)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bankfeeds-mock",
        description="A local emulator of Codat's Bank Feeds API for QuickBooks Online: the same paths, "
        "bodies and errors as api.codat.io, QBO's rules enforced, and the SMB user's side and QBO's "
        "polling simulated on a virtual clock.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "serve",
        help="start the emulator",
        description="Start the emulator (Starlette on uvicorn).",
        epilog="Each OpenAPI document's parse is kept as JSON, named by the hash of its text, in "
        "BANKFEEDS_MOCK_CACHE_DIR (default $XDG_CACHE_HOME/bankfeeds-mock or ~/.cache/bankfeeds-mock), "
        "so later starts skip parsing YAML; set it empty to parse every time.",
    )
    add_server_options(run)
    run.add_argument("--log-level", default=_env("log_level", "info"), choices=["critical", "error", "warning", "info", "debug"], help="server log level (default info)")
    run.add_argument("--log-format", default=_env("log_format", "text"), choices=["text", "json"], help="one line per request as text, or as one JSON object per line (default text; env BANKFEEDS_MOCK_LOG_FORMAT)")
    run.set_defaults(handler=serve)
    for name, (summary, configure, handler) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        configure(sub)
        sub.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
