"""Hypothesis strategies for what a hostile client sends, as raw bytes: every route of the app (the
public API, ``/_mock``, the browser pages) with the method, path, query, headers and body mangled.

A request starts from a route and a body the route would take, then breaks one or more parts:
malformed bytes, deep and wide JSON, odd Unicode, huge numbers, odd headers (non-ASCII, duplicated,
oversized), encoded path segments, wrong methods and content types. Starting near the valid shape
lets most requests reach the handlers rather than stop at the first parse.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from starlette.routing import Route

from mock_server.ui.shell import COOKIE


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: bytes  # as sent on the wire: percent-encoded
    query: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    def show(self) -> str:
        return f"{self.method} {self.path!r}?{self.query[:200]!r} headers={self.headers!r} body={self.body[:300]!r}"


@dataclass(frozen=True)
class Ids:
    """The ids the world holds, so generated paths name real resources as often as not."""

    company: str
    connection: str
    account: str
    push: str
    sync: str


def auth(key: str) -> bytes:
    return b"Basic " + base64.b64encode(key.encode())


# ---- values ---------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "", " ", "\x00", "\u202e\u0645\u0631\u062d\u0628\u0627", "e\u0301", "\U0001f4a9" * 50, "\ufeff", "\uffff",
        "\\", '"', "'; DROP TABLE companies; --", "<script>alert(1)</script>", "{{7*7}}", "%2F", "../..", "a/b",
        "null", "NaN", "1e309", "-0", "9" * 400, "\r\n", "\t", "x" * 10_000, "2026-13-45", "nope", "\udcff",
    ]
)
HUGE_NUMBERS = st.sampled_from(
    [2**31, 2**63, 2**64, -(2**63) - 1, 10**100, 1e308, -1e308, 5e-324, 0.1 + 0.2, 1.7976931348623157e308]
)


def deep(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "array" else ('{"a":' * depth + "1" + "}" * depth)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), HUGE_NUMBERS, st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30), ODD_TEXT,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
        max_leaves=max_leaves,
    )


@st.composite
def hostile_json(draw: st.DrawFn) -> str:
    """A JSON text that stresses the parser and whatever walks the result."""
    choice = draw(st.sampled_from(["deep", "deep-in-field", "wide", "long-array", "huge-number", "odd-escapes", "value"]))
    if choice == "deep":
        return deep(draw(st.sampled_from([63, 64, 65, 200, 900, 1000, 1023, 1024, 1025, 5000])), draw(st.sampled_from(["array", "object"])))
    if choice == "deep-in-field":
        nested = deep(draw(st.sampled_from([64, 65, 300, 1000, 1023])), draw(st.sampled_from(["array", "object"])))
        return f'{{"name": "x", "description": {nested}, "accountId": "acc-1", "transactions": {nested}}}'
    if choice == "wide":
        n = draw(st.sampled_from([1000, 20_000]))
        return "{" + ",".join(f'"k{i}": {i}' for i in range(n)) + "}"
    if choice == "long-array":
        return "[" + ",".join(["{}"] * draw(st.sampled_from([1001, 30_000]))) + "]"
    if choice == "huge-number":
        return draw(st.sampled_from(['{"seconds": 1e400}', '{"seconds": ' + "9" * 5000 + "}", "-" + "9" * 400, '{"now": 1e999}']))
    if choice == "odd-escapes":
        return draw(st.sampled_from(['"\\ud800"', '{"name": "\\udfff\\u0000"}', '{"name": "\\uZZZZ"}', '{"\\u0000": 1}']))
    return json.dumps(draw(json_values()))


MALFORMED_BYTES = st.sampled_from(
    [b"\xff\xfe\x80", b'{"name": "\xc3\x28"}', b'{"name": ', b"\x00" * 64, b"[" * 10, b'{"a":1}garbage', b"\xef\xbb\xbf{}", b"{" * 20_000]
)


# ---- bodies a route would take, to mutate ---------------------------------------------------

def good_body(name: str | None, ids: Ids) -> Any:
    txn = {"id": "t-new", "date": "2026-03-18T08:00:00", "description": "Coffee", "amount": -4.5}
    account = {"id": "acc-new", "accountName": "Checking", "accountType": "checking", "accountNumber": "1",
               "currency": "USD", "balance": 1.0, "modifiedDate": "2026-03-18T09:00:00Z"}
    bodies: dict[str, Any] = {
        "create-company": {"name": "Acme", "description": "d", "tags": {"region": "uk"}},
        "replace-company": {"name": "Acme"},
        "update-company": {"name": "Acme"},
        "create-connection": {"platformKey": "hcws"},
        "unlink-connection": {"status": "Unlinked"},
        "create-source-account": account,
        "create-batch-source-account": [account],
        "update-source-account": {"accountName": "Renamed"},
        "generate-credentials": {},
        "create-bank-transactions": {"accountId": ids.account, "transactions": [txn]},
        "create-bank-account": {"accountName": "New", "accountNumber": "9", "currency": "USD"},
        "create-bank-account-mapping": {"sourceAccountId": ids.account, "targetAccountId": "x"},
        "mock-set-clock": {"now": "2026-03-18T09:00:00Z", "frozen": True},
        "mock-advance-clock": {"seconds": 1},
        "mock-qbo-link": {"username": "u", "password": "p", "accounts": [{"sourceAccountId": ids.account, "feedStartDate": "2026-03-11"}]},
        "mock-qbo-poll": {"companyId": ids.company},
        "mock-qbo-disconnect": {"companyId": ids.company, "connectionId": ids.connection, "sourceAccountId": ids.account},
        "mock-put-faults": {"rules": [{"operationId": "list-companies", "status": 404}]},
        "mock-add-fault": {"operationId": "list-companies", "latencyMs": 0},
    }
    return bodies.get(name or "", {})


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one place replaced by something it should not hold."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        return {**value, key: draw(mutated(value[key]))}
    if isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(mutated(value[index])), *value[index + 1 :]]
    return draw(st.one_of(json_values(), ODD_TEXT, HUGE_NUMBERS, st.just(json.loads(deep(70, "array")))))


# ---- paths and queries ----------------------------------------------------------------------

_PARAM = re.compile(r"\{(\w+)\}")


@st.composite
def segment(draw: st.DrawFn, real: str) -> str:
    """A path segment, percent-encoded: the real id mostly, else an encoded or odd one."""
    kind = draw(st.sampled_from(["real"] * 4 + ["slash", "slash-real", "real-slash", "odd", "dots", "long", "bytes", "empty"]))
    if kind == "real":
        return quote(real, safe="")
    if kind == "slash":
        return draw(st.sampled_from(["%2F", "%2f", "%2F%2F", "%252F"]))
    if kind == "slash-real":
        return "%2F" + quote(real, safe="")
    if kind == "real-slash":
        return quote(real, safe="") + draw(st.sampled_from(["%2Fconnections", "%2F..", "%2f"]))
    if kind == "odd":
        # surrogatepass: ODD_TEXT holds a lone surrogate, which strict UTF-8 cannot percent-encode.
        return quote(draw(ODD_TEXT), safe="", errors="surrogatepass")[:500] or "x"
    if kind == "dots":
        return draw(st.sampled_from(["..", "%2E%2E", ".", "%2e"]))
    if kind == "long":
        return "a" * draw(st.sampled_from([300, 5000]))
    if kind == "bytes":
        return draw(st.sampled_from(["%FF%FE", "%C3%28", "%00", "%E2%82", "%"]))
    return ""


def fill(template: str, ids: Ids, draw: st.DrawFn) -> str:
    real = {
        "companyId": ids.company, "connectionId": ids.connection, "accountId": ids.account,
        "sourceAccountId": ids.account, "pushOperationKey": ids.push, "syncId": ids.sync,
    }
    return _PARAM.sub(lambda m: draw(segment(real.get(m.group(1), m.group(1)))), template)


QUERY_VALUES = st.one_of(
    st.sampled_from(
        [
            "(" * 400 + "name=x" + ")" * 400, "(" * 5000, ")" * 50, "name=x" + "&&name=x" * 600, "(((name=x)))",
            "--name", "-", "-name", "name..x", "tags.region", "{" * 100, "name={a&&b}", "x" * 3000, "name~%",
            "0", "-1", "2147483648", "9" * 40, "1.5", "", "true", "modifiedDate>2026-01-01",
        ]
    ),
    ODD_TEXT,
    st.text(max_size=40),
)


@st.composite
def query_string(draw: st.DrawFn) -> bytes:
    names = st.sampled_from(["page", "pageSize", "query", "orderBy", "tags", "timeoutInMinutes", "allowSyncOnPushComplete",
                             "otp", "limit", "status", "operationId", "path", "method", "x"])
    pairs = draw(st.lists(st.tuples(names, QUERY_VALUES), max_size=4))
    text = "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in pairs)
    if draw(st.integers(0, 9)) == 9:
        text += draw(st.sampled_from(["&%FF=%FE", "&&&", "&query=%", "&page=%00"]))
    return text.encode("ascii")


# ---- headers --------------------------------------------------------------------------------

CONTENT_TYPES = st.sampled_from(
    [b"application/json", b"application/json; charset=utf-8", b"application/yaml", b"text/plain",
     b"application/x-www-form-urlencoded", b"multipart/form-data; boundary=x", b"multipart/form-data",
     b"application/json\xff", b"", b"*/*; q=\xff", b"application/xml"]
)


@st.composite
def header_list(draw: st.DrawFn, key: str, has_body: bool) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = [(b"host", b"bankfeeds-mock")]
    auth_kind = draw(st.sampled_from(["good"] * 6 + ["none", "non-ascii", "garbage", "other-key", "twice", "bearer", "long"]))
    good = auth(key)
    value = {
        "good": good, "non-ascii": b"Basic \xff\xfe\x80", "garbage": b"Basic !!!=", "other-key": auth("someone-else"),
        "twice": good, "bearer": b"Bearer abc", "long": b"Basic " + b"QUFB" * 3000,
    }.get(auth_kind)
    if value is not None:
        headers.append((b"authorization", value))
    if auth_kind == "twice":
        headers.append((b"authorization", draw(st.sampled_from([good, auth("someone-else")]))))
    if has_body or draw(st.booleans()):
        content_type = draw(st.sampled_from([b"application/json"] * 3 + [None]) | CONTENT_TYPES)
        if content_type is not None:
            headers.append((b"content-type", content_type))
    for _ in range(draw(st.integers(0, 2))):
        headers.append(
            draw(
                st.sampled_from(
                    [
                        (b"x-odd", b"\xff\xfe\x80"), (b"x-big", b"a" * 9000), (b"accept", b"application/yaml"),
                        (b"accept", b"\xff"), (b"cookie", COOKIE.encode() + b"=" + key.encode()),
                        (b"cookie", COOKIE.encode() + b"=\xff\xfe"), (b"cookie", b"=;;==;" * 100),
                        (b"x-forwarded-for", b"1.2.3.4, \x00"), (b"content-length", b"abc"),
                        (b"host", b"evil\xff"), (b"accept", b"application/json"),
                    ]
                )
            )
        )
    if draw(st.integers(0, 19)) == 19:
        headers += [(f"x-many-{i}".encode(), b"1") for i in range(150)]
    return headers


# ---- the request ----------------------------------------------------------------------------

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"]


@st.composite
def hostile_requests(draw: st.DrawFn, routes: list[Route], ids: Ids, key: str) -> RawRequest:
    route = draw(st.sampled_from(routes))
    methods = sorted(route.methods or {"GET"})
    method = draw(st.sampled_from(METHODS)) if draw(st.integers(0, 5)) == 5 else draw(st.sampled_from(methods))
    path = fill(route.path, ids, draw)
    if draw(st.integers(0, 9)) == 9:
        path = draw(st.sampled_from(["/" + path.lstrip("/") + "/", "//" + path.lstrip("/"), path + "%2F", path + "/%2F..", path.upper()]))
    body_kind = draw(st.sampled_from(["mutated"] * 4 + ["good", "hostile-json", "malformed", "none", "yaml"]))
    base = good_body(route.name, ids)
    body: bytes
    if body_kind == "mutated":
        body = json.dumps(draw(mutated(base)), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    elif body_kind == "good":
        body = json.dumps(base).encode()
    elif body_kind == "hostile-json":
        body = draw(hostile_json()).encode("utf-8", "surrogatepass")
    elif body_kind == "malformed":
        body = draw(MALFORMED_BYTES)
    elif body_kind == "yaml":
        body = draw(st.sampled_from([b"a: &a [1]\nb: *a\n", b"- - - - - x\n" * 10, b"!!python/object:os.system {}", b"[" * 70 + b"]" * 70]))
    else:
        body = b""
    headers = draw(header_list(key, bool(body)))
    if body and draw(st.integers(0, 9)) != 9:
        headers.append((b"content-length", str(len(body)).encode()))
    return RawRequest(method, path.encode("latin-1", "replace"), draw(query_string()), headers, body)
