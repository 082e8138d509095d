"""Run one contract test: check the credentials, survey the data, fuzz with Schemathesis, gather the verdicts."""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

from mockserver.apis import table
from mockserver.contract.bounded import BoundedSession, Limits, describe_error, origin_of, reached
from mockserver.contract.checks import CHECK_NAMES, applicable_checks
from mockserver.contract.edges import Edge, edges, with_baseline
from mockserver.contract.engine import BoundedEngine, bind, probe
from mockserver.contract.landscape import Landscape, survey, wide_query
from mockserver.contract.options import DEFAULT_SESSION_TOKEN, FuzzOptions
from mockserver.contract.profiles import ApiProfile, profile
from mockserver.contract.results import CheckResult, FailureReport, RunResult, Verdict
from mockserver.contract.state import RunState, activated, active
from mockserver.contract.steering import steering_hook
from mockserver.contract.types import Operation
from mockserver.core.openapi import Param, SpecError
from mockserver.core.tokens import mint_token

__all__ = ["Progress", "run"]

Progress = Callable[[str], None]
UNSCOPED = ("openid",)
_SEMANTIC = set(CHECK_NAMES)
# Schemathesis's checks that judge any answer, whatever the request (the edges are sent outside its phases).
EDGE_BUILTINS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


class UnusableTargetError(Exception):
    """The target cannot be tested: unreachable, credentials rejected, or not serving the operation."""


def _session_headers(prof: ApiProfile) -> tuple[Param, ...]:
    """Required headers of no fixed value (a session token): any non-blank value the target accepts."""
    return tuple(p for p in prof.params if p.free_header)


def _headers(options: FuzzOptions, prof: ApiProfile, token: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    for param in _session_headers(prof):
        headers[param.name] = options.session_token or DEFAULT_SESSION_TOKEN
    headers.update(prof.fixed_headers())
    headers.update(dict(options.headers))
    return headers


def _schema(options: FuzzOptions, headers: dict[str, str], session: BoundedSession | None) -> BaseSchema:
    try:
        raw = copy.deepcopy(dict(table(options.api).spec.document))
        config = SchemathesisConfig()
        config.cache.enabled = False  # no replay of (nor writing to) a .schemathesis/ folder: same seed, same run
        schema = schemathesis.openapi.from_dict(raw, config=config)
    except (SpecError, schemathesis.errors.LoaderError) as exc:
        raise UnusableTargetError(f"bad spec for {options.api}: {exc}") from None
    if options.app is not None:
        schema.app = options.app
    elif session is not None:
        bind(schema, session)
    schema.config.update(
        base_url=options.target.rstrip("/"),
        headers=headers,
        request_timeout=options.timeout,
        continue_on_failure=True,
        workers=1,
    )
    schema.config.seed = options.seed
    schema.config.phases.update(phases=list(options.phases))
    schema.config.output.sanitization.update(enabled=False)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=options.max_examples,
        database="none",
    )
    return schema


def _operation(schema: BaseSchema) -> Operation:
    found: Operation = next(iter(schema.get_all_operations())).ok()  # type: ignore[union-attr]
    return found


def _session(options: FuzzOptions) -> BoundedSession | None:
    """The session all the run's requests go through; None in-process (an ASGI app has no network to bound)."""
    if options.app is not None:
        return None
    return BoundedSession(Limits(timeout=options.timeout, max_body=options.max_body, origin=origin_of(options.target)))


def _caller(
    op: Operation, options: FuzzOptions, headers: dict[str, str], session: BoundedSession | None
) -> Callable[[dict[str, Any]], Any]:
    def call(query: dict[str, Any]) -> Any:
        return op.Case(query=query, headers=dict(headers)).call(session=session, timeout=options.timeout)

    return call


def _preflight(prof: ApiProfile, call: Callable[[dict[str, Any]], Any], options: FuzzOptions) -> None:
    """One request with the run's credentials: it must be answered, and not with 401, 403 or 404."""
    query: dict[str, Any] = {**wide_query(prof), prof.size_param: 1}
    try:
        response = call(query)
    except Exception as exc:
        if reached(exc):
            raise UnusableTargetError(
                f"no usable answer from {options.target} to the credentials check: {describe_error(exc)}"
            ) from None
        raise UnusableTargetError(f"cannot reach {options.target}: {describe_error(exc)}") from None
    status = response.status_code
    if status in (401, 403):
        which = "--token" if options.token else "the development token"
        raise UnusableTargetError(
            f"{options.target} rejected {which} with {status} on the credentials check: "
            "give a token that the target accepts"
        )
    if status in (404, 405):
        where = table(prof.api).base_path
        hint = f", e.g. {where} where the mock serves it" if where else ""
        raise UnusableTargetError(
            f"{options.target} answered {status}: no {prof.api} operation there (is the base path in --target{hint}?)"
        )


def _fetch_body(
    call: Callable[[dict[str, Any]], Any], errors: list[str], what: str = "survey request"
) -> Callable[[dict[str, Any]], Any]:
    """The body of a 200 (else None); a network error after the credentials check is one of the run's errors."""

    def fetch(query: dict[str, Any]) -> Any:
        try:
            response = call(query)
        except requests.RequestException as exc:
            errors.append(f"{what} (page {query.get('page')}): {describe_error(exc)}")
            return None
        try:
            return response.json() if response.status_code == 200 else None
        except ValueError:
            return None

    return fetch


def _mask(text: str, options: FuzzOptions, headers: dict[str, str]) -> str:
    if options.reveal_credentials:
        return text
    token = headers["Authorization"].removeprefix("Bearer ")
    text = text.replace(f"'Authorization: Bearer {token}'", '"Authorization: Bearer $MOCKSERVER_TOKEN"')
    for param in _session_headers(profile(options.api)):
        if options.session_token:
            text = text.replace(
                f"'{param.name}: {options.session_token}'", f'"{param.name}: $MOCKSERVER_SESSION_TOKEN"'
            )
    return text.replace(token, "$MOCKSERVER_TOKEN")


def run(options: FuzzOptions, progress: Progress | None = None) -> RunResult:
    """Test ``options.target`` against the spec of ``options.api``; never raises for a misbehaving target.

    Ctrl-C (KeyboardInterrupt) stops the run: the result then says ``interrupted`` and holds what ran.
    """
    started = time.monotonic()
    result = RunResult(api=options.api, target=options.target, seed=options.seed)
    session = _session(options)
    try:
        _run(options, result, session, progress or (lambda _text: None))
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if session is not None:
            result.sent = session.sent
            session.close()
    result.elapsed = time.monotonic() - started
    return result


def _run(options: FuzzOptions, result: RunResult, session: BoundedSession | None, say: Progress) -> None:
    prof = profile(options.api)
    token = options.token or mint_token(prof.scopes)
    minted = mint_token(UNSCOPED) if options.token is None else None
    unscoped = (options.unscoped_token or minted) if prof.scopes else None  # only where the spec requires a scope
    headers = _headers(options, prof, token)
    try:
        schema = _schema(options, headers, session)
        op = _operation(schema)
        call = _caller(op, options, headers, session)
        say("checking the credentials")
        _preflight(prof, call, options)
    except UnusableTargetError as exc:
        result.fatal = str(exc)
        return
    say("surveying the data")
    land = survey(prof, _fetch_body(call, result.errors))
    result.survey_records = len(land.records)
    schema.hook(steering_hook(prof, land, options.seed))
    names = applicable_checks(prof)
    state = RunState(profile=prof, landscape=land, headers=headers, unscoped_token=unscoped, session=session)
    runs: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    try:
        with activated(schema, state):
            say("sending the edge requests")
            _send_edges(
                op,
                call,
                edges(prof, land, headers, unscoped, time.time()),
                options,
                session,
                result,
                runs,
                failed,
                headers,
                names,
            )
            if result.stopped is None:
                _fuzz(schema, session, result, runs, failed, options, headers, say)
    finally:  # also when interrupted: the verdicts cover what ran
        for name in sorted(runs, key=lambda n: (n in _SEMANTIC, n)):
            if name in _SEMANTIC and name not in names:
                continue
            result.checks.append(
                CheckResult(
                    name=name,
                    semantic=name in _SEMANTIC,
                    runs=runs[name],
                    fired=state.fired[name],
                    failures=failed[name],
                )
            )
        result.checks.extend(
            CheckResult(name=n, semantic=True, runs=0, fired=0, failures=0) for n in names if n not in runs
        )
        why = _unexercised_reason(result, land)
        result.checks = [replace(c, reason=why) if c.verdict is Verdict.NOT_EXERCISED else c for c in result.checks]
        result.coverage = state.coverage


def _unexercised_reason(result: RunResult, land: Landscape) -> str:
    if not land.records:
        return (
            "no answer gave it anything to verify: the survey found no records in the widest window, so no "
            "request could reach the records this rule is about"
        )
    return (
        f"no answer gave it anything to verify ({len(land.records)} records surveyed, {result.requests} "
        "requests): the target never answered a request this rule is about"
    )


def _edge_checks(names: tuple[str, ...]) -> list[Any]:
    load_all_checks()
    wanted = set(names) | set(EDGE_BUILTINS)
    return [c for c in CHECKS.get_all() if not isinstance(c, type) and c.__name__ in wanted]


def _send_edges(
    op: Operation,
    call: Callable[[dict[str, Any]], Any],
    planned: list[Edge],
    options: FuzzOptions,
    session: BoundedSession | None,
    result: RunResult,
    runs: Counter[str],
    failed: Counter[str],
    headers: dict[str, str],
    names: tuple[str, ...],
) -> None:
    """Send every edge request and judge each answer with the run's checks, as Schemathesis would."""
    checks = _edge_checks(names)
    baseline = _fetch_body(call, result.errors, "baseline request")
    bodies: dict[str, Any] = {}
    transport = {"session": session} if session is not None else {}
    for planned_edge in planned:
        edge = planned_edge
        if edge.baseline is not None:  # sent with the run's own headers, like the edge
            key = repr(sorted(edge.baseline.items(), key=str))
            if key not in bodies:
                bodies[key] = baseline(dict(edge.baseline))
            if bodies[key] is None:
                continue
            edge = with_baseline(edge, bodies[key])
        case = op.Case(query=dict(edge.query), headers=dict(edge.headers))
        state = active(case)
        if edge.expectation is not None and state is not None:
            state.expectations[case.id] = edge.expectation
        try:
            response = case.call(session=session, timeout=options.timeout, headers=dict(edge.headers))
        except requests.exceptions.InvalidHeader:
            continue  # a header value this HTTP client cannot send: nothing to learn from it
        except requests.RequestException as exc:
            result.errors.append(f"edge request ({describe_error(exc)})")
            result.stopped = "the run stopped at its first network error"
            return
        except Exception as exc:  # an in-process app that raises: the target failed this request
            result.errors.append(
                f"edge request {case.as_curl_command(headers=dict(edge.headers))}: the target "
                f"raised {type(exc).__name__}: {exc}"
            )
            continue
        result.requests += 1
        for check in checks:
            name = check.__name__
            runs[name] += 1
            try:
                case.validate_response(
                    response, checks=[check], headers=dict(edge.headers), transport_kwargs=dict(transport)
                )
            except (FailureGroup, Failure) as exc:
                failed[name] += 1
                curl = _mask(case.as_curl_command(headers=dict(edge.headers)), options, headers)
                for failure in exc.exceptions if isinstance(exc, FailureGroup) else (exc,):
                    _add_failure(result, name, failure, curl)


def _add_failure(result: RunResult, name: str, failure: Failure, curl: str) -> None:
    """One failure of check ``name``, reported once however often it was met."""
    report = FailureReport(check=name, title=failure.title, message=failure.message, curl=curl)
    if report not in result.failures:
        result.failures.append(report)


def _fuzz(
    schema: BaseSchema,
    session: BoundedSession | None,
    result: RunResult,
    runs: Counter[str],
    failed: Counter[str],
    options: FuzzOptions,
    headers: dict[str, str],
    say: Progress,
) -> None:
    if session is None:
        stream = from_schema(schema).execute()
    else:
        if not result.errors:  # after a failed survey the probes would most likely wait out their timeouts too
            probe(schema, session)
        stream = BoundedEngine(schema, session).execute()
    try:
        for event in stream:
            if isinstance(event, events.Interrupted | events.EngineFinished) and result.stopped is not None:
                continue  # the stop asked for below, not a Ctrl-C
            if isinstance(event, events.Interrupted):
                result.interrupted = True
            _absorb(event, result, runs, failed, options, headers, say)
            if isinstance(event, events.NonFatalError) and isinstance(event.value, requests.RequestException):
                # A network error ends the operation for Schemathesis, and a run tests one operation: stop
                # here rather than wait out a timeout again in every later phase.
                result.stopped = "the run stopped at its first network error"
                stream.stop()
    except KeyboardInterrupt:
        stream.stop()
        raise


def _absorb(
    event: events.EngineEvent,
    result: RunResult,
    runs: Counter[str],
    failed: Counter[str],
    options: FuzzOptions,
    headers: dict[str, str],
    say: Progress,
) -> None:
    if isinstance(event, events.PhaseStarted):
        say(f"{event.phase.name.value} phase")
    elif isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        result.requests += len(recorder.interactions)
        for nodes in recorder.checks.values():
            for node in nodes:
                runs[node.name] += 1
                if node.failure_info is not None:
                    failed[node.name] += 1
                    _add_failure(
                        result,
                        node.name,
                        node.failure_info.failure,
                        _mask(node.failure_info.code_sample, options, headers),
                    )
        say(f"{event.phase.value} phase: {result.requests} requests, {sum(failed.values())} failed checks")
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
    elif isinstance(event, events.EngineFinished) and event.stop_reason.skip_explanation and not result.interrupted:
        result.errors.append(f"the run stopped early: {event.stop_reason.skip_explanation}")
