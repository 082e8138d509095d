"""A recording transport: what uvicorn's protocol asks of a socket, in order, instead of a socket."""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["Recording"]


class Recording(asyncio.Transport):
    """What a socket's transport is asked to do, in order."""

    def __init__(self, *, unread: bool = False) -> None:
        super().__init__()
        self.calls: list[tuple[str, bytes]] = []
        self.closing = False
        self.unread = unread  # a client that reads nothing: every byte written stays in the buffer

    def write(self, data: Any) -> None:
        self.calls.append(("write", bytes(data)))

    def close(self) -> None:
        self.calls.append(("close", b""))
        self.closing = True

    def abort(self) -> None:
        self.calls.append(("abort", b""))
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def get_write_buffer_size(self) -> int:
        return sum(len(data) for kind, data in self.calls if kind == "write") if self.unread else 0

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass
