"""Lists page stored records without building every view: same answers as paging the views.

``page_of_records`` (what the list routes use) against ``page_of(select(views))`` (the definition:
build every view, filter, sort, slice) on generated companies, connections and push operations,
for generated queries, orderBys and pages; and each reader against the view it stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.core.model import FAILED, PENDING, SUCCESS, TIMED_OUT, Company, Connection, PushOperation
from mock_server.core.rules import Violation
from mock_server.core.stored import Transactions
from mock_server.http import views
from mock_server.http.paging import Listing, PageRequest, page_of, page_of_records
from mock_server.http.query import MalformedQuery, select
from mock_server.http.schemas import record_fields

R = TypeVar("R")
BASE = "http://testserver"
T0 = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)

# Text that is also a number, a date or null, so every comparison rule gets exercised.
words = st.sampled_from(
    ["Alpha", "beta", "Beta", "gamma goods", "5", "10", "2026-03-18", "2026-03-18T10:00:00Z", "null", "ä", "ΟΔΟΣ", "a\x00b", ""]
)
instants = st.integers(min_value=0, max_value=4 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s, milliseconds=s % 7))
maybe_instants = st.none() | instants


@st.composite
def companies(draw: st.DrawFn) -> list[Company]:
    made = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        company = Company(
            id=f"c{i}",
            name=draw(words),
            description=draw(st.none() | words),
            created=draw(instants),
            tags=draw(st.dictionaries(st.sampled_from(["region", "uid"]), words, max_size=2)),
            products=draw(st.lists(st.sampled_from(["bankfeeds", "lending"]), max_size=2)),
            last_sync=draw(maybe_instants),
        )
        for j in range(draw(st.integers(min_value=0, max_value=2))):
            company.connections[f"k{j}"] = connection(draw, company.id, f"{company.id}-k{j}")
        made.append(company)
    return made


def connection(draw: st.DrawFn, company_id: str, connection_id: str) -> Connection:
    return Connection(
        id=connection_id,
        company_id=company_id,
        integration_id="int",
        source_id="src",
        created=draw(instants),
        otp="123456",
        otp_expires=T0,
        status=draw(st.sampled_from(["PendingAuth", "Linked", "Unlinked", "Deauthorized"])),
        last_sync=draw(maybe_instants),
    )


@st.composite
def connections(draw: st.DrawFn) -> list[Connection]:
    return [connection(draw, "c", f"k{i}") for i in range(draw(st.integers(min_value=0, max_value=12)))]


@st.composite
def operations(draw: st.DrawFn) -> list[PushOperation]:
    made = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        requested = draw(instants)
        status = draw(st.sampled_from([PENDING, SUCCESS, FAILED, TIMED_OUT]))
        made.append(
            PushOperation(
                key=f"op{i}",
                company_id="c",
                connection_id=draw(st.sampled_from(["k0", "k1"])),
                account_id="acc",
                requested=requested,
                due=requested,
                timeout_minutes=draw(st.none() | st.integers(min_value=0, max_value=200)),
                transactions=Transactions(),
                status=status,
                completed=None if status == PENDING else requested + timedelta(seconds=2),
                error_message=draw(st.none() | words),
                violations=(Violation("Rule", None, "no"),) if status == FAILED else (),
            )
        )
    return made


FIELDS = {
    "Company": ["id", "name", "description", "created", "lastSync", "tags.region", "tags", "products", "redirect",
                "dataConnections", "createdByUserName"],
    "Connection": ["id", "status", "created", "lastSync", "linkUrl", "platformName", "sourceType"],
    "PushOperation": ["status", "requestedOnUtc", "completedOnUtc", "timeoutInMinutes", "timeoutInSeconds",
                      "errorMessage", "statusCode", "dataConnectionKey", "changes", "validation"],
}


@st.composite
def queries(draw: st.DrawFn, schema: str) -> str:
    def condition() -> str:
        field = draw(st.sampled_from(FIELDS[schema]))
        # The same instants spelt otherwise: equal as dates, not as text.
        others = ["9", "2026-03-19", "2026-03-18T09:00:00Z", "2026-03-18T10:00:00+00:00", "Linked", "Success"]
        value = draw(words | st.sampled_from(others))
        return f"{field}{draw(st.sampled_from(['=', '!=', '~', '>', '<', '>=', '<=']))}{{{value}}}"

    joined = condition()
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        joined = f"{joined}{draw(st.sampled_from(['&&', '||']))}{condition()}"
    return joined


def requests(schema: str) -> st.SearchStrategy[PageRequest]:
    return st.builds(
        PageRequest,
        page=st.integers(min_value=1, max_value=4),
        page_size=st.integers(min_value=1, max_value=5),
        query=st.none() | queries(schema),
        order_by=st.none() | st.sampled_from(FIELDS[schema]).flatmap(lambda f: st.sampled_from([f, f"-{f}"])),
    )


def same_page(records: list[R], listing: Listing[R], request: PageRequest) -> None:
    every_view = [listing.view(record) for record in records]
    try:
        expected = page_of(select(every_view, request.query, request.order_by, listing.fields), request, "/list")
    except MalformedQuery:
        expected = None
    try:
        # A dict's values, as the routes pass them: the unfiltered page is a slice of that view.
        answer = page_of_records(dict(enumerate(records)).values(), listing, request, "/list")
    except MalformedQuery:
        answer = None
    assert answer == expected


def company_listing() -> Listing[Company]:
    return Listing(lambda c: views.company(c, BASE), record_fields("Company"), views.COMPANY_READERS)


def connection_listing() -> Listing[Connection]:
    return Listing(lambda c: views.connection(c, BASE), record_fields("Connection"), views.CONNECTION_READERS)


def operation_listing() -> Listing[PushOperation]:
    return Listing(views.push_operation, record_fields("PushOperation"), views.PUSH_OPERATION_READERS)


@settings(max_examples=300)
@given(companies(), requests("Company"))
def test_a_page_of_companies_is_the_page_of_their_views(records: list[Company], request: PageRequest) -> None:
    same_page(records, company_listing(), request)


@settings(max_examples=200)
@given(connections(), requests("Connection"))
def test_a_page_of_connections_is_the_page_of_their_views(records: list[Connection], request: PageRequest) -> None:
    same_page(records, connection_listing(), request)


@settings(max_examples=200)
@given(operations(), requests("PushOperation"))
def test_a_page_of_push_operations_is_the_page_of_their_views(records: list[PushOperation], request: PageRequest) -> None:
    same_page(records, operation_listing(), request)


def readers_agree(records: list[R], view: Callable[[R], dict[str, Any]], readers: dict[str, Callable[[R], Any]]) -> None:
    for record in records:
        shown = view(record)
        for name, read in readers.items():
            # An unset value is left out of the view, and the query language reads absent as null.
            assert read(record) == shown.get(name), name
            assert name in shown or read(record) is None, name


@given(companies(), connections(), operations())
def test_every_reader_reads_what_the_view_shows(
    company_records: list[Company], connection_records: list[Connection], operation_records: list[PushOperation]
) -> None:
    readers_agree(company_records, company_listing().view, dict(views.COMPANY_READERS))
    readers_agree(connection_records, connection_listing().view, dict(views.CONNECTION_READERS))
    readers_agree(operation_records, views.push_operation, dict(views.PUSH_OPERATION_READERS))


@pytest.mark.parametrize("request_", [PageRequest(query="nosuch=1"), PageRequest(order_by="-nosuch")])
def test_an_unknown_field_is_malformed_even_in_an_empty_list(request_: PageRequest) -> None:
    with pytest.raises(MalformedQuery):
        page_of_records([], company_listing(), request_, "/companies")


NAMED = ["2026-03-18T10:00:00Z", "Beta", "10", "", "beta"]


@pytest.mark.parametrize(
    "request_",
    [
        PageRequest(query="name={2026-03-18T10:00:00+00:00}"),  # text that is a date compares as a date
        PageRequest(query="name>9"),  # text that is a number still compares as text
        PageRequest(query="name~ET"),
        PageRequest(query="description=null||name!=beta"),
        PageRequest(order_by="-name"),  # a date among the text sorts before it
        PageRequest(order_by="lastSync", page=2, page_size=2),
        PageRequest(query="created>=2026-03-18T09:00:00Z", order_by="-created"),
    ],
)
def test_the_edge_cases_of_comparison_and_order(request_: PageRequest) -> None:
    records = [
        Company(id=f"c{i}", name=name, description=None if i % 2 else "d", created=T0 + timedelta(hours=i),
                last_sync=None if i % 3 else T0)
        for i, name in enumerate(NAMED)
    ]
    same_page(records, company_listing(), request_)
