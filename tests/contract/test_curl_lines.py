"""The contract tester's curl lines (``plain_curl``), pasted into a real bash with a stub curl: the request as
Schemathesis sends it, the run's secrets as the variables it names, however short a secret is.

The oracle is ``tests.support.shell.paste``: the argv bash hands curl, the variables exported with the real values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis

from mockserver.contract.schemathesis.curl import Secrets, plain_curl
from tests.support.data import interventions_params
from tests.support.shell import PLANTED, paste
from tests.support.specs import raw_spec

BASE = "http://127.0.0.1:9"
SESSION = "s"  # a secret that is also a letter of the path: only the header's value is it
TOKEN = "t"
# The planted fragments an HTTP client lets through in a header value (requests refuses line breaks; ASCII only).
PLANTED_VALUE = "".join(p for p in PLANTED if p.isascii() and not {"\n", "\r"} & set(p))
HEADERS = {"Authorization": f"Bearer {TOKEN}", "x-session-token": SESSION, "X-Planted": PLANTED_VALUE}
NAMED = {"MOCKSERVER_TOKEN": TOKEN, "MOCKSERVER_SESSION_TOKEN": SESSION, "MOCKSERVER_EXPIRED_TOKEN": None}


@pytest.fixture(scope="module")
def case() -> Any:
    schema = schemathesis.openapi.from_dict(raw_spec("interventions"))
    schema.config.update(base_url=BASE)
    operation = next(iter(schema.get_all_operations())).ok()  # type: ignore[union-attr]  # the spec's one
    return operation.Case(query=interventions_params(), headers={"x-session-token": SESSION})


def _header_values(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == "-H"]


def test_secrets_are_named_by_their_header_and_the_rest_is_sent_as_is(case: Any, tmp_path: Path) -> None:
    line = plain_curl(case, HEADERS, Secrets.of(NAMED, reveal=False))
    assert "'Authorization: Bearer '\"$MOCKSERVER_TOKEN\"" in line
    assert "'x-session-token: '\"$MOCKSERVER_SESSION_TOKEN\"" in line
    assert f"{case.operation.path}?" in line  # the path kept every "s" it has
    pasted = paste(line, tmp_path, {"MOCKSERVER_TOKEN": TOKEN, "MOCKSERVER_SESSION_TOKEN": SESSION})
    assert not pasted.pwned
    assert pasted.argv is not None, pasted.stderr
    assert pasted.argv[:2] == ["-X", "GET"]
    assert pasted.argv[-1].startswith(f"{BASE}{case.operation.path}?scheduledStart=")
    headers = _header_values(pasted.argv)
    assert f"Authorization: Bearer {TOKEN}" in headers
    assert f"x-session-token: {SESSION}" in headers
    assert f"X-Planted: {PLANTED_VALUE}" in headers


def test_revealed_credentials_are_written_quoted_like_any_value(case: Any, tmp_path: Path) -> None:
    line = plain_curl(case, HEADERS, Secrets.of(NAMED, reveal=True))
    assert "'\"$MOCKSERVER_" not in line  # no variable opened outside the quotes
    assert "'Authorization: Bearer t'" in line and "'x-session-token: s'" in line
    pasted = paste(line, tmp_path)
    assert pasted.argv is not None and not pasted.pwned
    assert {f"Authorization: Bearer {TOKEN}", f"x-session-token: {SESSION}"} <= set(_header_values(pasted.argv))
