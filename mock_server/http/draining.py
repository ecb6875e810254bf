"""Reads what is left of a request body before the answer's last byte goes out.

An answer can leave before the body is read: a GET sent with a body, a 401 or 404 on a large push,
a refused header. The server then closes the connection with the client's bytes still unread in
the socket, the kernel answers them with a reset, and the client loses the answer it was sent
(``Connection reset by peer`` instead of a 4xx). Reading the rest first, as servers in front of
real APIs do, lets every client read its answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def may_have_body(scope: Scope) -> bool:
    """Whether the request announces a body (a non-zero Content-Length, or chunks)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False


class DrainBody:
    """ASGI middleware: before the final body message of the answer, read the request body to its
    end, at most ``limit`` bytes (past that the connection is not worth keeping whole)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not may_have_body(scope):
            await self.app(scope, receive, send)
            return
        read_all = False

        async def receive_tracked() -> Message:
            nonlocal read_all
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                read_all = True
            return message

        async def send_after_draining(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                budget = self.limit
                while not read_all and budget >= 0:
                    budget -= len((await receive_tracked()).get("body", b""))
            await send(message)

        await self.app(scope, receive_tracked, send_after_draining)
