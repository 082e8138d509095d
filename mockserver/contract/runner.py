"""Run one contract test: check the credentials, survey the data, fuzz with Schemathesis, gather the verdicts."""

from __future__ import annotations

import contextlib
import copy
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.baseline import Baseline
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.checks import CheckResult as CheckOutcome
from schemathesis.cli.events import LoadingFinished
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.engine import Status, StopReason, events, from_schema
from schemathesis.engine.recorder import ReproductionStep, ScenarioRecorder
from schemathesis.engine.run import PhaseName
from schemathesis.schemas import BaseSchema

from mockserver.apis import table
from mockserver.contract.checks import CHECK_NAMES, MOCK_CHECKS, RULES, applicable_checks
from mockserver.contract.options import DEFAULT_SESSION_TOKEN, FuzzOptions, TargetKind, shard_seed
from mockserver.contract.requests.edges import Credentials, Edge, edges, with_baseline
from mockserver.contract.requests.identity import in_process_get
from mockserver.contract.requests.steering import steering_hook
from mockserver.contract.results import CheckResult, FailureReport, RunResult, Verdict
from mockserver.contract.schemathesis.curl import Secrets, plain_curl
from mockserver.contract.schemathesis.engine import BoundedEngine, bind, probe
from mockserver.contract.schemathesis.state import RunState, activated, active
from mockserver.contract.schemathesis.transport import BoundedSession, Limits, describe_error, origin_of, reached
from mockserver.contract.schemathesis.types import Case, Operation
from mockserver.contract.target.profile import ApiProfile, profile
from mockserver.contract.target.survey import Landscape, survey, wide_query
from mockserver.core.identity import IDENTITY_PATH, says_mock
from mockserver.core.openapi import Param, SpecError, api_only
from mockserver.core.tokens import mint_token

__all__ = ["Listener", "Progress", "run"]

Progress = Callable[[str], None]
Listener = Callable[[events.EngineEvent], None]  # gets every event of the run, as st run's handlers do
UNSCOPED = ("openid",)
LEARN_SIZE = 1000  # the page size asked of a deployment to learn its cap
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


def _schema(
    options: FuzzOptions, headers: dict[str, str], session: BoundedSession | None, *, mock_rules: bool = True
) -> BaseSchema:
    """The schema Schemathesis fuzzes with: the spec, less the mock's own decisions unless the target is the mock."""
    try:
        document = table(options.api).spec.document
        raw = copy.deepcopy(dict(document)) if mock_rules else api_only(document)
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
    schema.config.seed = shard_seed(options.seed, options.shard)
    schema.config.phases.update(phases=list(options.phases))
    # Schemathesis's reports filter credentials; the contract tester's own curl lines name them as shell variables
    # (curl.Secrets).
    schema.config.output.sanitization.update(enabled=not options.reveal_credentials)
    if options.baseline is not None:
        schema.config.baseline = str(options.baseline)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=options.max_examples,
        database="none",
    )
    return schema


def _baseline(schema: BaseSchema) -> Baseline | None:
    """The accepted known failures of ``--baseline`` (a file that does not exist yet is written after the run)."""
    try:
        found: Baseline | None = schema.config.load_baseline()
    except (OSError, ValueError) as exc:
        raise UnusableTargetError(f"cannot read the baseline file {schema.config.baseline}: {exc}") from None
    return found


def _operation(schema: BaseSchema) -> Operation:
    found: Operation = next(iter(schema.get_all_operations())).ok()  # type: ignore[union-attr]
    return found


def _session(options: FuzzOptions) -> BoundedSession | None:
    """The session all the run's requests go through; None in-process (an ASGI app has no network to bound)."""
    if options.app is not None:
        return None
    return BoundedSession(Limits(timeout=options.timeout, max_body=options.max_body, origin=origin_of(options.target)))


Call = Callable[..., Any]  # (query, headers=None) -> the answer; the run's headers when None


def _caller(op: Operation, options: FuzzOptions, headers: dict[str, str], session: BoundedSession | None) -> Call:
    def call(query: dict[str, Any], other: dict[str, str] | None = None) -> Any:
        if other is None:
            return op.Case(query=query, headers=dict(headers)).call(session=session, timeout=options.timeout)
        return op.Case(query=query, headers=dict(other)).call(
            session=session, timeout=options.timeout, headers=dict(other)
        )

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


@dataclass
class _Run:
    """What one run's steps share: its options, verdict tallies, secrets, baseline and listener."""

    options: FuzzOptions
    result: RunResult
    session: BoundedSession | None
    say: Progress
    emit: Listener
    headers: dict[str, str] = field(default_factory=dict)
    secrets: Secrets = field(default_factory=Secrets)
    baseline: Baseline | None = None
    runs: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def known(self, failure: Failure, name: str) -> bool:
        """A failure the ``--baseline`` file accepts: reported by Schemathesis's writers, not a violation."""
        return self.baseline is not None and self.baseline.match(failure, name) is not None

    def fail(self, name: str, failure: Failure, curl: str) -> None:
        """One failure of check ``name``, titled by the rule its check verifies, reported once however often it
        was met."""
        title = RULES.get(name, failure.title) if failure.title == name else failure.title  # the rule, said once
        report = FailureReport(check=name, title=title, message=failure.message, curl=curl)
        if report not in self.result.failures:
            self.result.failures.append(report)


def run(options: FuzzOptions, progress: Progress | None = None, listener: Listener | None = None) -> RunResult:
    """Test ``options.target`` against the spec of ``options.api``; never raises for a misbehaving target.

    ``listener`` gets every event of the run (Schemathesis's engine events, and one scenario for the edge
    requests), e.g. Schemathesis's report writers. Ctrl-C (KeyboardInterrupt) stops the run: the result then says
    ``interrupted`` and holds what ran.
    """
    started = time.monotonic()
    result = RunResult(api=options.api, target=options.target, seed=options.seed, shard=options.shard)
    session = _session(options)
    job = _Run(options, result, session, progress or (lambda _text: None), listener or (lambda _event: None))
    try:
        _run(job, started)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if session is not None:
            result.sent = session.sent
            session.close()
    result.elapsed = time.monotonic() - started
    return result


def _run(job: _Run, started: float) -> None:
    options, result = job.options, job.result
    prof = profile(options.api)
    token = options.token or mint_token(prof.scopes)
    headers = job.headers = _headers(options, prof, token)
    job.secrets = Secrets.of(
        {
            "MOCKSERVER_TOKEN": token,
            "MOCKSERVER_UNSCOPED_TOKEN": options.unscoped_token,
            "MOCKSERVER_EXPIRED_TOKEN": options.expired_token,
            "MOCKSERVER_SESSION_TOKEN": options.session_token,
        },
        reveal=options.reveal_credentials,
    )
    try:
        schema, op, call = _connected(job, prof, headers)
    except UnusableTargetError as exc:
        result.fatal = str(exc)
        return
    mock_rules = result.target_kind == "mock"
    prof, credentials = _held_to(job, prof, call, mock_rules)
    job.say("surveying the data")
    land = survey(prof, _fetch_body(call, result.errors))
    result.survey_records = len(land.records)
    seed = shard_seed(options.seed, options.shard)
    schema.hook(steering_hook(prof, land, seed, mock_rules=mock_rules))
    names = applicable_checks(prof)
    inapplicable = {} if mock_rules else _inapplicable(prof, names, credentials.unscoped)
    names = tuple(n for n in names if n not in inapplicable)
    # Every check whose rule this API does not state is left out too, so that Schemathesis's own reports (its
    # HTML's list of checks) count the checks the console, JUnit and the semantic report count.
    absent = [name for name in CHECK_NAMES if name not in names]
    schema.config.checks.update(excluded_check_names=sorted({*inapplicable, *absent}))
    state = RunState(
        profile=prof,
        landscape=land,
        headers=headers,
        unscoped_token=credentials.unscoped,
        session=job.session,
        mock_rules=mock_rules,
    )
    try:
        with activated(schema, state):
            job.say("sending the edge requests")
            planned = edges(prof, land, headers, credentials, time.time(), mock_rules=mock_rules)
            _send_edges(job, op, call, _shard_part(planned, options.shard), names)
            if result.stopped is None:
                if options.max_time is not None:  # the budget left for fuzzing, after the survey and the edges
                    schema.config.max_time = max(1, round(options.max_time - (time.monotonic() - started)))
                _fuzz(job, schema)
    finally:  # also when interrupted: the verdicts cover what ran
        runs, failed = job.runs, job.failed
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
        result.checks.extend(
            CheckResult(name=n, semantic=True, runs=0, fired=0, failures=0, reason=why, applicable=False)
            for n, why in inapplicable.items()
        )
        why = _unexercised_reason(result, land)
        result.checks = [replace(c, reason=why) if c.verdict is Verdict.NOT_EXERCISED else c for c in result.checks]
        result.coverage = state.coverage
        result.reached = state.reached
        result.data_changes = state.data_changes()


def _location(spec: Path) -> str:
    """The spec's path as the reports name it: relative to the working directory when it lies under it (a
    checkout), else its folder and name (the installed package's ``spec/events.yaml``), never this machine's
    absolute path."""
    try:
        return str(spec.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return f"{spec.parent.name}/{spec.name}"


def _connected(job: _Run, prof: ApiProfile, headers: dict[str, str]) -> tuple[BaseSchema, Operation, Call]:
    """The schema, operation and caller of the run, once the target answered the run's credentials and the tester
    knows which rules it is held to (a deployment's schema lacks the mock's own decisions)."""
    options, result = job.options, job.result
    schema = _schema(options, headers, job.session)
    job.baseline = _baseline(schema)
    op = _operation(schema)
    call = _caller(op, options, headers, job.session)
    job.emit(
        LoadingFinished.from_schema(
            schema, location=_location(table(options.api).spec_path), start_time=time.time(), base_url=options.target
        )
    )
    job.say("checking the credentials")
    _preflight(prof, call, options)
    result.target_kind, result.kind_reason = _kind(options, prof, call, headers, job.session)
    if result.target_kind != "mock":
        schema = _schema(options, headers, job.session, mock_rules=False)
        op = _operation(schema)
        call = _caller(op, options, headers, job.session)
    return schema, op, call


def _held_to(job: _Run, prof: ApiProfile, call: Call, mock_rules: bool) -> tuple[ApiProfile, Credentials]:
    """The profile the target is judged by (a deployment's own page cap) and the tokens the run may judge with."""
    options, result = job.options, job.result
    if not mock_rules:
        prof = _learn_cap(prof, _fetch_body(call, result.errors, "page cap request"), result.learned)
    # Minted tokens judge the mock alone: a real server refuses them (no valid signature).
    minted = mint_token(UNSCOPED) if options.token is None and mock_rules else None
    unscoped = (options.unscoped_token or minted) if prof.scopes else None  # only where the spec requires a scope
    return prof, Credentials(unscoped, options.unscoped_token is not None, options.expired_token)


def _says_mock(options: FuzzOptions, session: BoundedSession | None) -> bool:
    """Whether the target's origin answers the mock's well-known route as the mock does."""
    url = origin_of(options.target).rstrip("/") + IDENTITY_PATH
    try:
        if options.app is not None:
            status, body = in_process_get(options.app, url)
        else:
            assert session is not None
            response = session.get(url, timeout=options.timeout, allow_redirects=False)
            status, body = response.status_code, response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return False
    return status == 200 and says_mock(body)


def _kind(
    options: FuzzOptions,
    prof: ApiProfile,
    call: Call,
    headers: dict[str, str],
    session: BoundedSession | None,
) -> tuple[TargetKind, str]:
    """Which rules the target is held to, and why: the mock's own decisions too, or the API's rules alone."""
    if options.target_kind is not None:
        return options.target_kind, "--target-kind"
    if not _says_mock(options, session):
        return "deployment", f"it does not answer {IDENTITY_PATH} as the mock does"
    if options.token is not None:  # the mock accepts every token it mints; a gateway in front of it may not
        minted = {**headers, "Authorization": f"Bearer {mint_token(prof.scopes)}"}
        query = {**wide_query(prof), prof.size_param: 1}
        try:
            status = call(query, minted).status_code
        except requests.RequestException:
            status = None
        if status in (401, 403):
            return "deployment", f"it answers {IDENTITY_PATH} as the mock does, but refuses the mock's own tokens"
    return "mock", f"it says so at {IDENTITY_PATH}"


def _learn_cap(prof: ApiProfile, fetch: Callable[[dict[str, Any]], Any], learned: list[str]) -> ApiProfile:
    """A deployment's page cap, as its answers show it (the documented value is the mock's): asked for pages of
    LEARN_SIZE, a first page that is shorter while a second one is not empty shows the cap."""
    query = {**wide_query(prof), prof.size_param: LEARN_SIZE, prof.page_param: 1}
    first = prof.items(fetch(query))
    if not first:
        learned.append(f"page cap: unknown (no records in the widest window); judged as at least {LEARN_SIZE}")
        return replace(prof, size_cap=LEARN_SIZE)
    if len(first) < LEARN_SIZE and prof.items(fetch({**query, prof.page_param: 2})):
        learned.append(
            f"page cap: {len(first)} ({prof.size_param}={LEARN_SIZE} was served {len(first)} records a page)"
        )
        return replace(prof, size_cap=len(first))
    learned.append(
        f"page cap: at least {len(first)} ({prof.size_param}={LEARN_SIZE} was served every record in one page)"
        if len(first) < LEARN_SIZE
        else f"page cap: at least {LEARN_SIZE}"
    )
    return replace(prof, size_cap=LEARN_SIZE)


def _inapplicable(prof: ApiProfile, names: tuple[str, ...], unscoped: str | None) -> dict[str, str]:
    """The checks a deployment is not held to, and why: their rules are the mock's own decisions, or the tokens
    they judge with were not given."""
    found = {name: why for name, why in MOCK_CHECKS.items() if name in names}
    if "scope_enforced" in names and unscoped is None:
        found["scope_enforced"] = "a deployment is judged with tokens it issued: give --unscoped-token to check it"
    return found


def _shard_part(planned: list[Edge], shard: tuple[int, int]) -> list[Edge]:
    """Shard I of N sends every Nth edge request, from the Ith: the N shards together send each once."""
    index, count = shard
    return planned[index - 1 :: count]


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
    job: _Run,
    op: Operation,
    call: Callable[[dict[str, Any]], Any],
    planned: list[Edge],
    names: tuple[str, ...],
) -> None:
    """Send every edge request and judge each answer with the run's checks, as Schemathesis would; the answers and
    verdicts go to the listener as one scenario, as the engine's phases report theirs."""
    recorder = ScenarioRecorder(label=op.label)
    started = time.monotonic()
    try:
        _send_edge_requests(job, op, call, planned, names, recorder)
    finally:
        if recorder.cases:
            status = Status.FAILURE if recorder.failing_case_ids() else Status.SUCCESS
            job.emit(
                events.ScenarioFinished(
                    id=uuid.uuid4(),
                    phase=PhaseName.COVERAGE,  # deterministic requests at the spec's edges, as the coverage phase's
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
    job: _Run,
    op: Operation,
    call: Callable[[dict[str, Any]], Any],
    planned: list[Edge],
    names: tuple[str, ...],
    recorder: ScenarioRecorder,
) -> None:
    options, result, session = job.options, job.result, job.session
    checks = _edge_checks(names)
    baseline = _fetch_body(call, result.errors, "baseline request")
    bodies: dict[str, Any] = {}
    transport = {"session": session} if session is not None else {}
    judged = [check.__name__ for check in checks]  # the semantic checks and the built-ins, by name
    outcomes: list[CheckOutcome] = []

    def collect(_context: Any, _case: Any, _response: Any, results: list[CheckOutcome]) -> None:
        outcomes.extend(results)

    # Schemathesis's own after_validate hook names each check's outcome, so that one validation per answer runs
    # every check (one check context per answer, not one per check), and each failure keeps its check's name.
    op.schema.hooks.register_hook_with_name(collect, "after_validate")
    try:
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
                    f"edge request {plain_curl(case, edge.headers, job.secrets)}: the target "
                    f"raised {type(exc).__name__}: {exc}"
                )
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
    finally:
        op.schema.hooks.unregister(collect)


def _judge(
    job: _Run,
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


def _fuzz(job: _Run, schema: BaseSchema) -> None:
    result, session = job.result, job.session
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
            job.emit(event)
            _absorb(job, event)
            if isinstance(event, events.NonFatalError) and isinstance(event.value, requests.RequestException):
                # A network error ends the operation for Schemathesis, and a run tests one operation: stop
                # here rather than wait out a timeout again in every later phase.
                result.stopped = "the run stopped at its first network error"
                stream.stop()
    except KeyboardInterrupt:
        stream.stop()
        raise


def _absorb(job: _Run, event: events.EngineEvent) -> None:
    result = job.result
    if isinstance(event, events.PhaseStarted):
        job.say(f"{event.phase.name.value} phase")
    elif isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        result.requests += len(recorder.interactions)
        result.timings.extend(
            (i.response.status_code, i.response.elapsed) for i in recorder.interactions.values() if i.response
        )
        for case_id, nodes in recorder.checks.items():
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
