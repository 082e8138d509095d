"""Schemathesis fuzzes both specs against the mock in-process, with every check, positive and negative data."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import GenerationMode

from mockserver.server.app import create_app
from mockserver.server.settings import Settings
from tests.support.tokens import TOKEN

Case = schemathesis.Case[Any]

APP = create_app(Settings(count=300, validate_responses=True))


def _schema(path: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_asgi(path, APP)

    @schema.auth()
    class Bearer:
        """The development token, through Schemathesis's auth provider so that ignored_auth can strip it."""

        def get(self, case: Case, ctx: object) -> str:
            return TOKEN

        def set(self, case: Case, data: str, ctx: object) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=300, database="none"
    )
    return schema


events = _schema("/openapi.json")
interventions = _schema("/main/openapi.json")


@events.parametrize()
def test_events_contract(case: Case) -> None:
    case.call_and_validate()


@interventions.parametrize()
def test_interventions_contract(case: Case) -> None:
    case.call_and_validate()
