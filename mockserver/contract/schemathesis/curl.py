"""The curl command a person pastes to reproduce a request: as sent, with the run's secrets as shell variables.

Schemathesis's own curl lines (in its reports) follow its sanitization and show ``[Filtered]``; the contract
tester's own lines (terminal, Markdown, semantic report) show ``$MOCKSERVER_TOKEN`` instead, so that they run
as they are once the variable is set, unless ``--reveal-credentials`` asks for the real values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemathesis.config import SanitizationConfig
from schemathesis.core import curl
from schemathesis.transport.prepare import prepare_request

from mockserver.contract.schemathesis.types import Case

__all__ = ["Secrets", "plain_curl"]

_UNSANITIZED = SanitizationConfig(enabled=False)


def plain_curl(case: Case, headers: Mapping[str, Any] | None = None) -> str:
    """``case.as_curl_command``, unsanitized whatever the schema's sanitization (``Secrets`` masks the result)."""
    request = prepare_request(case, headers, config=_UNSANITIZED)
    return curl.generate(
        method=str(request.method),
        url=str(request.url),
        body=request.body,
        verify=True,
        headers=dict(request.headers),
        known_generated_headers=dict(case.headers or {}),
    ).command


@dataclass(frozen=True)
class Secrets:
    """The run's secret values and the shell variable that stands for each (longest first)."""

    values: tuple[tuple[str, str], ...] = ()  # (secret, variable)
    reveal: bool = False

    @classmethod
    def of(cls, named: Mapping[str, str | None], *, reveal: bool) -> Secrets:
        found = {value: variable for variable, value in named.items() if value}
        return cls(tuple(sorted(found.items(), key=lambda kv: -len(kv[0]))), reveal)

    def mask(self, text: str) -> str:
        """``text`` with every secret replaced by ``$VARIABLE``; a ``-H`` argument holding one is double-quoted so
        that the shell expands it."""
        if self.reveal or not self.values:
            return text

        def header(match: re.Match[str]) -> str:
            value = match.group(1)
            masked = self._replace(value)
            return match.group(0) if masked == value else f'-H "{masked}"'

        return self._replace(_HEADER.sub(header, text))

    def _replace(self, text: str) -> str:
        for secret, variable in self.values:
            text = text.replace(secret, f"${variable}")
        return text


_HEADER = re.compile(r"-H '([^']*)'")
