"""What the page tests share: a browser-like client on the test's app, and the steps a person takes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
from starlette.testclient import TestClient

from mock_server.core.store import Store
from mock_server.core.tenant import Tenant
from tests.support import API_KEY


def path_of(url: str) -> str:
    """The path and query of an absolute URL the API handed out (the linkUrl)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def hidden(html: str, name: str) -> str:
    """The value of the first hidden field ``name`` on a page."""
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden field {name!r} on the page"
    return match.group(1)


def readonly_values(html: str) -> list[str]:
    return re.findall(r'value="([^"]+)" readonly', html)


def visible_text(html: str) -> str:
    """Roughly what a person reads: tags dropped, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class Browser:
    """A cookie-keeping client with no API key, following nothing by itself (to see the redirects)."""

    def __init__(self, api: TestClient) -> None:
        self.http = TestClient(api.app, follow_redirects=False)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, data: dict[str, str | list[str]]) -> httpx.Response:
        return self.http.post(path, data=data)

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code == 303, response.text
        return self.http.get(response.headers["location"])

    def sign_in(self, key: str = API_KEY) -> httpx.Response:
        return self.post("/ui/login", {"api_key": key, "next": "/ui"})

    def csrf(self) -> str:
        return hidden(self.get("/ui").text, "csrf")

    def get_credentials(self, link_url: str) -> tuple[str, str]:
        """Open the linkUrl, press Get credentials, read the username and password shown."""
        path = path_of(link_url)
        otp = path.split("otp=")[1]
        review = self.get(path)
        assert review.status_code == 200, review.text
        base = path.split("?")[0]
        shown = self.follow(self.post(base + "/credentials", {"otp": otp}))
        username, password = readonly_values(shown.text)
        return username, password


def tenant_of(client: TestClient, key: str = API_KEY) -> Tenant:
    """The tenant behind ``key`` on the client's app, to check what a page did or did not change."""
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store.tenant(key)
