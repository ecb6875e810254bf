"""Logging: one line per request, as text for people or as one JSON object per line for machines.

Every request goes to the ``mock_server.requests`` logger at INFO with its method, path, status,
duration and correlation id (the id an error body carries as ``correlationId``), in the record's
``request`` attribute. Embedded (``create_app``, ``BankFeedsMock``) the host's logging decides where
lines go; ``bankfeeds-mock serve`` installs :func:`logging_config` and turns uvicorn's own access
log off, so each request is logged once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

REQUEST_LOGGER = "mock_server.requests"
FORMATS = ("text", "json")

_requests = logging.getLogger(REQUEST_LOGGER)


def log_request(
    method: str, path: str, query: str, status: int, duration_ms: float, correlation_id: str, operation_id: str | None
) -> None:
    """Log one finished request (``query``: its query string, maybe empty); costs one level check
    when INFO is off."""
    if not _requests.isEnabledFor(logging.INFO):
        return
    path = f"{path}?{query}" if query else path
    fields = {
        "method": method,
        "path": path,
        "status": status,
        "durationMs": round(duration_ms, 3),
        "correlationId": correlation_id,
        "operationId": operation_id,
    }
    _requests.info(
        "%s %s %d %.1fms correlationId=%s", method, path, status, duration_ms, correlation_id, extra={"request": fields}
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a request's fields at top level."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "request", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


def logging_config(log_format: str = "text", level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server: uvicorn's lines and ours, in one format."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {log_format!r}")
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    level_name = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level_name, "propagate": False},
            "uvicorn.error": {"level": level_name},
            # Ours replaces it: one line per request, with the correlation id.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "mock_server": {"handlers": ["default"], "level": level_name, "propagate": False},
        },
    }
