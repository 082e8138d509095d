"""The schema Schemathesis fuzzes with, the run's session and baseline, and how it calls the operation."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from schemathesis.baseline import Baseline
from schemathesis.cli.events import LoadingFinished
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from mockserver.apis import table
from mockserver.contract.options import FuzzOptions, shard_seed
from mockserver.contract.schemathesis.engine import bind
from mockserver.contract.schemathesis.pacing import Pacer
from mockserver.contract.schemathesis.transport import BoundedSession, Limits, origin_of
from mockserver.contract.schemathesis.types import Case, Event, Failure, Operation
from mockserver.core.openapi import SpecError, api_only

__all__ = [
    "Call",
    "UnusableTargetError",
    "accepted",
    "build_schema",
    "caller",
    "choose_checks",
    "first_operation",
    "load_baseline",
    "loaded",
    "open_session",
    "send_case",
    "spend_at_most",
]


class UnusableTargetError(Exception):
    """The target cannot be tested: unreachable, credentials rejected, or not serving the operation."""


def build_schema(
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
    if options.app is None and session is not None:
        bind(schema, session, options.max_examples)
    return schema


def choose_checks(schema: BaseSchema, options: FuzzOptions, excluded: list[str]) -> None:
    """The checks Schemathesis's phases run, as --checks, --exclude-checks and --max-response-time say, less
    ``excluded``; --max-failures stops the engine too."""
    schema.config.checks.update(
        included_check_names=list(options.checks) or None,
        excluded_check_names=excluded,
        max_response_time=options.max_response_time,
    )
    if options.max_failures is not None:
        schema.config.max_failures = options.max_failures


def spend_at_most(schema: BaseSchema, seconds: int) -> None:
    """The time Schemathesis's phases may take (the run's --max-time, less what ran before them)."""
    schema.config.max_time = seconds


def load_baseline(schema: BaseSchema) -> Baseline | None:
    """The accepted known failures of ``--baseline`` (a file that does not exist yet is written after the run)."""
    try:
        found: Baseline | None = schema.config.load_baseline()
    except (OSError, ValueError) as exc:
        raise UnusableTargetError(f"cannot read the baseline file {schema.config.baseline}: {exc}") from None
    return found


def loaded(schema: BaseSchema, location: str, base_url: str) -> Event:
    """The event that starts a run for Schemathesis's report writers, as ``st run`` emits it once its schema is
    loaded."""
    found: Event = LoadingFinished.from_schema(schema, location=location, start_time=time.time(), base_url=base_url)
    return found


def accepted(baseline: Baseline | None, failure: Failure, name: str) -> bool:
    """Whether ``baseline`` (the ``--baseline`` file's failures) accepts this failure of check ``name``."""
    return baseline is not None and baseline.match(failure, name) is not None


def first_operation(schema: BaseSchema) -> Operation:
    found: Operation = next(iter(schema.get_all_operations())).ok()  # type: ignore[union-attr]
    return found


def open_session(options: FuzzOptions) -> BoundedSession | None:
    """The session all the run's requests go through; None in-process (an ASGI app has no network to bound)."""
    if options.app is not None:
        return None
    cert: str | tuple[str, str] | None = options.request_cert
    if options.request_cert and options.request_cert_key:
        cert = (options.request_cert, options.request_cert_key)
    limits = Limits(
        timeout=options.timeout,
        max_body=options.max_body,
        origin=origin_of(options.target),
        verify=options.tls_verify,
        cert=cert,
        proxy=options.request_proxy,
    )
    return BoundedSession(limits, Pacer(options.rate_limit), options.workers)


Call = Callable[..., Any]  # (query, headers=None) -> the answer; the run's headers when None


def send_case(
    op: Operation, query: dict[str, Any], headers: dict[str, str], session: BoundedSession | None, timeout: float
) -> tuple[Case, Any, Exception | None]:
    """One request of the operation, sent as is: its case, and the answer or the error (a target that raises
    in-process, a network error), for the caller to judge."""
    case = op.Case(query=dict(query), headers=dict(headers))
    try:
        return case, case.call(session=session, timeout=timeout, headers=dict(headers)), None
    except Exception as exc:  # judged in order by the caller
        return case, None, exc


def caller(op: Operation, options: FuzzOptions, headers: dict[str, str], session: BoundedSession | None) -> Call:
    def call(query: dict[str, Any], other: dict[str, str] | None = None) -> Any:
        if other is None:
            return op.Case(query=query, headers=dict(headers)).call(session=session, timeout=options.timeout)
        return op.Case(query=query, headers=dict(other)).call(
            session=session, timeout=options.timeout, headers=dict(other)
        )

    return call
