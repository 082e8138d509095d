"""One request of a run and its answer, as the checks read them: our own values, made by the Schemathesis adapter.

A check reads the request's query and headers and the answer's status, headers and body, and may send follow-up
requests of the same operation (``Request.follow``); it never sees the library's objects, so a check can be called,
and tested, with values built by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Answer", "Follow", "Request"]


@dataclass(frozen=True)
class Answer:
    """An answer: its status, its headers (lower-case names, each with its values) and its body read as JSON."""

    status_code: int
    headers: Mapping[str, list[str]]
    json: Callable[[], Any] = field(repr=False)  # raises ValueError when the body is not JSON


@dataclass(frozen=True)
class Request:
    """A request the run sent: an id unique in the run, the operation's label, its query and headers, whether it is
    meant to be valid (a negative one is not judged by the page rules), and how to send a follow-up."""

    id: str
    operation: str
    query: Any  # the query parameters (a dict; anything else for a request whose query cannot be one)
    headers: Mapping[str, Any] | None
    positive: bool
    follow: Follow = field(repr=False, compare=False)


# (query, headers) -> the follow-up request of the same operation with exactly these headers, and its answer
Follow = Callable[[dict[str, Any], dict[str, str]], tuple[Request, Answer]]
