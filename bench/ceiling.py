"""The ceiling of this stack: a bare Starlette app on uvicorn returning fixed bytes for every request."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def main() -> None:
    body_file, port = Path(sys.argv[1]), int(sys.argv[2])
    body = body_file.read_bytes()

    async def endpoint(request: Request) -> Response:
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/{path:path}", endpoint)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
