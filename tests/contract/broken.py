"""Broken servers: the real mock behind an ASGI wrapper that breaks one rule, only at an edge."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import orjson

from mockserver.core.instants import format_instant, parse_instant
from mockserver.core.tokens import mint_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Params = dict[str, str]
Fetch = Callable[[Params], Awaitable[dict[str, Any]]]
BodyRewrite = Callable[[Params, dict[str, Any], Fetch], Awaitable[dict[str, Any]]]
GOOD_TOKEN = mint_token(["calendar.event.read"])


Answer = tuple[int, str, bytes]  # status, content type, body
Params2 = dict[str, list[str]]


@dataclass(frozen=True)
class Breakage:
    """How to break one rule: answer in the mock's place, rewrite the request before the mock sees it, and/or
    rewrite its JSON answer (``status`` rewrites the status and headers of any answer)."""

    params: Callable[[Params, dict[str, str]], tuple[Params, dict[str, str]]] | None = None
    body: BodyRewrite | None = None
    answer: Callable[[Params2, dict[str, str]], Answer | None] | None = None
    status: Callable[[int, list[tuple[bytes, bytes]]], tuple[int, list[tuple[bytes, bytes]]]] | None = None


def broken(app: App, how: Breakage, path: str) -> App:
    """``app`` with the list operation at ``path`` broken as ``how`` says."""

    async def fetch_inner(params: Params, headers: dict[str, str]) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://inner") as client:
            response = await client.get(path, params=params, headers=headers)
            return orjson.loads(response.content) if response.status_code == 200 else {}

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != path:
            await app(scope, receive, send)
            return
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True, encoding="utf-8")
        params = dict(pairs)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if how.answer is not None:
            every: Params2 = {}
            for k, v in pairs:
                every.setdefault(k, []).append(v)
            early = how.answer(every, headers)
            if early is not None:
                status, media, content = early
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-type", media.encode()), (b"content-length", str(len(content)).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": content})
                return
        if how.params is not None:
            params, headers = how.params(dict(params), dict(headers))
            scope = {
                **scope,
                "query_string": urlencode(params).encode(),
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            }
        if how.body is None and how.status is None:
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await app(scope, receive, keep)
        body = b"".join(chunks)
        if start.get("status") == 200 and how.body is not None:
            rewrite = how.body

            async def fetch(p: Params) -> dict[str, Any]:
                return await fetch_inner(p, headers)

            body = orjson.dumps(await rewrite(params, orjson.loads(body), fetch))
        out_headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        out_headers.append((b"content-length", str(len(body)).encode()))
        status = start["status"]
        if how.status is not None:
            status, out_headers = how.status(status, out_headers)
        await send({**start, "status": status, "headers": out_headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


# ---- helpers shared by the breakages ----


def shift(value: str, micros: int) -> str:
    instant = parse_instant(value)
    if instant is None or not "0001" <= value[:4] <= "9998":
        return value  # not a date-time, or too near the ends to move: the mock answers it unchanged
    text = format_instant(instant.micros + micros)
    whole, zone = text[:-1].split(".")[0], "Z"
    fraction = f"{(instant.micros + micros) % 1_000_000:06d}"
    return f"{whole}.{fraction}{zone}"


def to_utc_naively(value: str) -> str:
    """The bound with its offset dropped, read as if it were UTC (the bug of naive string handling)."""
    return value[:19] + "Z" if value[19:20] in ("+", "-", ".") and not value.endswith("Z") else value


def number(params: Params, name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        return default


def items_key(body: dict[str, Any]) -> str:
    return "events" if "events" in body else "data"


def size_of(params: Params) -> int:
    return min(number(params, "limit", 5), 100) if "from" in params else min(number(params, "pageSize", 50), 200)


def served_page(body: dict[str, Any], params: Params) -> int:
    if "pagination" in body:
        return int(body["pagination"]["page"])
    return number(params, "page", 1)


async def total(params: Params, body: dict[str, Any], fetch: Fetch) -> int:
    if "count" in body:
        return int(body["count"])
    counted = await fetch({**params, "includeCount": "true"})
    return int(counted.get("totalCount", 0))


async def is_last_page(params: Params, body: dict[str, Any], fetch: Fetch) -> bool:
    size, page = size_of(params), served_page(body, params)
    items = body[items_key(body)]
    return bool(items) and size >= 1 and page == max(1, math.ceil(await total(params, body, fetch) / size))
