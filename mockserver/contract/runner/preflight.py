"""Before any case: the target answers the run's credentials, which rules it is held to, its page cap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

from mockserver.apis import table
from mockserver.contract.checks import MOCK_CHECKS
from mockserver.contract.options import FuzzOptions, TargetKind
from mockserver.contract.requests.edge import Credentials
from mockserver.contract.requests.identity import in_process_get
from mockserver.contract.runner.job import Job
from mockserver.contract.schemathesis.loading import (
    Call,
    UnusableTargetError,
    build_schema,
    caller,
    first_operation,
    load_baseline,
    loaded,
)
from mockserver.contract.schemathesis.pacing import given_up, throttled_line
from mockserver.contract.schemathesis.transport import BoundedSession, describe_error, origin_of, reached
from mockserver.contract.schemathesis.types import Operation, Schema
from mockserver.contract.target.profile import ApiProfile
from mockserver.contract.target.survey import wide_query
from mockserver.core.identity import IDENTITY_PATH, says_mock
from mockserver.core.tokens import mint_token

__all__ = ["connected", "fetch_body", "held_to", "inapplicable_checks"]

UNSCOPED = ("openid",)
LEARN_SIZE = 1000  # the page size asked of a deployment to learn its cap


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
    if given_up(response):
        raise UnusableTargetError(throttled_line(options.target, status))
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


def fetch_body(
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
            return response.json() if response.status_code == 200 and not given_up(response) else None
        except ValueError:
            return None

    return fetch


def connected(job: Job, prof: ApiProfile, headers: dict[str, str]) -> tuple[Schema, Operation, Call]:
    """The schema, operation and caller of the run, once the target answered the run's credentials and the tester
    knows which rules it is held to (a deployment's schema lacks the mock's own decisions)."""
    options, result = job.options, job.result
    schema = build_schema(options, headers, job.session)
    job.baseline = load_baseline(schema)
    op = first_operation(schema)
    call = caller(op, options, headers, job.session)
    job.emit(loaded(schema, _location(table(options.api).spec_path), options.target))
    job.say("checking the credentials")
    _preflight(prof, call, options)
    result.target_kind, result.kind_reason = _kind(options, prof, call, headers, job.session)
    if result.target_kind != "mock":
        schema = build_schema(options, headers, job.session, mock_rules=False)
        op = first_operation(schema)
        call = caller(op, options, headers, job.session)
    return schema, op, call


def held_to(job: Job, prof: ApiProfile, call: Call, mock_rules: bool) -> tuple[ApiProfile, Credentials]:
    """The profile the target is judged by (a deployment's own page cap) and the tokens the run may judge with."""
    options, result = job.options, job.result
    if not mock_rules:
        prof = _learn_cap(prof, fetch_body(call, result.errors, "page cap request"), result.learned)
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


def inapplicable_checks(prof: ApiProfile, names: tuple[str, ...], unscoped: str | None) -> dict[str, str]:
    """The checks a deployment is not held to, and why: their rules are the mock's own decisions, or the tokens
    they judge with were not given."""
    found = {name: why for name, why in MOCK_CHECKS.items() if name in names}
    if "scope_enforced" in names and unscoped is None:
        found["scope_enforced"] = "a deployment is judged with tokens it issued: give --unscoped-token to check it"
    return found


def _location(spec: Path) -> str:
    """The spec's path as the reports name it: relative to the working directory when it lies under it (a
    checkout), else its folder and name (the installed package's ``spec/events.yaml``), never this machine's
    absolute path."""
    try:
        return str(spec.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return f"{spec.parent.name}/{spec.name}"
