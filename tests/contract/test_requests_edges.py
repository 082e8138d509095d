"""The edge requests of a run: the same for the same inputs, and a deployment is sent none only the mock's own
decisions judge."""

from __future__ import annotations

import pytest

from mockserver.contract.requests.edge import Credentials
from mockserver.contract.requests.edges import edges
from mockserver.contract.target.profile import ApiProfile, profile
from mockserver.contract.target.survey import Landscape, Record
from mockserver.core.instants import Instant
from mockserver.core.openapi import ApiId
from mockserver.core.tokens import mint_token

APIS = ("events", "interventions")
NOW = 1_750_000_000.0


def _inputs(api: ApiId) -> tuple[ApiProfile, Landscape, dict[str, str], Credentials]:
    prof = profile(api)
    start = 1_700_000_000_000_000
    records = tuple(
        Record(f"r{n}", {f: Instant(start + n * 3_600_000_000) for f in prof.time_fields}, "a") for n in range(12)
    )
    headers = {"Authorization": f"Bearer {mint_token(prof.scopes)}", **prof.fixed_headers()}
    return prof, Landscape(records=records, requests=1), headers, Credentials(unscoped=mint_token(["openid"]))


@pytest.mark.parametrize("api", APIS)
def test_the_same_inputs_give_the_same_edge_requests_in_the_same_order(api: ApiId) -> None:
    assert edges(*_inputs(api), NOW) == edges(*_inputs(api), NOW)


@pytest.mark.parametrize("api", APIS)
def test_a_deployment_is_sent_no_edge_request_that_only_the_mocks_decisions_judge(api: ApiId) -> None:
    planned = edges(*_inputs(api), NOW, mock_rules=False)
    mock_only = [e for e in planned if e.expectation is not None and e.expectation.mock]
    assert (mock_only, bool(planned)) == ([], True)


@pytest.mark.parametrize("api", APIS)
def test_the_mock_is_sent_the_edge_requests_of_its_own_decisions_too(api: ApiId) -> None:
    planned = edges(*_inputs(api), NOW)
    assert any(e.expectation is not None and e.expectation.mock for e in planned)
