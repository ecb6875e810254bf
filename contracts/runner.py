"""Run schemathesis against a server and gather what it found into an :class:`~contracts.outcome.Outcome`.

Every phase runs (examples, coverage, fuzzing, then stateful link-following unless turned off) with
every response check schemathesis has: no server errors, documented statuses, content types and
bodies, negative data rejected, resources available after creation and gone after deletion, an
Authorization header required, 405 with ``Allow`` for undocumented methods.

One check is tuned rather than taken as is: ``positive_data_acceptance`` counts a 400 as a valid
refusal. The Bank Feeds API refuses schema-valid requests for reasons no schema states (QBO's
rules on a batch, a malformed ``query`` expression, an account id that differs from the path),
always with a documented 400; any other refusal (405, 415, 422...) still fails.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from contracts import PUBLIC_DOCUMENT, document
from contracts.outcome import Finding, Outcome

#: Every check schemathesis 4 runs on an OpenAPI answer; `checks` options choose among these.
ALL_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
)
#: Answers that count as accepting a schema-valid request (see the module docstring for the 400).
ACCEPTED_STATUSES = ("2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx")
DEFAULT_MAX_EXAMPLES = 40


class DocumentError(Exception):
    """The API document cannot be read, or is not a valid OpenAPI document."""


@dataclass(frozen=True)
class RunOptions:
    """What to test, where, and how hard."""

    base_url: str
    spec: str = ""  # a path or URL; empty means the document shipped with this package
    api_key: str = "contract-kit"
    max_examples: int = DEFAULT_MAX_EXAMPLES
    stateful: bool = True
    checks: tuple[str, ...] = ALL_CHECKS
    seed: int | None = None
    workers: int = 1
    #: Hide the API key in reproduction commands (keep it for a throw-away local emulator's key).
    hide_secrets: bool = True

    @property
    def spec_location(self) -> str:
        return self.spec or str(document(PUBLIC_DOCUMENT))


def authorization(api_key: str) -> str:
    """The header value Codat expects: ``Basic`` and the base64 of the key."""
    return "Basic " + base64.b64encode(api_key.encode("utf-8")).decode("ascii")


def config_for(options: RunOptions) -> dict[str, Any]:
    """The schemathesis configuration (its ``schemathesis.toml`` shape) for these options."""
    unknown = sorted(set(options.checks) - set(ALL_CHECKS))
    if unknown:
        raise ValueError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(ALL_CHECKS)}")
    checks: dict[str, Any] = {name: {"enabled": name in options.checks} for name in ALL_CHECKS}
    checks["positive_data_acceptance"]["expected-statuses"] = list(ACCEPTED_STATUSES)
    config: dict[str, Any] = {
        "base-url": options.base_url,
        "headers": {"Authorization": authorization(options.api_key)},
        "workers": options.workers,
        "generation": {"max-examples": options.max_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": options.stateful},
        },
        "checks": checks,
        "output": {"sanitization": {"enabled": options.hide_secrets}},
    }
    if options.seed is not None:
        config["seed"] = options.seed
    return config


def run(options: RunOptions) -> Outcome:
    """Run every selected phase and check; the outcome lists each distinct finding once.

    Raises DocumentError when the document cannot be loaded; a server that misbehaves is a finding.
    """
    import schemathesis
    from schemathesis.engine import from_schema

    started = time.monotonic()
    outcome = Outcome(spec=options.spec_location, base_url=options.base_url, seed=options.seed)
    config = schemathesis.Config.from_dict(config_for(options))
    try:
        schema = _load(options.spec_location, config)
    except Exception as exc:  # schemathesis raises several kinds; each means the same to the caller
        raise DocumentError(f"cannot load the API document {options.spec_location}: {exc}") from exc
    outcome.seed = config.seed
    outcome.operations_total = len(schema)
    for result in schema.get_all_operations():
        if hasattr(result, "ok"):  # an operation the document defines badly is reported by the engine
            outcome.tally(result.ok().label)
    collect(from_schema(schema).execute(), outcome)
    outcome.elapsed = time.monotonic() - started
    return outcome


def _load(location: str, config: Any) -> Any:
    import schemathesis

    if location.startswith(("http://", "https://")):
        return schemathesis.openapi.from_url(location, config=config)
    return schemathesis.openapi.from_path(location, config=config)


def collect(events: Iterable[Any], outcome: Outcome) -> None:
    """Fold schemathesis engine events into the outcome."""
    from schemathesis.engine import Status
    from schemathesis.engine import events as ev

    for event in events:
        if isinstance(event, ev.PhaseFinished):
            outcome.phases[event.phase.name.value] = _phase_status(event.phase, event.status)
        elif isinstance(event, (ev.ScenarioFinished, ev.FuzzScenarioFinished)):
            if isinstance(event, ev.ScenarioFinished) and not event.is_test_scenario:
                continue
            phase = event.phase.value if isinstance(event, ev.ScenarioFinished) else "fuzz"
            _record_scenario(event.recorder, phase, outcome)
            if event.status == Status.ERROR and not event.recorder.cases:
                outcome.add_error(f"{event.recorder.label}: the scenario could not run")
        elif isinstance(event, ev.NonFatalError):
            outcome.add_error(f"{event.label}: {_first_lines(str(event.info.format()), 6)}")
        elif isinstance(event, ev.FatalError):
            outcome.add_error(f"schemathesis stopped: {event.exception}")


def _phase_status(phase: Any, status: Any) -> str:
    if not phase.is_enabled:
        return "skipped"
    return str(status.value)


def _record_scenario(recorder: Any, phase: str, outcome: Outcome) -> None:
    from schemathesis.engine import Status

    for case_id, node in recorder.cases.items():
        tally = outcome.tally(node.value.operation.label)
        tally.cases += 1
        interaction = recorder.interactions.get(case_id)
        if interaction is not None and interaction.response is not None:
            tally.statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            steps: Sequence[Any] = check.failure_info.steps
            reproduce = "\n".join(step.curl for step in steps) if steps else check.failure_info.code_sample
            outcome.add(
                Finding(
                    operation=failure.operation or recorder.label,
                    check=check.name,
                    code=failure.code,
                    title=failure.title,
                    message=failure.message,
                    status=response.status_code if response is not None else None,
                    reproduce=reproduce,
                    phase=phase,
                )
            )


def _first_lines(text: str, count: int) -> str:
    return "\n".join(text.strip().splitlines()[:count])
