"""The edge requests of parameters, checked against the spec read as plain YAML and an RFC 3339 validator of its
own: what each edge sends, and the status its expectation asks for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rfc3339_validator import validate_rfc3339

from mockserver.contract.requests.edge import Credentials, Edge, EdgeContext
from mockserver.contract.requests.parameters import (
    BAD_INTEGERS,
    BOUND_TEXTS,
    MOCK_BOUND_TEXTS,
    bounds,
    header_rules,
    inert,
    query_strings,
)
from mockserver.contract.target.profile import profile
from mockserver.contract.target.survey import Landscape
from tests.support.specs import SHIPPED, raw_operation

RUN = {"Authorization": "Bearer the-runs-token"}


def _context(api: str, *, mock_rules: bool = True) -> EdgeContext:
    prof = profile(api)
    free = {p.name: "a-session" for p in prof.header_params() if p.free_header}
    headers = {**RUN, **free, **prof.fixed_headers()}
    return EdgeContext(prof, Landscape((), requests=0), headers, Credentials(), 1_750_000_000.0, mock_rules)


def _params(api: str, location: str) -> list[dict[str, Any]]:
    _, op = raw_operation(api)
    return [p for p in op["parameters"] if p["in"] == location]


def _statuses(edges: list[Edge], name: str, value: Any) -> set[tuple[int, ...]]:
    return {e.expectation.statuses for e in edges if e.expectation is not None and e.query.get(name) == value}


@pytest.mark.parametrize("api", SHIPPED)
def test_a_bound_text_is_expected_accepted_exactly_when_rfc_3339_and_the_parameters_pattern_accept_it(api: str) -> None:
    edges = list(bounds(_context(api)))
    for param in (p for p in _params(api, "query") if p["schema"].get("format") == "date-time"):
        pattern = param["schema"].get("pattern")
        for text in set(BOUND_TEXTS) - MOCK_BOUND_TEXTS:  # the API's rule: a faithful server agrees
            valid = validate_rfc3339(text) and (pattern is None or re.search(pattern, text, re.ASCII) is not None)
            assert _statuses(edges, param["name"], text) == {(200,) if valid else (400,)}, (param["name"], text)


@pytest.mark.parametrize("api", SHIPPED)
def test_an_integer_is_expected_accepted_at_its_documented_bounds_and_refused_just_beyond(api: str) -> None:
    edges = list(bounds(_context(api)))
    for param in _params(api, "query"):
        low, high = param["schema"].get("minimum"), param["schema"].get("maximum")
        if param["schema"]["type"] != "integer" or low is None or high is None:
            continue
        for value, status in ((low, 200), (high, 200), (low - 1, 400), (high + 1, 400)):
            assert _statuses(edges, param["name"], value) == {(status,)}


@pytest.mark.parametrize("api", SHIPPED)
def test_every_query_parameter_given_twice_is_expected_refused_naming_it(api: str) -> None:
    edges = list(query_strings(_context(api)))
    for param in _params(api, "query"):
        twice = [e for e in edges if isinstance(e.query.get(param["name"]), list)]
        assert [(e.expectation.statuses, e.expectation.param) for e in twice if e.expectation] == [
            ((400,), param["name"])
        ]


@pytest.mark.parametrize("api", SHIPPED)
def test_every_required_query_parameter_left_out_is_expected_refused_naming_it(api: str) -> None:
    edges = list(query_strings(_context(api)))
    for param in (p for p in _params(api, "query") if p.get("required")):
        missing = [e for e in edges if param["name"] not in e.query and e.expectation is not None]
        assert {(e.expectation.statuses, e.expectation.param) for e in missing if e.expectation} == {
            ((400,), param["name"])
        }


@pytest.mark.parametrize("api", SHIPPED)
def test_no_bad_integer_sent_is_an_ascii_integer_and_each_is_expected_refused(api: str) -> None:
    edges = list(query_strings(_context(api)))
    for param in (p for p in _params(api, "query") if p["schema"]["type"] == "integer"):
        for value in BAD_INTEGERS:
            assert re.fullmatch(r"-?[0-9]+", value, re.ASCII) is None
            assert _statuses(edges, param["name"], value) == {(400,)}


@pytest.mark.parametrize("api", SHIPPED)
@pytest.mark.parametrize("mock_rules", [True, False])
def test_every_required_header_left_out_is_expected_refused(api: str, mock_rules: bool) -> None:
    edges = list(header_rules(_context(api, mock_rules=mock_rules)))
    for param in (p for p in _params(api, "header") if p.get("required")):
        name = param["name"].lower()
        missing = [e for e in edges if name not in {k.lower() for k in e.headers}]
        assert missing
        assert all(e.expectation and e.expectation.param == param["name"] for e in missing)
        assert all(e.expectation and 400 in e.expectation.statuses for e in missing)
        assert all(len(e.headers) == len(_context(api).headers) - 1 for e in missing)  # only that header is left out


@pytest.mark.parametrize("api", SHIPPED)
def test_an_inert_parameter_edge_sets_one_declared_parameter_of_its_baseline_and_expects_the_same_answer(
    api: str,
) -> None:
    declared = {p["name"] for p in _params(api, "query")}
    for edge in inert(_context(api)):
        assert edge.baseline is not None and edge.expectation is not None
        changed = {k for k in {*edge.query, *edge.baseline} if edge.query.get(k) != edge.baseline.get(k)}
        assert len(changed) <= 1 and changed <= declared
        assert edge.expectation.statuses == (200,)
