"""The mock serves the same bytes on its Python twins as on its compiled modules: the same seed, the same requests
(generated: valid and invalid queries, every order, category, page and size), the same status, headers and body.

One app is built and asked on the compiled modules, the other on the twins (``tests/support/twins.py``); the compiled
modules must be the ones the first app runs on (where a compiler is installed, as ``make install`` ensures, nothing
falls back to the twins silently). ``make test-install`` compares the same over HTTP with a package installed
without a compiler.
"""

from __future__ import annotations

import shutil
import sysconfig
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.apis.events import CATEGORIES
from mockserver.core import native
from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.data import EVENTS, INTERVENTIONS, SESSION
from tests.support.specs import SHIPPED as API_IDS
from tests.support.strategies import requests
from tests.support.tokens import TOKEN
from tests.support.twins import python_twins

COMPILED = ("mockserver.core._bands", "mockserver.core._splitmix", "mockserver.core._pages", "mockserver.core._words")
SEEDS = (0, 7, 2**40 + 3)


def _compiler() -> bool:
    return shutil.which(str(sysconfig.get_config_var("CC") or "cc").split()[0]) is not None


def test_the_compiled_modules_run_where_a_compiler_is_installed() -> None:
    assert [native.built(name) for name in COMPILED] == [_compiler() and not native.PURE] * len(COMPILED)
    assert native.summary().startswith("native code" if _compiler() and not native.PURE else "pure Python")


# Windows about the default anchor (2025-01-01), where the records lie: on the data's grids and between them, from
# empty to wider than the data.
STARTS = st.builds(
    lambda minutes, seconds: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes, seconds=seconds),
    st.integers(-200 * 1440, 200 * 1440),
    st.sampled_from([0, 0, 0, 1, 59]),
)
WIDTHS = st.sampled_from([0, 30, 1440, 7 * 1440, 30 * 1440, 90 * 1440, 800 * 1440]) | st.integers(0, 400 * 1440)


def _text(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def pages(draw: st.DrawFn, api: str) -> tuple[str, dict[str, str]]:
    """A valid query of ``api`` that mostly finds records: a window about the data, an order, a page and a size."""
    start = draw(STARTS)
    low, high = _text(start), _text(start + timedelta(minutes=draw(WIDTHS)))
    if api == "events":
        query = {
            "from": low,
            "to": high,
            "orderBy": draw(st.sampled_from(["start", "end", "created_at", "updated_at"])),
        }
        query |= draw(st.fixed_dictionaries({}, optional={"category": st.sampled_from(CATEGORIES)}))
        query |= {"limit": str(draw(st.integers(1, 120))), "page": str(draw(st.sampled_from([1, 1, 1, 2, 4])))}
        return f"{EVENTS}?{urlencode(query)}", {}
    query = {"scheduledStart": low, "scheduledEnd": high, "includeSites": "false"}
    query |= {"pageSize": str(draw(st.integers(1, 250))), "page": str(draw(st.sampled_from([1, 1, 1, 2, 4])))}
    query |= draw(
        st.fixed_dictionaries(
            {}, optional={"includeCount": st.sampled_from(["true", "false"]), "findId": st.integers(1, 3000).map(str)}
        )
    )
    return f"{INTERVENTIONS}?{urlencode(query)}", dict(SESSION)


@pytest.fixture(scope="module")
def apps() -> dict[int, tuple[TestClient, TestClient]]:
    made = {}
    for seed in SEEDS:
        compiled = TestClient(create_app(Settings(seed=seed, count=3000)))
        with python_twins():
            twins = TestClient(create_app(Settings(seed=seed, count=3000)))
        made[seed] = (compiled, twins)
    return made


@pytest.mark.parametrize("api", API_IDS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_twins_serve_the_compiled_modules_bytes(
    apps: dict[int, tuple[TestClient, TestClient]], api: str, data: st.DataObject
) -> None:
    compiled, twins = apps[data.draw(st.sampled_from(SEEDS), label="seed")]
    url, headers = data.draw(pages(api) | requests(api), label="request")
    headers.setdefault("Authorization", f"Bearer {TOKEN}")
    expected = compiled.get(url, headers=headers)
    with python_twins():
        served = twins.get(url, headers=headers)
    assert (served.status_code, served.headers.items(), served.content) == (
        expected.status_code,
        expected.headers.items(),
        expected.content,
    )
