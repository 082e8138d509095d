"""A page rendered in one vectorised pass is, record for record, the one-record renderer's JSON, byte for byte.

The oracle is the one-record renderer (``FIELDS``, written by ``orjson.dumps``), which the golden sample files and
test_draw_streams pin; the page renderer is checked against it over every record of several seeds and anchors, in
pages of every size a client can ask for, in any order and with repeats of the cache's state.
"""

from __future__ import annotations

import random

import orjson
import pytest

from mockserver.apis import table
from mockserver.apis.datasets import generated_store
from mockserver.core.draws import Records
from mockserver.core.openapi import ApiId
from mockserver.server.settings import DEFAULT_ANCHOR, anchor_micros
from tests.specs import SHIPPED as API_IDS

COUNT = 20_000
ANCHORS = (anchor_micros(DEFAULT_ANCHOR), 1_000_000_000_000_000 + 123_456_789)  # the default, and an odd instant


def _records(api: ApiId, seed: int, anchor: int) -> Records:
    _, render = table(api).generate(seed, COUNT, anchor)
    assert isinstance(render, Records) and render.page is not None
    return render


@pytest.mark.parametrize("anchor", ANCHORS, ids=["default-anchor", "odd-anchor"])
@pytest.mark.parametrize("seed", [0, 1, 987654321])
@pytest.mark.parametrize("api", API_IDS)
def test_a_page_of_every_record_is_each_record_as_rendered_alone(api: ApiId, seed: int, anchor: int) -> None:
    render = _records(api, seed, anchor)
    assert render.page is not None
    indexes = list(range(COUNT))
    assert render.page(indexes) == [orjson.dumps(render(i)) for i in indexes]


@pytest.mark.parametrize("api", API_IDS)
def test_pages_of_any_size_and_order_are_each_record_as_rendered_alone(api: ApiId) -> None:
    render = _records(api, 5, ANCHORS[0])
    assert render.page is not None
    pick = random.Random(7)
    for size in (1, 2, 3, 5, 10, 27, 50, 250):
        indexes = pick.sample(range(COUNT), size)
        assert render.page(indexes) == [orjson.dumps(render(i)) for i in indexes], size


@pytest.mark.parametrize("api", API_IDS)
def test_the_store_serves_the_same_bytes_with_or_without_the_page_renderer(api: ApiId) -> None:
    paged = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone = generated_store(table(api), 3, COUNT, ANCHORS[0])
    alone.render_page = None
    pick = random.Random(11)
    for _ in range(200):
        indexes = pick.sample(range(COUNT), pick.randint(1, 60))
        assert paged.records_json(indexes) == alone.records_json(indexes)
