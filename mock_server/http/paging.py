"""Codat's paged lists: ``page`` from 1, ``pageSize`` up to 5000, and ``_links`` to move around.

A page holds at most 2000 records: the document lets a client ask for up to 5000 per page but
caps the answer's ``pageSize`` at 2000, so a larger request is served as pages of 2000 (the answer
says so in ``pageSize``, and ``_links.next`` leads on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from mock_server.core.errors import BadRequest

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000
MAX_SERVED_PAGE_SIZE = 2000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    query: str | None = None
    order_by: str | None = None


def _positive(params: Mapping[str, str], name: str, default: int, maximum: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"Query parameter '{name}' must be a whole number, got '{raw}'.") from None
    if value < 1 or (maximum is not None and value > maximum):
        bound = f"between 1 and {maximum}" if maximum else "at least 1"
        raise BadRequest(f"Query parameter '{name}' must be {bound}, got {value}.")
    return value


def page_request(params: Mapping[str, str]) -> PageRequest:
    return PageRequest(
        page=_positive(params, "page", 1, None),
        page_size=min(_positive(params, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), MAX_SERVED_PAGE_SIZE),
        query=params.get("query") or None,
        order_by=params.get("orderBy") or None,
    )


def _href(path: str, request: PageRequest, page: int) -> dict[str, str]:
    params: dict[str, Any] = {"page": page, "pageSize": request.page_size}
    if request.query:
        params["query"] = request.query
    if request.order_by:
        params["orderBy"] = request.order_by
    return {"href": f"{path}?{urlencode(params)}"}


def page_of(items: Sequence[dict[str, Any]], request: PageRequest, path: str) -> dict[str, Any]:
    """One page of already filtered and sorted records, with Codat's paging fields."""
    start = (request.page - 1) * request.page_size
    results = list(items[start : start + request.page_size])
    links: dict[str, Any] = {
        "self": {"href": path},
        "current": _href(path, request, request.page),
    }
    if start + request.page_size < len(items):
        links["next"] = _href(path, request, request.page + 1)
    if request.page > 1:
        links["previous"] = _href(path, request, request.page - 1)
    return {
        "results": results,
        "pageNumber": request.page,
        "pageSize": request.page_size,
        "totalResults": len(items),
        "_links": links,
    }
