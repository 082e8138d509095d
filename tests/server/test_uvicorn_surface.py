"""The names of uvicorn's HTTP protocol that ``server/protocol.py`` relies on beyond its documented interface: an
upgrade that renames or reshapes one fails here, in one place, instead of somewhere on the request path."""

from __future__ import annotations

import inspect
import re

import pytest
import uvicorn
from uvicorn.protocols.http import flow_control, httptools_impl
from uvicorn.server import ServerState

# Methods overridden or called, with the parameters the override assumes (after self).
METHODS = {
    "_start_asgi_task": ["cycle", "app"],  # private: the lane answers here instead of starting the app
    "send_400_response": ["msg"],
    "on_response_complete": [],
    "on_headers_complete": [],
    "on_message_begin": [],
    "on_body": ["body"],
    "on_message_complete": [],
    "data_received": ["data"],
    "eof_received": [],
    "connection_made": ["transport"],
    "connection_lost": ["exc"],
    "shutdown": [],
}
# Attributes read or written, set when a protocol is made or by the parser's callbacks (read from uvicorn's source).
ATTRIBUTES = ("pipeline", "flow", "cycle", "connections", "server_state", "headers", "url", "scope", "client", "app")
CYCLE_ATTRIBUTES = ("response_started", "response_complete", "keep_alive", "disconnected", "message_event")


@pytest.mark.parametrize(("name", "parameters"), METHODS.items(), ids=list(METHODS))
def test_each_protocol_method_relied_on_keeps_its_parameters(name: str, parameters: list[str]) -> None:
    method = getattr(httptools_impl.HttpToolsProtocol, name)
    assert list(inspect.signature(method).parameters)[1:] == parameters


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_each_protocol_attribute_relied_on_is_set_by_uvicorn(name: str) -> None:
    assert re.search(rf"self\.{name}(: [^=]+)? =", inspect.getsource(httptools_impl.HttpToolsProtocol))


@pytest.mark.parametrize("name", CYCLE_ATTRIBUTES)
def test_each_cycle_attribute_relied_on_is_set_by_uvicorn(name: str) -> None:
    assert f"self.{name} =" in inspect.getsource(httptools_impl.RequestResponseCycle)


def test_the_module_names_relied_on_exist() -> None:
    assert httptools_impl.STATUS_LINE[200].startswith(b"HTTP/1.1 200")
    assert flow_control.HIGH_WATER_LIMIT > 0
    assert hasattr(flow_control.FlowControl, "pause_reading") and "write_paused" in inspect.getsource(
        flow_control.FlowControl
    )
    state = ServerState()
    assert hasattr(state, "default_headers") and hasattr(state, "connections")
    assert "timeout_graceful_shutdown" in inspect.signature(uvicorn.Config).parameters
