"""The record checks: what each record on a 200 page holds, whatever the window (unique ids, coherent values,
timestamps as the mock writes them)."""

from __future__ import annotations

from mockserver.contract.checks.base import UTC_MILLIS, brief, fail, page_of
from mockserver.contract.schemathesis.state import RunState
from mockserver.contract.target.exchange import Answer, Request
from mockserver.contract.target.wire import record_instant

__all__ = ["ids_unique", "records_coherent", "timestamps_utc_millis"]


def ids_unique(state: RunState, response: Answer, case: Request) -> bool | None:
    """No id appears twice on a page."""
    found = page_of(state, case, response)
    if found is None or len(found[1].items) < 2:
        return None
    state, view = found
    state.fire("ids_unique", case)
    ids = [repr(i) for i in view.ids]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise fail(case, "ids_unique", f"ids {', '.join(twice)} more than once on one page", "unique ids")
    return None


def records_coherent(state: RunState, response: Answer, case: Request) -> bool | None:
    """Each record's values agree: a period starts before it ends, nothing is updated before it is created, ..."""
    found = page_of(state, case, response)
    if found is None or not found[1].items:
        return None
    state, view = found
    state.fire("records_coherent", case)
    profile = state.profile
    for item in view.items:
        for (early, late), strict in [
            *((p, True) for p in profile.strict_pairs),
            *((p, False) for p in profile.loose_pairs),
        ]:
            a, b = record_instant(item, early), record_instant(item, late)
            if a is not None and b is not None and (b <= a if strict else b < a):
                raise fail(
                    case,
                    "records_coherent",
                    f"record {brief(item, early, late)}",
                    f"{early} {'<' if strict else '<='} {late}",
                )
        for one, other in profile.null_together:
            if (item.get(one) is None) != (item.get(other) is None):
                raise fail(
                    case,
                    "records_coherent",
                    f"record {brief(item, one, other)}",
                    f"{one} null exactly when {other} is",
                )
        for one, other in profile.null_unless:
            if item.get(one) is not None and item.get(other) is None:
                raise fail(
                    case, "records_coherent", f"record {brief(item, one, other)}", f"{one} null while {other} is"
                )
        for one, flag in profile.null_when_true if state.mock_rules else ():  # a generator convention of the mock
            if item.get(flag) is True and item.get(one) is not None:
                raise fail(case, "records_coherent", f"record {brief(item, one, flag)}", f"{one} null when {flag}")
    return None


def timestamps_utc_millis(state: RunState, response: Answer, case: Request) -> bool | None:
    """Record timestamps are written in UTC with milliseconds (``2024-12-01T12:34:56.000Z``)."""
    found = page_of(state, case, response)
    if found is None or not found[1].items or not found[0].profile.utc_millis:
        return None
    state, view = found
    state.fire("timestamps_utc_millis", case)
    for item in view.items:
        for name in state.profile.utc_millis:
            value = item.get(name)
            if value is not None and not (isinstance(value, str) and UTC_MILLIS.fullmatch(value)):
                raise fail(
                    case,
                    "timestamps_utc_millis",
                    f"record {brief(item, name)}",
                    f"{name} in UTC with milliseconds, e.g. 2024-12-01T12:34:56.000Z",
                )
    return None
