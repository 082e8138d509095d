"""The edge requests judged by the run's checks as Schemathesis judges its own cases, and recorded as one scenario
of a phase of ours for the listener (Schemathesis's report writers)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import requests
from schemathesis.checks import CHECKS, load_all_checks, max_response_time
from schemathesis.checks import CheckResult as CheckOutcome
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.engine import Status, events
from schemathesis.engine.recorder import ReproductionStep, ScenarioRecorder

from mockserver.contract import interrupt
from mockserver.contract.options import FuzzOptions, selects
from mockserver.contract.schemathesis.curl import plain_curl
from mockserver.contract.schemathesis.pacing import given_up
from mockserver.contract.schemathesis.parallel import in_order
from mockserver.contract.schemathesis.phase import OwnPhase
from mockserver.contract.schemathesis.state import active
from mockserver.contract.schemathesis.tally import Tally
from mockserver.contract.schemathesis.transport import describe_error
from mockserver.contract.schemathesis.types import Case, Operation
from mockserver.contract.target.expected import Expectation

__all__ = ["EDGE_BUILTINS", "Sent", "SentEdge", "send_edges"]

# Schemathesis's checks that judge any answer, whatever the request (the edges are sent outside its phases).
EDGE_BUILTINS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


class SentEdge(Protocol):
    """An edge request as it was sent: the headers it carried and the answer it must get (None: a valid request)."""

    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def expectation(self) -> Expectation | None: ...


Sent = tuple[SentEdge, Case, Any, Exception | None]  # the edge as sent, its case, the answer or the error
Senders = Callable[[], Sequence[Callable[[], Sent | None]]]  # made when the sending starts


def _edge_checks(names: tuple[str, ...], options: FuzzOptions) -> list[Any]:
    load_all_checks()
    wanted = set(names) | {n for n in EDGE_BUILTINS if selects(options, n)}
    timed = (
        [max_response_time] if options.max_response_time is not None and selects(options, "max_response_time") else []
    )
    return [c for c in CHECKS.get_all() if not isinstance(c, type) and c.__name__ in wanted] + timed


def send_edges(job: Tally, op: Operation, senders: Senders, names: tuple[str, ...]) -> None:
    """Send every edge request (each sender sends one, None: not sent) and judge each answer with the run's checks,
    as Schemathesis would; the answers and verdicts go to the listener as one scenario, as the engine's phases
    report theirs."""
    recorder = ScenarioRecorder(label=op.label)
    started = time.monotonic()
    try:
        _send_edge_requests(job, op, senders, names, recorder)
    finally:
        if recorder.cases:
            status = Status.FAILURE if recorder.failing_case_ids() else Status.SUCCESS
            job.emit(
                events.ScenarioFinished(
                    id=uuid.uuid4(),
                    phase=OwnPhase.EDGE_REQUESTS,  # type: ignore[arg-type]  # ours, shaped as Schemathesis's phases
                    suite_id=uuid.uuid4(),
                    label=op.label,
                    status=status,
                    recorder=recorder,
                    elapsed_time=time.monotonic() - started,
                    skip_reason=None,
                    is_final=False,
                )
            )


def _send_edge_requests(
    job: Tally, op: Operation, senders: Senders, names: tuple[str, ...], recorder: ScenarioRecorder
) -> None:
    options, result, session = job.options, job.result, job.session
    checks = _edge_checks(names, options)
    transport = {"session": session} if session is not None else {}
    judged = [check.__name__ for check in checks]  # the semantic checks and the built-ins, by name
    outcomes: list[CheckOutcome] = []

    def collect(_context: Any, _case: Any, _response: Any, results: list[CheckOutcome]) -> None:
        outcomes.extend(results)

    # Schemathesis's own after_validate hook names each check's outcome, so that one validation per answer runs
    # every check (one check context per answer, not one per check), and each failure keeps its check's name.
    op.schema.hooks.register_hook_with_name(collect, "after_validate")
    try:
        for outcome in in_order(options.workers, senders()):
            interrupt.check()
            sent = outcome()
            if sent is None:
                continue
            edge, case, response, error = sent
            state = active(case)
            if edge.expectation is not None and state is not None:
                state.expectations[case.id] = edge.expectation
            if isinstance(error, requests.exceptions.InvalidHeader):
                continue  # a header value this HTTP client cannot send: nothing to learn from it
            if isinstance(error, requests.RequestException):
                result.errors.append(f"edge request ({describe_error(error)})")
                result.stopped = "the run stopped at its first network error"
                return
            if error is not None:  # an in-process app that raises: the target failed this request
                result.errors.append(
                    f"edge request {plain_curl(case, edge.headers, job.secrets)}: the target "
                    f"raised {type(error).__name__}: {error}"
                )
                continue
            if given_up(response):  # still throttled after its retries: unexercised, never violated
                if job.throttled_out():
                    return
                continue
            result.requests += 1
            recorder.record_case(case=case)
            recorder.record_response(case_id=case.id, response=response)
            result.timings.append((response.status_code, response.elapsed))
            outcomes.clear()
            with contextlib.suppress(FailureGroup, Failure):  # each check's outcome is in ``outcomes``
                case.validate_response(
                    response, checks=checks, headers=dict(edge.headers), transport_kwargs=dict(transport)
                )
            _judge(job, judged, outcomes, case, edge.headers, recorder)
            if options.max_failures is not None and sum(job.failed.values()) >= options.max_failures:
                result.stopped = f"the run stopped at --max-failures {options.max_failures}"
                return
    finally:
        op.schema.hooks.unregister(collect)


def _judge(
    job: Tally,
    names: list[str],
    outcomes: list[CheckOutcome],
    case: Case,
    headers: dict[str, str],
    recorder: ScenarioRecorder,
) -> None:
    """The run's checks on one edge answer, recorded as the engine records its own (failures with their curl)."""
    failures: dict[str, list[Failure]] = {}
    for outcome in outcomes:
        if outcome.failure is not None:
            failures.setdefault(outcome.name, []).append(outcome.failure)
    step: ReproductionStep | None = None
    for name in names:
        job.runs[name] += 1
        found = failures.get(name)
        if not found:
            recorder.record_check_success(name=name, case_id=case.id)
            continue
        step = step or ReproductionStep.from_case(case, headers=dict(headers), verify=True, roles={})
        for failure in found:
            recorder.record_check_failure(
                name=name, case_id=case.id, code_sample=step.curl, failure=failure, steps=[step]
            )
        new = [f for f in found if not job.known(f, name)]
        if new:
            job.failed[name] += 1
        for failure in new:
            job.fail(name, failure, plain_curl(case, headers, job.secrets))
