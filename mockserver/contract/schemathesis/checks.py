"""Our checks registered with Schemathesis: each gets our own request and answer values, never the library's objects.

A registered check finds its run through the case's schema, does nothing outside a contract run, and turns the
``ContractViolation`` our check raises into Schemathesis's ``Failure``, so Schemathesis's reports show it as its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import Failure, Severity
from schemathesis.core.transport import Response

from mockserver.contract.schemathesis.state import RunState, active
from mockserver.contract.schemathesis.types import Case
from mockserver.contract.target.exchange import Answer, Request

__all__ = ["Check", "ContractViolation", "Violation", "answer_of", "register", "request_of"]

Check = Callable[[RunState, Answer, Request], bool | None]


class ContractViolation(Exception):  # noqa: N818  (a finding about the target, not an error of the tester)
    """A response that breaks a rule of the contract: which operation, the rule's check, what was received and
    expected."""

    def __init__(self, operation: str, title: str, message: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.title = title
        self.message = message


class Violation(Failure):
    """A contract violation as Schemathesis reports it; one finding per check and operation."""

    kind_title: ClassVar[str] = "Contract violated"

    @property
    def _unique_key(self) -> str:
        return self.title


def answer_of(response: Response) -> Answer:
    return Answer(status_code=response.status_code, headers=response.headers, json=response.json)


def request_of(ctx: Any, case: Case, state: RunState) -> Request:
    """``case`` as our checks read it; its follow-ups go through the run's transport and are recorded under it."""

    def follow(query: dict[str, Any], headers: dict[str, str]) -> tuple[Request, Answer]:
        probe = case.operation.Case(query=query, headers=dict(headers))
        kwargs = {k: v for k, v in (ctx.internals.transport_kwargs or {}).items() if k not in ("session", "headers")}
        kwargs["headers"] = dict(headers)
        if state.session is not None:
            kwargs["session"] = state.session
        if case.operation.app is not None:
            kwargs.setdefault("app", case.operation.app)
        ctx.internals.record_case(parent_id=case.id, case=probe)
        response: Response = case.operation.schema.transport.send(probe, **kwargs)
        ctx.internals.record_response(case_id=probe.id, response=response)
        return request_of(ctx, probe, state), answer_of(response)

    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    return Request(case.id, case.operation.label, case.query, case.headers, positive, follow)


def register(check: Check) -> None:
    """Register ``check`` with Schemathesis under its own name, after Schemathesis's own checks (so that the order in
    which a run's checks judge an answer, and so of its failures, is one whichever module was imported first)."""
    load_all_checks()

    def judged(ctx: Any, response: Response, case: Case) -> bool | None:
        state = active(case)
        if state is None:
            return None
        try:
            return check(state, answer_of(response), request_of(ctx, case, state))
        except ContractViolation as found:
            raise Violation(
                operation=found.operation, title=found.title, message=found.message, severity=Severity.HIGH
            ) from None

    judged.__name__ = judged.__qualname__ = check.__name__
    judged.__doc__ = check.__doc__
    schemathesis.check(judged)
