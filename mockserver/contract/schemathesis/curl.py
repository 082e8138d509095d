"""The curl command a person pastes to reproduce a request: as sent, with the run's secrets as shell variables.

Schemathesis's own curl lines (in its reports) follow its sanitization and show ``[Filtered]``; the contract
tester's own lines (terminal, Markdown, semantic report) are built by ``core.curl`` from the request Schemathesis
prepared: every word quoted for the shell, and each header whose value (or token after its scheme) is one of the
run's secrets written as ``"$MOCKSERVER_TOKEN"`` and the like, so that they run as they are once the variable is
exported; with ``--reveal-credentials`` the real values are written, quoted like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemathesis.config import SanitizationConfig
from schemathesis.core.curl import get_excluded_headers
from schemathesis.transport.prepare import prepare_request

from mockserver.contract.schemathesis.types import Case
from mockserver.core.curl import curl_command

__all__ = ["Secrets", "plain_curl"]

_UNSANITIZED = SanitizationConfig(enabled=False)


@dataclass(frozen=True)
class Secrets:
    """The run's secret values and the shell variable that stands for each."""

    values: tuple[tuple[str, str], ...] = ()  # (secret, variable)
    reveal: bool = False

    @classmethod
    def of(cls, named: Mapping[str, str | None], *, reveal: bool) -> Secrets:
        return cls(tuple((value, variable) for variable, value in named.items() if value), reveal)

    def variables(self) -> dict[str, str]:
        """Secret value -> its variable, as ``core.curl`` takes them (none when the values are to be revealed)."""
        return {} if self.reveal else dict(self.values)


def plain_curl(case: Case, headers: Mapping[str, Any] | None = None, secrets: Secrets | None = None) -> str:
    """The curl command that sends ``case`` (with these extra ``headers``) as Schemathesis sends it, unsanitized
    whatever the schema's sanitization, each of ``secrets`` as its shell variable."""
    request = prepare_request(case, headers, config=_UNSANITIZED)
    generated = {name.lower() for name in case.headers or {}}
    excluded = get_excluded_headers()  # what requests or Schemathesis add by themselves, unless the case sets it
    sent = [
        (str(name), str(value))
        for name, value in request.headers.items()
        if name.lower() in generated or name not in excluded
    ]
    body = request.body
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else None if body is None else str(body)
    return curl_command(
        str(request.method),
        str(request.url),
        sent,
        text,
        secrets=(secrets or Secrets()).variables(),
    )
