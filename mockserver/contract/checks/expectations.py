"""The expectation checks: the edge requests the run sends on purpose, each judged by what it must get."""

from __future__ import annotations

from mockserver.contract.checks.base import MAX_AUTH_PROBES, Check, fail, page_of, send
from mockserver.contract.schemathesis.state import RunState
from mockserver.contract.target.exchange import Answer, Request

__all__ = [
    "bounds_validated",
    "checks_in_order",
    "credentials_accepted",
    "credentials_refused",
    "no_effect_parameters",
    "problem_details",
    "query_strings_strict",
    "required_headers_enforced",
    "scope_enforced",
]


def _auth_probe(state: RunState, response: Answer, case: Request, name: str) -> None:
    """The same valid request, refused: without a token (401), or with one lacking the required scope (403)."""
    found = page_of(state, case, response)
    if state is None or found is None:
        return
    view = found[1]
    expected = 401 if name == "credentials_refused" else 403
    token = None if expected == 401 else state.unscoped_token
    if expected == 403 and (token is None or not state.profile.scopes):
        return
    slot = f"{name}:{'first' if view.page == 1 else 'later'}"
    with state.lock:
        if state.probes[slot] >= MAX_AUTH_PROBES:
            return
        state.probes[slot] += 1
    headers = {k: v for k, v in state.headers.items() if k.lower() != "authorization"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        answer = send(case, view.query, headers)
    except Exception as exc:
        raise fail(case, name, f"no answer ({type(exc).__name__})", f"status {expected}") from None
    state.fire(name, case)
    if answer.status_code != expected:
        what = "without Authorization" if expected == 401 else "with a token lacking the required scope"
        raise fail(
            case,
            name,
            f"status {answer.status_code} to the same request {what}",
            f"status {expected}"
            + (
                " (a request without credentials is refused)"
                if expected == 401
                else f" (the operation requires {', '.join(state.profile.scopes)})"
            ),
        )


def credentials_refused(state: RunState, response: Answer, case: Request) -> bool | None:
    """Missing, malformed or expired credentials are refused with 401 and ``WWW-Authenticate: Bearer``."""
    if _judge(state, response, case, "credentials_refused"):
        return None
    _auth_probe(state, response, case, "credentials_refused")
    return None


def scope_enforced(state: RunState, response: Answer, case: Request) -> bool | None:
    """A token lacking a scope the operation's ``security`` requires is refused with 403."""
    if _judge(state, response, case, "scope_enforced"):
        return None
    _auth_probe(state, response, case, "scope_enforced")
    return None


def _judge(state: RunState, response: Answer, case: Request, name: str) -> bool:
    """Judge an edge request against what the run expects of it; False when the case is not one of ``name``'s."""
    expectation = state.expectations.get(case.id) if state is not None else None
    if state is None or expectation is None or expectation.check != name:
        return False
    state.fire(name, case)
    status = response.status_code
    wanted = " or ".join(map(str, expectation.statuses))
    if status not in expectation.statuses:
        raise fail(case, name, f"status {status} to {expectation.request}", f"status {wanted}: {expectation.rule}")
    if expectation.challenge and status == 401:
        value = header(response, "www-authenticate")
        if not value.strip().lower().startswith("bearer"):
            raise fail(
                case,
                name,
                f"401 with WWW-Authenticate {value or '(absent)'!r} to {expectation.request}",
                "WWW-Authenticate: Bearer on every 401",
            )
    if expectation.same_as is not None and status == 200:
        try:
            body = response.json()
        except ValueError:
            body = None
        if body != expectation.same_as:
            raise fail(
                case,
                name,
                f"an answer to {expectation.request} that differs from the answer without it",
                f"the same answer: {expectation.rule}",
            )
    return True


def header(response: Answer, name: str) -> str:
    """The first value of a response header (Schemathesis keeps lower-case names, each with a list of values)."""
    values = response.headers.get(name.lower())
    return values[0] if values else ""


def _expectation_check(name: str, doc: str) -> Check:
    def check(state: RunState, response: Answer, case: Request) -> bool | None:
        _judge(state, response, case, name)
        return None

    check.__name__ = check.__qualname__ = name
    check.__doc__ = doc
    return check


credentials_accepted = _expectation_check(
    "credentials_accepted",
    "Valid credentials are accepted: any case of the scheme name, any signature, the scope "
    "claims as the spec reads them, a session token that is not a JWT.",
)
checks_in_order = _expectation_check(
    "checks_in_order",
    "Credentials are judged before the scope, and both before the parameters: 401, then 403, then 400.",
)
required_headers_enforced = _expectation_check(
    "required_headers_enforced",
    "Required headers: missing, blank or another value is a 400; media types compare case-insensitively.",
)
query_strings_strict = _expectation_check(
    "query_strings_strict",
    "ASCII integers, true/false, each parameter once, no empty typed value; unknown parameters ignored.",
)
bounds_validated = _expectation_check(
    "bounds_validated",
    "Date-time bounds as RFC 3339 and the parameter's pattern say; integers within their documented range.",
)
no_effect_parameters = _expectation_check(
    "no_effect_parameters", "Parameters documented as having no effect (and unknown ones) change nothing in the answer."
)


def problem_details(state: RunState, response: Answer, case: Request) -> bool | None:
    """Every refusal is an ``application/problem+json`` body whose ``detail`` names the parameter and the value."""
    if state is None or not 400 <= response.status_code < 500:
        return None
    state.fire("problem_details", case)
    status = response.status_code
    media = header(response, "content-type")
    if media.split(";")[0].strip().lower() != "application/problem+json":
        raise fail(
            case,
            "problem_details",
            f"{status} with content type {media or '(none)'!r}",
            "application/problem+json (RFC 7807)",
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    fields = {"type": str, "title": str, "status": int, "detail": str}
    if not isinstance(body, dict) or any(not isinstance(body.get(k), t) for k, t in fields.items()):
        raise fail(
            case,
            "problem_details",
            f"{status} with body {str(body)[:200]!r}",
            "a problem with string type, title and detail and an integer status",
        )
    if body["status"] != status:
        raise fail(
            case,
            "problem_details",
            f"status {body['status']} in the body of a {status}",
            "the problem's status equal to the response's",
        )
    expectation = state.expectations.get(case.id)
    if status == 400 and expectation is not None and expectation.param is not None:
        detail = body["detail"]
        missing = [w for w in (expectation.param, expectation.value) if w and w not in detail]
        if missing:
            raise fail(
                case,
                "problem_details",
                f"detail {detail!r} to {expectation.request}",
                f"a detail naming {' and '.join(repr(w) for w in missing)}: the parameter, the value "
                "received and what was expected",
            )
    return None
