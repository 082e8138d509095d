"""Schemathesis's phases driven: its engine's events tallied into the run's verdicts and handed to the listener."""

from __future__ import annotations

import requests
from schemathesis.engine import StopReason, events, from_schema
from schemathesis.schemas import BaseSchema

from mockserver.contract import interrupt
from mockserver.contract.schemathesis.curl import plain_curl
from mockserver.contract.schemathesis.engine import BoundedEngine, probe
from mockserver.contract.schemathesis.local_constants import without_local_constants
from mockserver.contract.schemathesis.preload import preload
from mockserver.contract.schemathesis.tally import Tally
from mockserver.contract.schemathesis.transport import describe_error

__all__ = ["fuzz"]


def fuzz(job: Tally, schema: BaseSchema) -> None:
    """Schemathesis's phases, their cases drawn from the seed alone (no local module's literals), by workers that find
    every module they execute already imported."""
    preload()
    interrupt.check()  # (a Ctrl-C during the imports may have been dropped: CI saw it happen)
    with without_local_constants():
        _drive(job, schema)


def _drive(job: Tally, schema: BaseSchema) -> None:
    result, session = job.result, job.session
    if session is None:
        stream = from_schema(schema).execute()
    else:
        if not result.errors:  # after a failed survey the probes would most likely wait out their timeouts too
            probe(schema, session)
        stream = BoundedEngine(schema, session).execute()
    interrupt.on_interrupt(stream.stop)  # workers stop at their next case, even if the KeyboardInterrupt is lost
    try:
        for event in stream:
            interrupt.check()
            if isinstance(event, events.Interrupted | events.EngineFinished) and result.stopped is not None:
                continue  # the stop asked for below, not a Ctrl-C
            if isinstance(event, events.Interrupted):
                result.interrupted = True
            job.emit(event)
            _absorb(job, event)
            if job.throttled_out():
                stream.stop()
            if isinstance(event, events.NonFatalError) and isinstance(event.value, requests.RequestException):
                # A network error ends the operation for Schemathesis, and a run tests one operation: stop
                # here rather than wait out a timeout again in every later phase.
                result.stopped = "the run stopped at its first network error"
                stream.stop()
    except KeyboardInterrupt:
        stream.stop()
        raise


def _absorb(job: Tally, event: events.EngineEvent) -> None:
    result = job.result
    if isinstance(event, events.PhaseStarted):
        job.say(f"{event.phase.name.value} phase")
    elif isinstance(event, events.ScenarioFinished):
        _absorb_scenario(job, event)
    elif isinstance(event, events.NonFatalError):
        if isinstance(event.value, requests.RequestException):
            detail = describe_error(event.value)
        else:
            detail = (str(event.value).strip().splitlines() or [type(event.value).__name__])[0]
        line = f"{event.label}: {event.info.title}: {detail}"
        if line not in result.errors:
            result.errors.append(line)
    elif isinstance(event, events.FatalError):
        result.errors.append(f"internal error: {event.exception!r}")
    elif (
        isinstance(event, events.EngineFinished)
        and event.stop_reason.skip_explanation
        and event.stop_reason is not StopReason.MAX_TIME  # --max-time spent: the run's budget, not an early stop
        and not result.interrupted
    ):
        result.errors.append(f"the run stopped early: {event.stop_reason.skip_explanation}")


def _absorb_scenario(job: Tally, event: events.ScenarioFinished) -> None:
    result = job.result
    recorder = event.recorder
    pacer = job.session.pacer if job.session is not None else None
    out = {c for c in recorder.interactions if pacer is not None and pacer.case_given_up(c)}
    result.requests += len(recorder.interactions) - len(out)
    result.timings.extend(
        (i.response.status_code, i.response.elapsed)
        for c, i in recorder.interactions.items()
        if i.response and c not in out
    )
    for case_id, nodes in recorder.checks.items():
        if case_id in out:  # still throttled after its retries: unexercised, never violated
            continue
        for node in nodes:
            job.runs[node.name] += 1
            info = node.failure_info
            if info is None or job.known(info.failure, node.name):
                continue
            job.failed[node.name] += 1
            try:
                data = recorder.find_failure_data(parent_id=case_id, failure=info.failure)
                curl = plain_curl(data.case, data.headers, job.secrets)
            except (KeyError, AssertionError):  # no answer recorded: Schemathesis's own line will do
                curl = info.code_sample
            job.fail(node.name, info.failure, curl)
    job.say(f"{event.phase.value} phase: {result.requests} requests, {sum(job.failed.values())} failed checks")
