"""Codat's paged lists: ``page`` from 1, ``pageSize`` up to 5000, and ``_links`` to move around.

A page holds at most 2000 records: the document lets a client ask for up to 5000 per page but
caps the answer's ``pageSize`` at 2000, so a larger request is served as pages of 2000 (the answer
says so in ``pageSize``, and ``_links.next`` leads on).

A page costs what it holds: :func:`page_of_records` builds views only for the records on the page,
testing ``query`` and sorting by ``orderBy`` on the stored records through a :class:`Listing`'s
readers, and asking a memo first when the route gives one. :func:`page_of` pages views already
built (the definition the other is tested against).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from mock_server.core.errors import BadRequest
from mock_server.http.list_memory import Memo
from mock_server.http.query import Reader, matching, ordered, resolve

R = TypeVar("R")

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
    return _page(list(items[start : start + request.page_size]), len(items), request, path)


@dataclass(frozen=True)
class Listing(Generic[R]):
    """How a list shows its stored records: the view of one, its documented fields, and readers.

    ``readers`` maps view keys to what the view shows there, read from the record alone; a query
    or orderBy on any other field builds the record's view to read it.
    """

    view: Callable[[R], dict[str, Any]]
    fields: frozenset[str]
    readers: Mapping[str, Reader[R]]

    def reader(self, path: str) -> Reader[R]:
        """The value at a dotted ``path`` of a record's view, keys matched without regard to case."""
        root, _, rest = path.partition(".")
        key = next((k for k in self.readers if k.lower() == root.lower()), None)
        if key is None:
            view = self.view
            return lambda record: resolve(view(record), path)
        read = self.readers[key]
        return (lambda record: resolve(read(record), rest)) if rest else read


def page_of_records(
    records: Collection[R], listing: Listing[R], request: PageRequest, path: str, memo: Memo[R] | None = None
) -> dict[str, Any]:
    """The page ``request`` asks for, views built for its records only (same answer as :func:`page_of`).

    With a ``memo`` (see :mod:`mock_server.http.list_memory`), the records a query and orderBy
    chose are asked of it first: a tenant that has not changed answers without reading them all.
    """
    start = (request.page - 1) * request.page_size
    if not request.query and not request.order_by:
        total, chosen = len(records), list(islice(records, start, start + request.page_size))
    else:
        held = (
            memo(("chosen", request.query, request.order_by), lambda: chosen_records(records, listing, request))
            if memo is not None
            else chosen_records(records, listing, request)
        )
        total, chosen = len(held), list(held[start : start + request.page_size])
    return _page([listing.view(record) for record in chosen], total, request, path)


def chosen_records(records: Collection[R], listing: Listing[R], request: PageRequest) -> list[R]:
    """The records ``request``'s query keeps, in its orderBy's order (stored order otherwise)."""
    held = list(records)
    if request.query:
        held = matching(held, request.query, listing.fields, listing.reader)
    if request.order_by:
        held = ordered(held, request.order_by, listing.fields, listing.reader)
    return held


def _page(results: list[dict[str, Any]], total: int, request: PageRequest, path: str) -> dict[str, Any]:
    start = (request.page - 1) * request.page_size
    links: dict[str, Any] = {
        "self": {"href": path},
        "current": _href(path, request, request.page),
    }
    if start + request.page_size < total:
        links["next"] = _href(path, request, request.page + 1)
    if request.page > 1:
        links["previous"] = _href(path, request, request.page - 1)
    return {
        "results": results,
        "pageNumber": request.page,
        "pageSize": request.page_size,
        "totalResults": total,
        "_links": links,
    }
