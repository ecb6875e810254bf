"""The errors the emulator answers, as data.

Every failure a client can cause is one of these, raised anywhere (core or shell) and turned into
Codat's ``ErrorMessage`` envelope by a single handler::

    ApiError                      any answer that is not a success
    ├── BadRequest        400     malformed JSON, wrong types, missing fields, bad query
    │   └── RuleRejected  400     the batch breaks QBO rules (validation.errors lists each)
    ├── Unauthorized      401     missing, malformed or unknown API key; wrong QBO credentials
    ├── NotFound          404     unknown company, connection, account, operation
    ├── RequestTimeout    408     injected faults
    ├── Conflict          409     duplicate ids, a sync already running, an Idempotency-Key in use
    ├── PayloadTooLarge   413     body over the size limit
    ├── Unprocessable     422     an Idempotency-Key reused for another request
    ├── TooManyRequests   429     rate limits (daily quota, requests in flight), injected faults
    └── ServerFault       5xx     injected faults only: the emulator itself never answers 500
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mock_server.core.rules import Violation


class ApiError(Exception):
    status_code = 500
    service = "PublicApi"
    can_be_retried = "Unknown"

    def __init__(
        self,
        message: str,
        *,
        violations: Sequence[Violation] = (),
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.violations = tuple(violations)
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}

    def body(self, correlation_id: str) -> dict[str, Any]:
        """Codat's ErrorMessage envelope (``canBeRetried`` is a string there)."""
        body: dict[str, Any] = {
            "statusCode": self.status_code,
            "service": self.service,
            "error": self.message,
            "correlationId": correlation_id,
            "canBeRetried": self.can_be_retried,
            "detailedErrorCode": 0,
        }
        if self.violations:
            body["validation"] = {
                "errors": [
                    {"itemId": v.item_id, "message": v.message, "validatorName": v.validator_name}
                    for v in self.violations
                ],
                "warnings": [],
            }
        return body


class BadRequest(ApiError):
    status_code = 400


class RuleRejected(BadRequest):
    """A batch QBO would refuse; nothing of it was stored."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        count = len(violations)
        super().__init__(
            f"The request was rejected: {count} validation error{'s' if count != 1 else ''}. "
            "See validation.errors; nothing was written.",
            violations=violations,
        )


class Unauthorized(ApiError):
    status_code = 401


class NotFound(ApiError):
    status_code = 404


class Conflict(ApiError):
    status_code = 409


class RequestTimeout(ApiError):
    """Only ever injected (a proxy giving up on a slow call): Codat documents no 408."""

    status_code = 408
    can_be_retried = "True"


class PayloadTooLarge(ApiError):
    status_code = 413


class Unprocessable(ApiError):
    status_code = 422


class TooManyRequests(ApiError):
    status_code = 429
    can_be_retried = "True"


class ServerFault(ApiError):
    can_be_retried = "True"
