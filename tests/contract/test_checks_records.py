"""A page check is a function of the run's state and our own request and answer values: called here with values
built by hand (no Schemathesis, no server), it holds exactly when the page keeps its rule."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.contract.checks import ContractViolation
from mockserver.contract.checks.records import ids_unique
from mockserver.contract.schemathesis.state import RunState
from mockserver.contract.target.exchange import Answer, Request
from mockserver.contract.target.profile import profile
from mockserver.contract.target.survey import Landscape, wide_query

EVENTS = profile("events")


def _no_follow_up(query: dict[str, Any], headers: dict[str, str]) -> tuple[Request, Answer]:
    raise AssertionError("this check sends no follow-up request")


def _state() -> RunState:
    return RunState(profile=EVENTS, landscape=Landscape(records=(), requests=1), headers={}, unscoped_token=None)


def _judge(ids: list[str]) -> bool:
    """Whether ``ids_unique`` lets a page of records with these ids pass."""
    state = _state()
    query = {**wide_query(EVENTS), EVENTS.size_param: max(len(ids), 1)}
    request = Request("case-1", "GET /events", query, {}, True, _no_follow_up)
    body = {EVENTS.items_key: [{"id": i} for i in ids]}
    answer = Answer(status_code=200, headers={}, json=lambda: body)
    try:
        ids_unique(state, answer, request)
    except ContractViolation:
        return False
    return True


@given(st.lists(st.text("abcdef", min_size=1, max_size=3), max_size=8))
def test_a_page_passes_exactly_when_no_id_is_on_it_twice(ids: list[str]) -> None:
    assert _judge(ids) == (len(set(ids)) == len(ids))


@pytest.mark.parametrize("status", [400, 401, 500])
def test_an_answer_that_is_not_a_page_is_not_judged(status: int) -> None:
    state = _state()
    request = Request("case-2", "GET /events", dict(wide_query(EVENTS)), {}, True, _no_follow_up)
    answer = Answer(status_code=status, headers={}, json=lambda: {EVENTS.items_key: [{"id": "a"}, {"id": "a"}]})
    assert (ids_unique(state, answer, request), state.fired["ids_unique"]) == (None, 0)
