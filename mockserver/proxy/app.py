"""``mockserver proxy``: forward to a real backend and check every request and response against the spec."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import orjson
import uvicorn
from starlette.types import Message, Receive, Scope, Send

from mockserver.apis import table
from mockserver.core.credentials import CredentialsError, bearer_token
from mockserver.core.listening import BindError, base_url, bind
from mockserver.core.openapi import ApiId, CompiledSpec, Operation
from mockserver.core.params import ParameterError, ParameterRules

__all__ = ["ProxyError", "ProxyOptions", "ValidatingProxy", "run_proxy"]

logger = logging.getLogger("mockserver.proxy")

ADMIN_PREFIX = "/__mock"  # the mock's admin routes (spec/admin.yaml): not part of any API, never forwarded
MAX_REQUEST_BODY = 1 << 20  # a client's body beyond this is refused (413): the specs' operations read none
MAX_RESPONSE_BODY = 32 << 20  # an upstream body beyond this (decoded) is a 502
MAX_ERRORS = 10  # schema errors reported per response
# RFC 9110 §7.6.1: meant for one connection, never forwarded (plus what the client's Connection header names).
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-connection",
    }
)
# Recomputed for the hop they travel on: Host (the upstream's), lengths, and encodings (bodies are decoded here).
_REQUEST_DROPPED = HOP_BY_HOP | {b"host", b"content-length", b"accept-encoding"}
_RESPONSE_DROPPED = HOP_BY_HOP | {b"content-length", b"content-encoding"}
_JSON = re.compile(r"application/(.+\+)?json")


class ProxyError(Exception):
    """The proxy cannot start; the message says why in one line."""


@dataclass(frozen=True)
class ProxyOptions:
    api: ApiId
    upstream: str  # where the spec's paths are appended, e.g. http://127.0.0.1:8000/main
    strict: bool = False
    timeout: float = 30.0


def _one_line(text: str, limit: int = 300) -> str:
    """Client and upstream text inside a log line: control characters escaped, length bounded."""
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= limit else text[:limit] + "…"


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class _Operation:
    operation: Operation
    path: re.Pattern[str]
    rules: ParameterRules

    @property
    def method(self) -> str:
        return self.operation.method.upper()


def _compile(spec: CompiledSpec) -> list[_Operation]:
    operations = []
    for op in spec.operations:
        pattern = re.compile(
            "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", op.path))
        )
        operations.append(_Operation(op, pattern, ParameterRules.from_spec(op.parameters)))
    return operations


def _problem(status: int, title: str, detail: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return status, [(b"content-type", b"application/problem+json")], body


class ValidatingProxy:
    """An ASGI app: each request goes to the upstream as it came; both directions are checked against the spec."""

    def __init__(self, options: ProxyOptions, client: httpx.AsyncClient | None = None) -> None:
        self.options = options
        try:
            self.upstream = httpx.URL(options.upstream.rstrip("/"))
        except httpx.InvalidURL as exc:
            raise ProxyError(f"--upstream {options.upstream!r}: {exc}") from None
        if self.upstream.scheme not in {"http", "https"} or not self.upstream.host:
            raise ProxyError(f"--upstream {options.upstream!r} is not an http(s) URL")
        self.shown = str(self.upstream.copy_with(userinfo=b""))  # for logs and problems: no password in them
        self.operations = _compile(table(options.api).spec)
        # No redirects followed and no proxy from the environment: credentials reach the upstream host only.
        self.client = client or httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(options.timeout, connect=min(10.0, options.timeout)),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            status, headers, body = await self._exchange(scope, receive)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _target(self, scope: Scope) -> httpx.URL:
        """The upstream URL: its own path, then the request's path and query exactly as the client encoded them."""
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = self.upstream.copy_with(
            raw_path=self.upstream.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
        )
        if (url.scheme, url.host, url.port) != (self.upstream.scheme, self.upstream.host, self.upstream.port):
            raise ValueError("it would leave the upstream host")  # not seen: raw_path replaces the path only
        return url

    async def _exchange(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        method, shown = scope["method"], _one_line((scope.get("raw_path") or scope["path"].encode()).decode("latin-1"))
        body = await _read_body(receive)
        if body is None:
            return _problem(413, "Content Too Large", f"the request body is larger than {MAX_REQUEST_BODY} bytes")
        if scope["path"] == ADMIN_PREFIX or scope["path"].startswith(ADMIN_PREFIX + "/"):
            return _problem(404, "Not Found", f"{ADMIN_PREFIX}/ is the mock's own, never proxied")
        operation = self._check_request(scope, method, shown)
        try:
            target = self._target(scope)
        except (httpx.InvalidURL, ValueError) as exc:
            return _problem(400, "Bad Request", f"the request target cannot be forwarded: {_one_line(str(exc))}")
        try:
            status, headers, content, media_type = await self._forward(target, scope["headers"], method, body)
        except httpx.TimeoutException:
            logger.warning(
                "upstream %s did not answer %s %s within %ss", self.shown, method, shown, self.options.timeout
            )
            return _problem(504, "Gateway Timeout", f"the upstream did not answer within {self.options.timeout} s")
        except (httpx.HTTPError, _TooLargeError) as exc:
            reason = _one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            logger.warning("upstream %s failed on %s %s: %s", self.shown, method, shown, reason)
            return _problem(502, "Bad Gateway", f"the upstream {self.shown} failed: {reason}")
        if operation is not None:
            violations = list(_check_response(operation, status, headers, content, media_type))
            for violation in violations:
                logger.warning("violation in the response to %s %s (%s): %s", method, shown, status, violation)
            if violations and self.options.strict:
                more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
                return _problem(
                    502, "Bad Gateway", f"the upstream's {status} response violates the spec: {violations[0]}{more}"
                )
        return status, headers, content

    def _check_request(self, scope: Scope, method: str, shown: str) -> _Operation | None:
        """The request's operation, after logging the ways the request breaks the spec (it is forwarded anyway)."""
        path_matches = [op for op in self.operations if op.path.fullmatch(scope["path"])]
        operation = next((op for op in path_matches if op.method == method), None)
        if operation is None:
            preflight = method == "OPTIONS" and any(n == b"access-control-request-method" for n, _ in scope["headers"])
            if not preflight:  # a browser's CORS preflight is not a call of the API
                where = "the method" if path_matches else "the path"
                logger.warning(
                    "violation in the request %s %s: %s is not in the %s spec", method, shown, where, self.options.api
                )
            return None
        problem = None
        if operation.operation.security.bearer and not _has_bearer(scope):
            problem = "no Authorization: Bearer token, which the operation's security requires"
        else:
            try:
                operation.rules.parse(scope)
            except ParameterError as exc:
                problem = _one_line(exc.detail)
        if problem is not None:
            logger.warning("violation in the request %s %s: %s", method, shown, problem)
        return operation

    async def _forward(
        self, target: httpx.URL, headers: list[tuple[bytes, bytes]], method: str, body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes, str]:
        request = self.client.build_request(method, target, headers=_forwarded(headers), content=body)
        response = await self.client.send(request, stream=True)
        try:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BODY:
                    raise _TooLargeError(f"the response body is larger than {MAX_RESPONSE_BODY} bytes")
                chunks.append(chunk)
        finally:
            await response.aclose()
        dropped = _RESPONSE_DROPPED | _connection_names(response.headers.raw)
        returned = [(name.lower(), value) for name, value in response.headers.raw if name.lower() not in dropped]
        return response.status_code, returned, b"".join(chunks), _media_type(response.headers.get("content-type"))


class _TooLargeError(Exception):
    """The upstream's body exceeds MAX_RESPONSE_BODY."""


async def _read_body(receive: Receive) -> bytes | None:
    """The request body, or None past ``MAX_REQUEST_BODY``."""
    chunks, size, more = [], 0, True
    while more:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST_BODY:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _connection_names(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    """Header names that a Connection header declares hop-by-hop."""
    return {
        token.strip().lower() for name, value in headers if name.lower() == b"connection" for token in value.split(b",")
    }


def _forwarded(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    dropped = _REQUEST_DROPPED | _connection_names(headers)
    return [(name, value) for name, value in headers if name.lower() not in dropped]


def _has_bearer(scope: Scope) -> bool:
    try:
        bearer_token([value.decode("latin-1") for name, value in scope["headers"] if name == b"authorization"])
    except CredentialsError:
        return False
    return True


def _check_response(
    operation: _Operation, status: int, headers: list[tuple[bytes, bytes]], content: bytes, media_type: str
) -> Iterator[str]:
    """Each way the response breaks the operation's documented responses, as one line."""
    documented = operation.operation.response_for(status)
    if documented is None:
        yield f"status {status} is not documented (documented: {', '.join(operation.operation.responses)})"
        return
    names = {name.decode("latin-1").lower() for name, _ in headers}
    for header in documented.headers:
        if header.lower() not in names:
            yield f"the required header {header} is missing"
    if not documented.content:
        if content:
            yield f"a {len(content)}-byte body where the spec documents none"
        return
    if media_type not in documented.content:
        yield f"content type {_one_line(media_type) or '(none)'} is not documented ({', '.join(documented.content)})"
        return
    validator = documented.content[media_type].validator
    if validator is None or not _JSON.fullmatch(media_type):
        return
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        yield f"the body is not JSON: {exc}"
        return
    errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:MAX_ERRORS]:
        yield f"{error.json_path}: {_one_line(error.message, 200)}"
    if len(errors) > MAX_ERRORS:
        yield f"… and {len(errors) - MAX_ERRORS} more schema errors"


def run_proxy(options: ProxyOptions, host: str, port: int) -> None:
    """Serve the proxy until interrupted; a busy port raises ProxyError before anything is printed."""
    app = ValidatingProxy(options)
    try:
        sock = bind(host, port)
    except BindError as exc:
        raise ProxyError(str(exc)) from None
    base = base_url(host, sock)
    mode = "strict: a non-conforming response becomes a 502" if options.strict else "violations are logged"
    print(f"mockserver proxy on {base} -> {app.shown} ({options.api}; {mode})", flush=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:     %(message)s")  # as uvicorn's lines
    logging.getLogger("mockserver").setLevel(logging.INFO)
    # The upstream's own Date and Server headers pass through: uvicorn adds none of its own.
    config = uvicorn.Config(app, log_level="info", lifespan="on", server_header=False, date_header=False)
    uvicorn.Server(config).run(sockets=[sock])
