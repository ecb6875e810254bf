"""The page table: every route names a handler that exists, and each page answers as its own route."""

from __future__ import annotations

import inspect

import pytest
from starlette.routing import Route

from mock_server import ui
from tests.ui.support import Browser


@pytest.mark.parametrize(("path", "method", "name", "target"), ui.PAGES, ids=[page[2] for page in ui.PAGES])
def test_every_page_names_a_handler_that_exists(path: str, method: str, name: str, target: tuple[str, str]) -> None:
    assert inspect.iscoroutinefunction(ui.handler(target))


def test_the_table_is_the_routes_in_order_and_names_are_unique() -> None:
    pages = [route for route in ui.routes if isinstance(route, Route)]

    assert [(r.path, sorted(r.methods or ()), r.name) for r in pages] == [
        (path, sorted({method, "HEAD"} if method == "GET" else {method}), name) for path, method, name, _ in ui.PAGES
    ]
    assert len({name for _, _, name, _ in ui.PAGES}) == len(ui.PAGES)


def test_a_page_answers_through_its_route_as_its_handler_does(browser: Browser) -> None:
    login = browser.get("/ui/login")

    assert login.status_code == 200 and '<label for="api_key">API key</label>' in login.text
