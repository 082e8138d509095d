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
from schemathesis.engine import events
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

from mockserver.contract.schemathesis.parallel import SLICES, Lookahead, slice_examples, slice_seed
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
        self.lookahead = Lookahead(session.workers)

    def send(self, case: Case[Any], *, session: requests.Session | None = None, **kwargs: Any) -> Any:
        if self.lookahead.planned(case):  # sent ahead, or now with the next ones of its phase
            return self.lookahead.take(case, lambda planned: self._send_one(planned, dict(kwargs)))
        return self._send_one(case, kwargs)

    def _send_one(self, case: Case[Any], kwargs: dict[str, Any]) -> Any:
        response = super().send(case, session=self.session, **kwargs)
        if self.session.gave_up_last():  # still throttled after its retries: its checks must not judge it
            self.session.pacer.mark_case(case.id)
        return response


def _sliced(schema_class: type[BaseSchema]) -> Any:
    def get_all_operations(self: BaseSchema, *args: Any, **kwargs: Any) -> Any:
        """Each operation once, or SLICES times while the fuzzing phase is scheduled (parallel.py)."""
        found = list(schema_class.get_all_operations(self, *args, **kwargs))
        return iter(found * (SLICES if getattr(self, "_fuzzing", False) else 1))

    return get_all_operations


def bind(schema: BaseSchema, session: BoundedSession, max_examples: int) -> None:
    """Make every request of ``schema``'s cases go through ``session`` (the schema is the run's own copy), up to
    ``session.workers`` at once; the fuzzing phase generates ``max_examples`` per mode over its slices."""
    transport = _BoundedTransport(session)
    schema.__class__ = type(
        f"Bounded{type(schema).__name__}",
        (type(schema),),
        {"transport": property(lambda _self: transport), "get_all_operations": _sliced(type(schema))},
    )
    schema.config.update(workers=min(session.workers, SLICES))
    schema.config.phases.fuzzing.generation.update(max_examples=slice_examples(max_examples))
    schema.config.phases.fuzzing.error_feedback.is_enabled = False  # answers in any order: the same generation


class _Context(EngineContext):
    """An engine context whose requests all go through ``session``, sending a phase's planned cases ahead, and whose
    fuzzing phase is SLICES Hypothesis runs with seeds of their own (parallel.py)."""

    __slots__ = ("_slice_lock", "_slices", "bounded", "lookahead")

    def __init__(self, *, session: BoundedSession, lookahead: Lookahead, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.bounded = session
        self.lookahead = lookahead
        self._slices = 0
        self._slice_lock = threading.Lock()

    def get_session(self, *, operation: object = None) -> requests.Session:
        return self.bounded

    def operation_seed(self, operation: Any) -> int | None:
        """The seed of the next slice of the fuzzing phase (asked once per Hypothesis run)."""
        with self._slice_lock:
            index = self._slices % SLICES
            self._slices += 1
        return slice_seed(self.cycle_seed, operation.label, index)


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
        transport = getattr(self.schema, "transport", None)
        ctx = _Context(
            session=self.session,
            lookahead=transport.lookahead if isinstance(transport, _BoundedTransport) else Lookahead(1),
            schema=self.schema,
            stop_event=threading.Event(),
            observations=observations,
            max_time=self.schema.config.max_time,
        )
        return EventStream(self._phases_told(plan.execute(ctx)), ctx.control.stop_event)

    def _phases_told(self, stream: Any) -> Any:
        """The engine's events; the schema knows when the fuzzing phase is being scheduled (its operations sliced)."""
        for event in stream:
            if isinstance(event, events.PhaseStarted):
                self.schema._fuzzing = event.phase.name == PhaseName.FUZZING  # type: ignore[attr-defined]
            elif isinstance(event, events.PhaseFinished):
                self.schema._fuzzing = False  # type: ignore[attr-defined]
            yield event

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
