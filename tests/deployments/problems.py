"""RFC 7807 problems: the exception a check raises, and the ``application/problem+json`` answer it becomes."""

from __future__ import annotations

from http import HTTPStatus

import orjson
from starlette.responses import Response

__all__ = ["ProblemError"]


class ProblemError(Exception):
    """A refused request: its status, what is wrong (naming the parameter or header and the value), its headers."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}

    def response(self) -> Response:
        body = {"type": "about:blank", "title": HTTPStatus(self.status).phrase, "status": self.status}
        body["detail"] = self.detail
        return Response(
            orjson.dumps(body), status_code=self.status, headers=self.headers, media_type="application/problem+json"
        )
