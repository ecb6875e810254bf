"""The baseline: a bare Starlette app doing only what any endpoint must (parse the body, answer JSON).

Served by the same uvicorn as the emulator, so the ratio between the two is the emulator's own cost.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_ANSWER = orjson.dumps({"status": "Pending", "statusCode": 202})


async def post(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(_ANSWER, media_type="application/json")


async def get(request: Request) -> Response:
    return Response(_ANSWER, media_type="application/json")


app = Starlette(routes=[Route("/post/{rest:path}", post, methods=["POST"]), Route("/get/{rest:path}", get, methods=["GET"])])
