"""One run, step by step: preflight, survey, edge requests, Schemathesis's phases, verdicts."""

from __future__ import annotations

import time
from dataclasses import replace

from mockserver.contract.checks import CHECK_NAMES, applicable_checks
from mockserver.contract.credentials.tokens import TokenError, Tokens
from mockserver.contract.interrupt import interruptible
from mockserver.contract.options import FuzzOptions, selects, shard_seed
from mockserver.contract.requests.edges import edges
from mockserver.contract.requests.steering import steering
from mockserver.contract.results import CheckResult, RunResult, Verdict
from mockserver.contract.runner.edge_sending import edge_senders, shard_part
from mockserver.contract.runner.headers import run_headers, token_source
from mockserver.contract.runner.job import Job, Listener, Progress
from mockserver.contract.runner.preflight import connected, fetch_body, held_to, inapplicable_checks
from mockserver.contract.schemathesis.curl import Secrets
from mockserver.contract.schemathesis.driving import fuzz
from mockserver.contract.schemathesis.edge_scenario import send_edges
from mockserver.contract.schemathesis.hooks import steer_cases
from mockserver.contract.schemathesis.loading import UnusableTargetError, choose_checks, open_session, spend_at_most
from mockserver.contract.schemathesis.state import RunState, activated
from mockserver.contract.schemathesis.types import Schema
from mockserver.contract.target.profile import profile
from mockserver.contract.target.survey import Landscape, survey
from mockserver.core.tokens import mint_token

__all__ = ["Listener", "Progress", "run"]

_SEMANTIC = set(CHECK_NAMES)
Names = tuple[str, ...]


def run(options: FuzzOptions, progress: Progress | None = None, listener: Listener | None = None) -> RunResult:
    """Test ``options.target`` against the spec of ``options.api``; never raises for a misbehaving target.

    ``listener`` gets every event of the run (Schemathesis's engine events, and one scenario for the edge
    requests), e.g. Schemathesis's report writers. Ctrl-C (KeyboardInterrupt) stops the run: the result then says
    ``interrupted`` and holds what ran.
    """
    started = time.monotonic()
    result = RunResult(api=options.api, target=options.target, seed=options.seed, shard=options.shard)
    session = open_session(options)
    job = Job(options, result, session, progress or (lambda _text: None), listener or (lambda _event: None))
    try:
        with interruptible():
            _run(job, started)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        if session is not None:
            if session.tokens is not None and session.tokens.lost is not None and result.fatal is None:
                result.fatal = session.tokens.refused()  # never a green run
            result.sent = session.sent
            result.retried, result.given_up = session.pacer.stats.retried, session.pacer.stats.given_up
            session.close()
    result.elapsed = time.monotonic() - started
    return result


def _chosen(options: FuzzOptions, schema: Schema, names: Names, inapplicable: dict[str, str]) -> Names:
    """The run's semantic checks and Schemathesis's, as --checks, --exclude-checks and --max-response-time say;
    --max-failures stops the engine too."""
    # Every check whose rule this API does not state is left out too, so that Schemathesis's own reports (its
    # HTML's list of checks) count the checks the console, JUnit and the semantic report count.
    absent = [name for name in CHECK_NAMES if name not in names]
    choose_checks(schema, options, sorted({*inapplicable, *absent, *options.exclude_checks}))
    return tuple(n for n in names if n not in inapplicable and selects(options, n))


def _run(job: Job, started: float) -> None:
    options, result = job.options, job.result
    prof = profile(options.api)
    try:
        tokens = Tokens.start(options.token, token_source(options))
    except TokenError as exc:
        result.fatal = f"no token to start with: {exc}"
        return
    if job.session is not None:
        job.session.tokens = tokens
    token = tokens.token if tokens is not None else mint_token(prof.scopes)
    headers = job.headers = run_headers(options, prof, token)
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
        schema, op, call = connected(job, prof, headers)
    except UnusableTargetError as exc:
        result.fatal = str(exc)
        return
    mock_rules = result.target_kind == "mock"
    prof, credentials = held_to(job, prof, call, mock_rules)
    job.say("surveying the data")
    land = survey(prof, fetch_body(call, result.errors))
    result.survey_records = len(land.records)
    seed = shard_seed(options.seed, options.shard)
    steer_cases(schema, steering(prof, land, seed, mock_rules=mock_rules))
    names = applicable_checks(prof)
    inapplicable = {} if mock_rules else inapplicable_checks(prof, names, credentials.unscoped)
    inapplicable = {n: why for n, why in inapplicable.items() if selects(options, n)}
    names = _chosen(options, schema, names, inapplicable)
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
            part = shard_part(planned, options.shard)
            send_edges(job, op, edge_senders(op, call, result.errors, job.session, options.timeout, part), names)
            if result.stopped is None:
                if options.max_time is not None:  # the budget left for fuzzing, after the survey and the edges
                    spend_at_most(schema, max(1, round(options.max_time - (time.monotonic() - started))))
                fuzz(job, schema)
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
