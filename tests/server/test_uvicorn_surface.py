"""The names of uvicorn's HTTP protocol that ``server/protocol.py`` relies on beyond its documented interface: an
upgrade that renames or reshapes one fails here, in one place, instead of somewhere on the request path. The lists
are complete by construction: a test reads ``protocol.py`` and fails on a name of uvicorn's it uses that they omit.
The one private method relied on is ``_start_asgi_task`` (where the lane answers instead of starting the app)."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

import pytest
import uvicorn
from uvicorn.middleware import proxy_headers
from uvicorn.protocols.http import flow_control, httptools_impl
from uvicorn.server import ServerState

from mockserver.server import protocol
from mockserver.server.fence import SERVER

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
ATTRIBUTES = (
    "pipeline",
    "flow",
    "cycle",
    "connections",
    "server_state",
    "headers",
    "url",
    "scope",
    "client",
    "app",
    "loop",
    "logger",
    "transport",
)
CYCLE_ATTRIBUTES = (
    "response_started",
    "response_complete",
    "keep_alive",
    "disconnected",
    "message_event",
    "scope",
    "on_response",
)
PRIVATE = ("_start_asgi_task",)  # uvicorn's private names used (a leading underscore)


def _self_names(cls: type) -> set[str]:
    """The attributes a class's source sets or reads on ``self``, and its methods (the constructor aside: how a
    protocol is made is uvicorn's documented ``http`` setting)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and _is_name(n.value, "self")}
    return (names | {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}) - {"__init__"}


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _used_by_our_protocol() -> tuple[set[str], set[str]]:
    """The names ``protocol.HeadTimeoutProtocol`` uses on itself (``self.x``, ``super().x``, the methods it
    overrides) and on a request cycle (``cycle.x``, ``self.cycle.x``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(protocol.HeadTimeoutProtocol)))
    own: set[str] = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    cycle: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        value = node.value
        if _is_name(value, "self") or (isinstance(value, ast.Call) and _is_name(value.func, "super")):
            own.add(node.attr)
        elif _is_name(value, "cycle") or (isinstance(value, ast.Attribute) and value.attr == "cycle"):
            cycle.add(node.attr)
    return own, cycle


def test_every_name_of_uvicorns_protocol_used_is_listed_here() -> None:
    own, cycle = _used_by_our_protocol()
    assert own & _self_names(httptools_impl.HttpToolsProtocol) <= {*METHODS, *ATTRIBUTES}
    assert cycle & _self_names(httptools_impl.RequestResponseCycle) <= set(CYCLE_ATTRIBUTES)


def test_the_private_names_used_are_the_ones_named() -> None:
    own, cycle = _used_by_our_protocol()
    uvicorns = (own & _self_names(httptools_impl.HttpToolsProtocol)) | (
        cycle & _self_names(httptools_impl.RequestResponseCycle)
    )
    assert {name for name in uvicorns if name.startswith("_")} == set(PRIVATE)


def test_the_headers_uvicorns_stages_act_on_are_the_lanes_fence() -> None:
    """uvicorn's proxy-headers stage reads the X-Forwarded headers, its protocol ``Expect``: the lane leaves those."""
    forwarded = set(re.findall(rb'b"(x-forwarded-[a-z-]+)"', inspect.getsource(proxy_headers).encode()))
    expect = set(
        re.findall(rb'name == b"([a-z-]+)"', inspect.getsource(httptools_impl.HttpToolsProtocol.on_header).encode())
    )
    assert forwarded | expect == SERVER.acts_on


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
