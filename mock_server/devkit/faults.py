"""Fault injection: rules that make chosen public calls fail or slow down, for one tenant.

A rule matches an ``operationId``, or a ``path`` (concrete or a template like
``/companies/{companyId}``) with an optional ``method``. When it fires, the call waits ``latencyMs``
and/or answers ``status`` (408, 429, 500 or 503) in Codat's ``ErrorMessage`` envelope instead of
running. It fires on every matching call, on the next ``times`` of them, and/or with a
``probability`` drawn from a seeded generator, so a flaky run can be replayed exactly.

Pure: no clock, no sleeping, no HTTP. The shell asks :meth:`FaultPlan.pick` and acts on the answer.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_server.core.errors import ApiError, RequestTimeout, ServerFault, TooManyRequests

#: Retry-After sent with an injected 429 whose rule names none (mock decision: one second).
DEFAULT_RETRY_AFTER = 1


@dataclass(slots=True, eq=False)
class FaultRule:
    """One rule as given, plus what it has done so far."""

    id: str
    status: int | None = None
    operation_id: str | None = None
    method: str | None = None
    path: str | None = None
    retry_after: float | None = None
    latency_ms: float | None = None
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    #: Firings left when ``times`` was given; None = no limit.
    remaining: int | None = None
    fired: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _random: random.Random | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.method is not None:
            self.method = self.method.upper()
        if self.path is not None:
            self._pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path)) + "$")
        if self.seed is not None:
            self._random = random.Random(self.seed)
        self.remaining = self.times

    @property
    def live(self) -> bool:
        return self.remaining is None or self.remaining > 0

    def matches(self, operation_id: str | None, method: str, path: str) -> bool:
        if self.operation_id is not None and self.operation_id != operation_id:
            return False
        if self.method is not None and self.method != method:
            return False
        return self._pattern is None or self._pattern.match(path) is not None

    def rolls(self, fallback: random.Random) -> bool:
        """Whether a matching call is hit: always without a probability, else one seeded draw."""
        if self.probability is None:
            return True
        return (self._random or fallback).random() < self.probability

    def error(self) -> ApiError | None:
        """What the call answers instead of running; None for a rule that only adds latency."""
        if self.status is None:
            return None
        origin = f"Injected by fault rule {self.id} (/_mock/faults)"
        if self.status == 408:
            return RequestTimeout(f"{origin}: the request timed out.")
        if self.status == 429:
            seconds = math.ceil(self.retry_after if self.retry_after is not None else DEFAULT_RETRY_AFTER)
            return TooManyRequests(
                f"{origin}: rate limit reached, retry after {seconds} s.", headers={"Retry-After": str(seconds)}
            )
        headers = {"Retry-After": str(math.ceil(self.retry_after))} if self.retry_after is not None else None
        reason = "service unavailable" if self.status == 503 else "internal server error"
        return ServerFault(f"{origin}: {reason}.", status_code=self.status, headers=headers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "operationId": self.operation_id,
            "method": self.method,
            "path": self.path,
            "retryAfter": self.retry_after,
            "latencyMs": self.latency_ms,
            "times": self.times,
            "probability": self.probability,
            "seed": self.seed,
            "remaining": self.remaining,
            "fired": self.fired,
        }


def rule_from(body: Mapping[str, Any], rule_id: str) -> FaultRule:
    """A rule from its documented JSON shape (already checked against the control document)."""
    return FaultRule(
        id=rule_id,
        status=body.get("status"),
        operation_id=body.get("operationId"),
        method=body.get("method"),
        path=body.get("path"),
        retry_after=body.get("retryAfter"),
        latency_ms=body.get("latencyMs"),
        times=body.get("times"),
        probability=body.get("probability"),
        seed=body.get("seed"),
    )


class FaultPlan:
    """The fault rules of one tenant, in the order they were given: the first that fires wins."""

    def __init__(self, rng: random.Random) -> None:
        self._random = rng
        self._rules: list[FaultRule] = []
        self._made = 0

    def __bool__(self) -> bool:
        return any(rule.live for rule in self._rules)

    @property
    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def replace(self, bodies: Iterable[Mapping[str, Any]]) -> None:
        self._rules = [self._rule(body) for body in bodies]

    def add(self, body: Mapping[str, Any]) -> FaultRule:
        rule = self._rule(body)
        self._rules.append(rule)
        return rule

    def clear(self) -> None:
        self._rules = []

    def _rule(self, body: Mapping[str, Any]) -> FaultRule:
        # Ids keep counting across replace and clear: "fault-3" always means the same rule.
        self._made += 1
        return rule_from(body, f"fault-{self._made}")

    def pick(self, operation_id: str | None, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this call, counted as fired; None when the call runs normally."""
        for rule in self._rules:
            if not rule.live or not rule.matches(operation_id, method, path):
                continue
            if not rule.rolls(self._random):
                continue
            rule.fired += 1
            if rule.remaining is not None:
                rule.remaining -= 1
            return rule
        return None
