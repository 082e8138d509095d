"""Run one contract test: check the credentials, survey the data, fuzz with Schemathesis, gather the verdicts."""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

from mockserver.contract.checks import AUTH_CHECKS, SEMANTIC_CHECKS, applicable_checks
from mockserver.contract.landscape import WIDE_WINDOW, survey
from mockserver.contract.options import DEFAULT_SESSION_TOKEN, FuzzOptions
from mockserver.contract.profiles import ApiProfile, profile
from mockserver.contract.results import CheckResult, FailureReport, RunResult
from mockserver.contract.state import RunState, activated
from mockserver.contract.steering import steering_hook
from mockserver.contract.types import Operation
from mockserver.specs import SpecError, load_spec
from mockserver.tokens import mint_token

__all__ = ["Progress", "run"]

Progress = Callable[[str], None]
SCOPE = "calendar.event.read"
UNSCOPED = ("openid",)
_SEMANTIC = {c.__name__ for c in (*SEMANTIC_CHECKS, *AUTH_CHECKS)}


class UnusableTargetError(Exception):
    """The target cannot be tested: unreachable, credentials rejected, or not serving the operation."""


def _headers(options: FuzzOptions, prof: ApiProfile, token: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if prof.api == "interventions":
        headers["x-session-token"] = options.session_token or DEFAULT_SESSION_TOKEN
    headers.update(dict(prof.required_headers))
    headers.update(dict(options.headers))
    return headers


def _schema(options: FuzzOptions, headers: dict[str, str]) -> BaseSchema:
    try:
        raw = copy.deepcopy(load_spec(options.api))
        schema = schemathesis.openapi.from_dict(raw, config=SchemathesisConfig())
    except (SpecError, schemathesis.errors.LoaderError) as exc:
        raise UnusableTargetError(f"bad spec for {options.api}: {exc}") from None
    if options.app is not None:
        schema.app = options.app
    schema.config.update(base_url=options.target.rstrip("/"), headers=headers, request_timeout=options.timeout,
                         continue_on_failure=True, workers=1)
    schema.config.seed = options.seed
    schema.config.phases.update(phases=list(options.phases))
    schema.config.output.sanitization.update(enabled=False)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=options.max_examples, database="none",
    )
    return schema


def _operation(schema: BaseSchema) -> Operation:
    found: Operation = next(iter(schema.get_all_operations())).ok()  # type: ignore[union-attr]
    return found


def _caller(op: Operation, options: FuzzOptions, headers: dict[str, str]) -> Callable[[dict[str, Any]], Any]:
    def call(query: dict[str, Any]) -> Any:
        return op.Case(query=query, headers=dict(headers)).call(timeout=options.timeout)

    return call


def _preflight(prof: ApiProfile, call: Callable[[dict[str, Any]], Any], options: FuzzOptions) -> None:
    """One request with the run's credentials: it must be answered, and not with 401, 403 or 404."""
    query: dict[str, Any] = {prof.lower: WIDE_WINDOW[0], prof.upper: WIDE_WINDOW[1], prof.size_param: 1}
    if prof.api == "interventions":
        query["includeSites"] = "false"
    try:
        response = call(query)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnusableTargetError(f"cannot reach {options.target}: {type(exc).__name__}: {reason}") from None
    status = response.status_code
    if status in (401, 403):
        which = "--token" if options.token else "the development token"
        raise UnusableTargetError(f"{options.target} rejected {which} with {status} on the credentials check: "
                       "give a token that the target accepts")
    if status in (404, 405):
        raise UnusableTargetError(f"{options.target} answered {status}: no {prof.api} operation there "
                       "(is the base path in --target, e.g. /main for interventions?)")


def _fetch_body(call: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    def fetch(query: dict[str, Any]) -> Any:
        try:
            response = call(query)
            return response.json() if response.status_code == 200 else None
        except Exception:
            return None

    return fetch


def _mask(text: str, options: FuzzOptions, headers: dict[str, str]) -> str:
    if options.reveal_credentials:
        return text
    token = headers["Authorization"].removeprefix("Bearer ")
    text = text.replace(f"'Authorization: Bearer {token}'", '"Authorization: Bearer $MOCKSERVER_TOKEN"')
    if options.session_token:
        text = text.replace(f"'x-session-token: {options.session_token}'",
                            '"x-session-token: $MOCKSERVER_SESSION_TOKEN"')
    return text.replace(token, "$MOCKSERVER_TOKEN")


def run(options: FuzzOptions, progress: Progress | None = None) -> RunResult:
    """Test ``options.target`` against the spec of ``options.api``; never raises for a misbehaving target."""
    started = time.monotonic()
    result = RunResult(api=options.api, target=options.target, seed=options.seed)
    say = progress or (lambda _text: None)
    prof = profile(options.api)
    token = options.token or mint_token((SCOPE,))
    minted = mint_token(UNSCOPED) if options.token is None and prof.requires_scope else None
    unscoped = options.unscoped_token or minted
    headers = _headers(options, prof, token)
    try:
        schema = _schema(options, headers)
        call = _caller(_operation(schema), options, headers)
        say("checking the credentials")
        _preflight(prof, call, options)
    except UnusableTargetError as exc:
        result.fatal = str(exc)
        return result
    say("surveying the data")
    land = survey(prof, _fetch_body(call))
    result.survey_records = len(land.records)
    schema.hook(steering_hook(prof, land, options.seed))
    names = applicable_checks(options.api, unscoped=unscoped is not None)
    state = RunState(profile=prof, landscape=land, headers=headers, unscoped_token=unscoped, applicable=names)
    runs: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    with activated(schema, state):
        for event in from_schema(schema).execute():
            _absorb(event, result, runs, failed, options, headers, say)
    for name in sorted(runs, key=lambda n: (n in _SEMANTIC, n)):
        if name in _SEMANTIC and name not in names:
            continue
        result.checks.append(CheckResult(name=name, semantic=name in _SEMANTIC, runs=runs[name],
                                         fired=state.fired[name], failures=failed[name]))
    result.checks.extend(CheckResult(name=n, semantic=True, runs=0, fired=0, failures=0)
                         for n in names if n not in runs)
    result.coverage = state.coverage
    result.elapsed = time.monotonic() - started
    return result


def _absorb(event: events.EngineEvent, result: RunResult, runs: Counter[str], failed: Counter[str],
            options: FuzzOptions, headers: dict[str, str], say: Progress) -> None:
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
                    failure = node.failure_info.failure
                    report = FailureReport(check=node.name, title=failure.title, message=failure.message,
                                           curl=_mask(node.failure_info.code_sample, options, headers))
                    if report not in result.failures:
                        result.failures.append(report)
        say(f"{event.phase.value} phase: {result.requests} requests, {sum(failed.values())} failed checks")
    elif isinstance(event, events.NonFatalError):
        detail = (str(event.value).strip().splitlines() or [type(event.value).__name__])[0]
        result.errors.append(f"{event.label}: {event.info.title}: {detail}")
    elif isinstance(event, events.FatalError):
        result.errors.append(f"internal error: {event.exception!r}")
    elif isinstance(event, events.EngineFinished) and event.stop_reason.skip_explanation:
        result.errors.append(f"the run stopped early: {event.stop_reason.skip_explanation}")
