"""Schemathesis's engine with every request sent through the run's bounded session.

The engine builds its own ``requests`` session per thread, sends its capability probes through a plain
session of their own, and some checks send through a fresh session on purpose. Here the engine context hands
out the run's session, :func:`bind` makes the schema's transport use it for every send, and the probes are
sent by :func:`probe` through it before the engine starts (the engine's probing phase is skipped).
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import requests
from schemathesis import auths
from schemathesis.core.transport import USER_AGENT
from schemathesis.engine.context import EngineContext
from schemathesis.engine.core import Engine, EventStream
from schemathesis.engine.errors import never_reached_server
from schemathesis.engine.observations import Observations
from schemathesis.engine.run import Phase, PhaseName, PhaseSkipReason
from schemathesis.engine.run.probes import HEADER_NAME, PROBES, NullByteInHeader, ProbeOutcome, UnsafePathDecoder
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema
from schemathesis.transport.prepare import get_default_headers
from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport
from urllib3.exceptions import InsecureRequestWarning

from mockserver.contract.schemathesis.transport import BoundedSession

__all__ = ["BoundedEngine", "bind", "probe"]


class _BoundedTransport(RequestsTransport):
    """Schemathesis's requests transport, sending everything through one session.

    Some checks (``ignored_auth``'s probes) drop the session they were given on purpose, so that no credentials
    ride along; Schemathesis then opens a plain session, unbounded. The run's session holds no credentials, so
    it is used for those requests too.
    """

    def __init__(self, session: BoundedSession) -> None:
        super().__init__()
        self._copy_serializers_from(REQUESTS_TRANSPORT)
        self.session = session

    def send(self, case: Case[Any], *, session: requests.Session | None = None, **kwargs: Any) -> Any:
        return super().send(case, session=self.session, **kwargs)


def bind(schema: BaseSchema, session: BoundedSession) -> None:
    """Make every request of ``schema``'s cases go through ``session`` (the schema is the run's own copy)."""
    transport = _BoundedTransport(session)
    schema.__class__ = type(
        f"Bounded{type(schema).__name__}", (type(schema),), {"transport": property(lambda _self: transport)}
    )


class _Context(EngineContext):
    """An engine context whose requests all go through ``session``."""

    __slots__ = ("bounded",)

    def __init__(self, *, session: BoundedSession, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.bounded = session

    def get_session(self, *, operation: object = None) -> requests.Session:
        return self.bounded


class BoundedEngine(Engine):
    """``schemathesis.engine.from_schema(schema)``, with the run's session; workers share it (one worker here)."""

    __slots__ = ("session",)

    def __init__(self, schema: BaseSchema, session: BoundedSession) -> None:
        super().__init__(schema=schema)
        self.session = session

    def execute(self) -> EventStream:
        if self.schema.config.auth.is_defined:
            auths.unregister()
        plan = self._create_execution_plan()
        stateful = next(p for p in plan.phases if p.name == PhaseName.STATEFUL_TESTING)
        observations = Observations() if stateful.is_enabled else None
        ctx = _Context(
            session=self.session,
            schema=self.schema,
            stop_event=threading.Event(),
            observations=observations,
            max_time=self.schema.config.max_time,
        )
        return EventStream(plan.execute(ctx), ctx.control.stop_event)

    def get_phase_config(self, phase_name: PhaseName, *, is_supported: bool, requires_transitions: bool) -> Phase:
        if phase_name == PhaseName.PROBING:  # sent by `probe` through the bounded session instead
            return Phase(name=phase_name, is_enabled=False, skip_reason=PhaseSkipReason.DISABLED)
        return super().get_phase_config(
            phase_name, is_supported=is_supported, requires_transitions=requires_transitions
        )


def probe(schema: BaseSchema, session: BoundedSession) -> None:
    """Schemathesis's capability probes (NUL byte in a header, unsafe path characters), adapting generation."""
    for kind in PROBES:
        check = kind()
        try:
            request = check.prepare_request(session, requests.Request(), schema)
            request.headers[HEADER_NAME] = check.name
            request.headers["User-Agent"] = USER_AGENT
            for header, value in get_default_headers().items():
                request.headers.setdefault(header, value)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InsecureRequestWarning)
                response = session.send(request, timeout=session.limits.timeout)
        except requests.RequestException as exc:
            inconclusive = isinstance(exc, requests.ReadTimeout) or never_reached_server(exc)
            outcome = ProbeOutcome.SKIP if inconclusive else ProbeOutcome.FAILURE
        else:
            outcome = check.analyze_response(response)
        if outcome == ProbeOutcome.FAILURE:
            if isinstance(check, NullByteInHeader):
                schema.adapt_to_null_byte_in_header_failure()
            elif isinstance(check, UnsafePathDecoder):
                schema.adapt_to_path_decoder_rejection()
