"""The names of Schemathesis (and of Hypothesis) that the adapter (``mockserver/contract/schemathesis/``), the
runner and the report feeder rely on beyond their documented interface (hooks, ``@schemathesis.check``, the engine's
events, the writers): an upgrade that renames or reshapes one fails here, in one place, instead of somewhere in a
run."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from hypothesis.internal import constants_ast
from hypothesis.internal.conjecture import providers
from schemathesis import checks as st_checks
from schemathesis import generation
from schemathesis.cli import executor
from schemathesis.core import rate_limit
from schemathesis.core.failures import Failure
from schemathesis.engine import events
from schemathesis.engine.context import EngineContext
from schemathesis.engine.core import Engine
from schemathesis.engine.recorder import ReproductionStep, ScenarioRecorder
from schemathesis.engine.run.unit import _direct_executor
from schemathesis.generation import meta
from schemathesis.transport.requests import RequestsTransport

from mockserver.contract.schemathesis.local_constants import without_local_constants
from mockserver.contract.schemathesis.preload import DRAW_PATH

# (owner, name, its parameters as the code calls or overrides it); "self" included where it is a method.
CALLABLES: list[tuple[Any, str, list[str]]] = [
    (Engine, "_create_execution_plan", ["self"]),  # schemathesis/engine.py: the bounded engine's plan
    (Engine, "get_phase_config", ["self", "phase_name", "is_supported", "requires_transitions"]),
    (EngineContext, "__init__", ["self", "schema", "stop_event", "observations", "max_time"]),
    (EngineContext, "get_session", ["self", "operation"]),  # overridden: every request through the bounded session
    (RequestsTransport, "_copy_serializers_from", ["self", "transport"]),
    (st_checks, "load_all_checks", []),  # Schemathesis's own checks registered before ours (one order)
    (ScenarioRecorder, "record_case", ["self", "case", "parent_id", "transition", "is_transition_applied"]),
    (ScenarioRecorder, "record_response", ["self", "case_id", "response"]),
    (ScenarioRecorder, "record_check_success", ["self", "name", "case_id"]),
    (ScenarioRecorder, "record_check_failure", ["self", "name", "case_id", "code_sample", "failure", "steps"]),
    (ScenarioRecorder, "find_failure_data", ["self", "parent_id", "failure"]),
    (ReproductionStep, "from_case", ["case", "headers", "verify", "roles"]),
    (executor, "initialize_report_handlers", ["config", "args", "params"]),  # schemathesis/report_writers.py
    # schemathesis/parallel.py: replaced (for our engine's runs only) to learn a phase's cases in sending order
    (_direct_executor, "_collect_within_budget", ["generator", "ctx"]),
    (meta, "content_type_probes_first", ["cases"]),
    (generation, "derive_operation_seed", ["seed", "label"]),
    # schemathesis/pacing.py: st run's own rate-limit syntax and Retry-After reading
    (rate_limit, "parse_units", ["rate"]),
    (rate_limit, "parse_retry_after", ["header_value"]),
    # schemathesis/local_constants.py: Hypothesis's pool of local modules' literals, swapped for an empty one
    (providers, "_get_local_constants", []),
    (constants_ast.Constants, "__init__", ["self", "integers", "floats", "bytes", "strings"]),
]
# Constants the pacing takes from Schemathesis's adaptive ("auto") limiter: the same waits and retries as st run.
RATE_LIMIT_CONSTANTS = ("RATE_LIMIT_AUTO_MAX_RETRIES", "RATE_LIMIT_AUTO_MAX_WAIT")
# What a check's context holds beyond its documented fields ("undocumented on purpose"): the follow-up requests of a
# check go through the run's transport and are recorded under the case that asked for them (schemathesis/checks.py).
CHECK_INTERNALS = ("transport_kwargs", "record_case", "record_response")


@pytest.mark.parametrize(
    ("owner", "name", "parameters"), CALLABLES, ids=[f"{getattr(o, '__name__', o)}.{n}" for o, n, _ in CALLABLES]
)
def test_each_callable_relied_on_keeps_its_parameters(owner: Any, name: str, parameters: list[str]) -> None:
    assert list(inspect.signature(getattr(owner, name)).parameters) == parameters


@pytest.mark.parametrize("name", RATE_LIMIT_CONSTANTS)
def test_the_adaptive_limiter_still_names_its_limits(name: str) -> None:
    assert isinstance(getattr(rate_limit, name), int | float)


@pytest.mark.parametrize("name", CHECK_INTERNALS)
def test_a_check_context_still_has_the_internals_follow_ups_use(name: str) -> None:
    assert name in st_checks.CheckInternals.__annotations__ or callable(getattr(st_checks.CheckInternals, name, None))


def test_a_failure_is_still_told_apart_by_its_unique_key_property() -> None:
    """schemathesis/checks.py overrides it: one finding per check and operation, whatever the message."""
    assert isinstance(inspect.getattr_static(Failure, "_unique_key"), property)


def test_the_registry_still_lists_checks_in_registration_order() -> None:
    """Schemathesis's own checks first, ours after: the order in which a run's checks judge an answer."""
    import mockserver.contract.checks  # noqa: F401, PLC0415  (registers ours)

    names = [c.__name__ for c in st_checks.CHECKS.get_all() if not isinstance(c, type)]
    assert names.index("status_code_conformance") < names.index("items_within_window")


def test_a_scenario_event_still_takes_its_phase_as_given() -> None:
    """The edge requests are reported as our own phase (schemathesis/phase.py), not one of Schemathesis's."""
    assert "phase" in inspect.signature(events.ScenarioFinished.__init__).parameters


def test_hypothesis_still_reads_its_local_constants_through_the_module_function() -> None:
    """schemathesis/local_constants.py swaps ``providers._get_local_constants``: the provider must read it there, at
    draw time, and cache what a draw may take from it in ``CONSTANTS_CACHE`` (per thread, cleared at both ends)."""
    with without_local_constants():
        assert len(providers.HypothesisProvider(None)._local_constants) == 0
    assert hasattr(providers.CONSTANTS_CACHE.cache, "clear")


@pytest.mark.parametrize("package", DRAW_PATH)
def test_each_package_a_run_preloads_is_still_a_package(package: str) -> None:
    """schemathesis/preload.py walks these packages before the workers start; a package renamed away would leave
    its modules to be imported by the workers, concurrently."""
    assert hasattr(importlib.import_module(package), "__path__")
