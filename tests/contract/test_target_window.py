"""The documents' window rules on exact instants: laws of a window over any instants, and the window a request reads."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from mockserver.apis.shape import WindowKind
from mockserver.contract.target.profile import profile
from mockserver.contract.target.window import Window, window_of
from mockserver.core.instants import Instant
from tests.support.specs import SHIPPED, raw_operation

PROFILES = {api: profile(api) for api in SHIPPED}  # built once, before any example is timed

INSTANTS = st.builds(Instant, st.integers(-(10**15), 10**15), st.sampled_from(["", "1", "5", "99"]))
KINDS = st.sampled_from(["half-open", "overlap"])
PERIOD = ("start", "end")


def _window(kind: WindowKind, lower: Instant, upper: Instant, category: str | None = None) -> Window:
    return Window(kind, lower, upper, "start", category, PERIOD, empty_category_matches_nothing=True)


def _times(start: Instant, end: Instant) -> dict[str, Instant]:
    return {"start": min(start, end), "end": max(start, end)}


@given(kind=KINDS, lower=INSTANTS, upper=INSTANTS, start=INSTANTS, end=INSTANTS)
def test_an_inverted_window_holds_no_record(
    kind: WindowKind, lower: Instant, upper: Instant, start: Instant, end: Instant
) -> None:
    window = _window(kind, lower, upper)
    assume(window.inverted)
    assert not window.spans(_times(start, end))


@given(lower=INSTANTS, middle=INSTANTS, upper=INSTANTS, value=INSTANTS)
def test_half_open_windows_side_by_side_hold_a_value_in_exactly_one_of_them_or_neither(
    lower: Instant, middle: Instant, upper: Instant, value: Instant
) -> None:
    lower, middle, upper = sorted((lower, middle, upper))
    whole = _window("half-open", lower, upper).spans({"start": value})
    halves = [_window("half-open", a, b).spans({"start": value}) for a, b in ((lower, middle), (middle, upper))]
    assert sum(halves) == int(whole)


@given(lower=INSTANTS, upper=INSTANTS, start=INSTANTS, end=INSTANTS)
def test_an_overlap_window_holds_a_record_whose_period_shares_an_instant_with_it_ends_included(
    lower: Instant, upper: Instant, start: Instant, end: Instant
) -> None:
    times = _times(start, end)
    shared = max(times["start"], lower) <= min(times["end"], upper)  # the closed intervals meet
    assert _window("overlap", lower, upper).spans(times) == shared


@given(lower=INSTANTS, width=st.integers(0, 10**6), touching=st.sampled_from(["lower", "upper"]))
def test_an_overlap_window_holds_a_period_that_only_touches_one_of_its_ends(
    lower: Instant, width: int, touching: str
) -> None:
    upper = Instant(lower.micros + width, lower.rest)
    point = lower if touching == "lower" else upper
    assert _window("overlap", lower, upper).spans({"start": point, "end": point})


@given(kind=KINDS, bounds=st.lists(INSTANTS, min_size=4, max_size=4), start=INSTANTS, end=INSTANTS)
def test_a_wider_window_holds_every_record_a_narrower_one_holds(
    kind: WindowKind, bounds: list[Instant], start: Instant, end: Instant
) -> None:
    outer_lower, inner_lower, inner_upper, outer_upper = sorted(bounds)
    times = _times(start, end)
    assume(_window(kind, inner_lower, inner_upper).spans(times))
    assert _window(kind, outer_lower, outer_upper).spans(times)


@given(kind=KINDS, lower=INSTANTS, upper=INSTANTS, start=INSTANTS, end=INSTANTS, category=st.text(max_size=3))
def test_a_record_is_in_a_window_with_a_category_when_it_is_in_the_window_without_one_and_has_that_category(
    kind: WindowKind, lower: Instant, upper: Instant, start: Instant, end: Instant, category: str
) -> None:
    times = _times(start, end)
    plain = _window(kind, lower, upper).contains(times, category)
    assert _window(kind, lower, upper, category).contains(times, category) == (plain and category != "")
    assert not _window(kind, lower, upper, category + "x").contains(times, category)


@given(lower=INSTANTS, upper=INSTANTS)
def test_a_requests_window_reads_back_the_bounds_it_was_sent_with(lower: Instant, upper: Instant) -> None:
    for api in ("events", "interventions"):
        prof = profile(api)
        window = window_of(prof, {prof.lower: lower.text, prof.upper: upper.text})
        assert window is not None
        assert (window.lower, window.upper) == (lower, upper)


@given(bound=st.one_of(st.text(max_size=12), st.integers(), st.none()))
def test_a_bound_that_is_not_a_date_time_gives_no_window(bound: object) -> None:
    prof = profile("events")
    assert window_of(prof, {prof.lower: bound, prof.upper: Instant(0).text}) is None


def test_without_an_order_the_window_applies_to_the_field_the_spec_orders_by_default() -> None:
    prof = profile("events")
    _, op = raw_operation("events")
    (order,) = (p for p in op["parameters"] if p["name"] == prof.order_param)
    window = window_of(prof, {prof.lower: Instant(0).text, prof.upper: Instant(1).text})
    assert window is not None
    assert window.field == order["schema"]["default"]
