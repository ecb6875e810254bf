"""``python -m contracts``: check a server against the document (``run``), or the document against Codat's (``drift``).

Exit codes: 0 clean, 1 failures found (or unexplained drift), 2 the command could not do its job
(bad arguments, the document or server unreachable).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from contracts import drift, junit, summary
from contracts.local import FROZEN_CLOCK, EmulatorDidNotStart, local_emulator
from contracts.runner import ALL_CHECKS, DEFAULT_MAX_EXAMPLES, DocumentError, RunOptions, run

DEFAULT_API_KEY = "contract-kit"
API_KEY_VARIABLE = "BANKFEEDS_CONTRACT_API_KEY"
# One worker: with more, hypothesis may build ASTs in several threads at once, which CPython 3.11
# does not survive ("AST constructor recursion depth mismatch").
DEFAULT_WORKERS = 1

EXIT_CLEAN, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m contracts",
        description="The contract kit of bankfeeds-mock: test any Bank Feeds server against the OpenAPI "
        "document, or compare the document with Codat's.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    runner = commands.add_parser(
        "run",
        help="test a server with schemathesis (every phase and check)",
        description="Test a server with schemathesis: examples, coverage, fuzzing and stateful link-following, "
        "with every response check. Without --base-url an emulator is started on a free loopback port "
        "(frozen clock, instant pushes) and stopped afterwards. Exits 0 only when nothing failed.",
    )
    runner.add_argument("--base-url", metavar="URL", help="server to test, e.g. https://staging.example.com (default: a fresh local emulator)")
    runner.add_argument("--spec", metavar="PATH|URL", default="", help="OpenAPI document to test against (default: the one shipped with this kit)")
    runner.add_argument("--api-key", metavar="KEY", default=os.environ.get(API_KEY_VARIABLE), help=f"API key, sent as 'Authorization: Basic base64(KEY)' (default: ${API_KEY_VARIABLE}, else '{DEFAULT_API_KEY}')")
    runner.add_argument("--max-examples", metavar="N", type=_positive, default=DEFAULT_MAX_EXAMPLES, help=f"cases generated per operation and phase (default {DEFAULT_MAX_EXAMPLES})")
    runner.add_argument("--stateful", action=argparse.BooleanOptionalAction, default=True, help="follow the document's links through create-read-delete journeys (default on)")
    runner.add_argument("--checks", metavar="NAME,...", type=_checks, default=ALL_CHECKS, help="only these checks (default: all of " + ", ".join(ALL_CHECKS) + ")")
    runner.add_argument("--seed", type=int, help="make the generated cases reproducible (default: a new seed, printed in the summary)")
    runner.add_argument("--workers", type=_positive, default=DEFAULT_WORKERS, help=f"operations tested at once (default {DEFAULT_WORKERS})")
    runner.add_argument("--report", metavar="junit.xml", type=Path, help="also write a JUnit XML report here")
    runner.set_defaults(handler=_run)

    drifter = commands.add_parser(
        "drift",
        help="compare our document with Codat's",
        description="Compare our OpenAPI document with an upstream Codat one: operations, parameters, required "
        "fields, types, enums and status codes, after resolving $refs. Differences listed in the allow file, "
        "each with its reason, are expected; any other exits 1.",
    )
    drifter.add_argument("--upstream", metavar="PATH", type=Path, required=True, help="Codat's OpenAPI document, e.g. Codat-Bank-Feeds.yaml")
    drifter.add_argument("--ours", metavar="PATH", type=Path, help="our document (default: the one shipped with this kit)")
    drifter.add_argument("--allow", metavar="PATH", type=Path, help="the expected differences (default: drift-allow.yaml shipped with this kit)")
    drifter.set_defaults(handler=_drift)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _checks(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(names) - set(ALL_CHECKS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown check(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(ALL_CHECKS)}")
    return names


def _run(args: argparse.Namespace) -> int:
    api_key = args.api_key or DEFAULT_API_KEY
    options = RunOptions(
        base_url=args.base_url or "",
        spec=args.spec,
        api_key=api_key,
        max_examples=args.max_examples,
        stateful=args.stateful,
        checks=args.checks,
        seed=args.seed,
        workers=args.workers,
        # A key somebody gave us stays out of the printed curl commands; the default one is no secret.
        hide_secrets=args.api_key is not None,
    )
    try:
        if args.base_url:
            problem = _unreachable(args.base_url)
            if problem:
                print(f"contracts run: cannot reach {args.base_url}: {problem}", file=sys.stderr)
                return EXIT_UNUSABLE
            outcome = run(options)
        else:
            print("Starting a local emulator (frozen clock, instant pushes)...", flush=True)
            with local_emulator(seed=args.seed) as url:
                outcome = run(dataclasses.replace(options, base_url=url))
            outcome.server_note = (
                "(a local emulator, stopped after the run; to replay the curl commands start one with "
                f"`bankfeeds-mock serve --port {url.rsplit(':', 1)[1]} --clock {FROZEN_CLOCK} --push-delay 0"
                + (f" --seed {args.seed}" if args.seed is not None else "")
                + "`)"
            )
    except (DocumentError, EmulatorDidNotStart) as exc:
        print(f"contracts run: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(summary.render(outcome), end="", flush=True)
    if args.report:
        junit.write(outcome, args.report)
        print(f"JUnit report: {args.report}")
    return EXIT_CLEAN if outcome.clean else EXIT_FAILED


def _unreachable(base_url: str) -> str | None:
    """Why nothing answers at the base URL, or None when something does (whatever its status)."""
    try:
        httpx.get(base_url, timeout=10.0)
    except httpx.HTTPError as exc:
        return str(exc) or type(exc).__name__
    return None


def _drift(args: argparse.Namespace) -> int:
    try:
        report = drift.check(args.upstream, ours=args.ours, allow=args.allow)
    except drift.DriftInputError as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(drift.render(report), end="")
    return EXIT_CLEAN if report.clean else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.handler(args)
    return result
