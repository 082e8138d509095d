"""What each stage around the request stage does to a GET of an API operation, declared as data: the lane's fence.

Between uvicorn's protocol and the request stage a request passes through uvicorn's own stages, Connexion's entry
and the outer stages ``app.create_served`` inserts (the journal or the access log, the admin guard, CORS, chaos).
Each declares, as its ``fence``, the request headers it acts on and the response headers it adds to the answer of
a request carrying none of them. The fast lane (``lane.Lane``) is built from their union: it leaves to the app
every request that carries a header some stage acts on, and writes the headers the stages add, in the order they
add them. A new stage cannot be inserted without a fence (``create_served`` reads it), so adding one is a decision
about the lane; ``tests/server/test_fence.py`` holds each stage to what it declares, and ``test_lane.py`` the lane
to the app under every setting that changes the stages.

A stage whose work on a plain request the lane does itself, through the same objects (the journal's entry, the
access log's line), declares nothing: it acts on no header and adds none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Protocol

__all__ = ["SERVER", "Fence", "Fenced", "header_lines"]


@dataclass(frozen=True)
class Fence:
    """What one stage does to a GET of an API operation."""

    acts_on: frozenset[bytes] = frozenset()  # request headers (as ASGI carries them) that make it act
    adds: tuple[tuple[bytes, bytes], ...] = ()  # response headers it adds when none of them came
    every_request: bool = False  # it acts on every such request, whatever its headers: no lane

    @classmethod
    def around(cls, fences: Iterable[Fence]) -> Fence:
        """The fence of stages nested in this order, outermost first: the headers any of them acts on, and the
        headers they add in the order an answer meets them on its way out (innermost first)."""
        fences = list(fences)
        adds = tuple(pair for fence in reversed(fences) for pair in fence.adds)
        names = [name for name, _ in adds]
        if len(set(names)) != len(names):  # a second stage would merge its value into the first's: not declared
            raise ValueError(f"two stages add the same response header: {sorted(names)}")
        return cls(
            frozenset().union(*(fence.acts_on for fence in fences)),
            adds,
            any(fence.every_request for fence in fences),
        )


class Fenced(Protocol):
    """A stage's class, declaring its fence."""

    fence: ClassVar[Fence]


# uvicorn's request cycle answers ``Expect: 100-continue``; its proxy-headers stage (on by default) takes the client
# and scheme from ``X-Forwarded-For`` and ``X-Forwarded-Proto``; Connexion's entry and Starlette's server-error
# stage act on no header (``tests/server/test_uvicorn_surface.py`` holds uvicorn to these names).
SERVER = Fence(acts_on=frozenset({b"expect", b"x-forwarded-for", b"x-forwarded-proto"}))


def header_lines(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Headers as uvicorn writes them: ``name: value`` and CRLF each."""
    return b"".join(b"%s: %s\r\n" % pair for pair in headers)
