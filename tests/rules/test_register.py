"""The register against the specs, the mock tests, the contract checks and the broken servers: nothing unaccounted."""

from __future__ import annotations

import importlib
import itertools
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rules.register import ROOT, RULE_CLASSES, Entry, all_spec_sentences, load_register, split_sentences

_PARAMETER_SET = type(pytest.param(None))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return load_register()


@pytest.fixture(scope="module")
def rules(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.is_rule]


def _lines(items: list[str]) -> str:
    return "".join(f"\n  {item}" for item in items)


def test_every_spec_sentence_has_an_entry(entries: list[Entry]) -> None:
    missing = Counter(all_spec_sentences()) - Counter(entry.sentence for entry in entries)
    assert not missing, f"{sum(missing.values())} spec sentences have no entry in register.yaml:" + _lines(
        [f"{s.api} {s.where}: {s.words!r}" for s in missing.elements()]
    )


def test_every_entry_stands_in_the_spec(entries: list[Entry]) -> None:
    spec = all_spec_sentences()
    stale = [entry for entry in entries if entry.sentence not in set(spec)]

    def now(entry: Entry) -> str:
        there = [s.words for s in spec if (s.api, s.where) == (entry.api, entry.where)]
        return f"{entry.name}: {entry.words!r} is not at {entry.api} {entry.where}, which now says {there}"

    assert not stale, "entries whose words the spec no longer has there (update the register):" + _lines(
        [now(entry) for entry in stale]
    )


def test_no_sentence_has_two_entries(entries: list[Entry]) -> None:
    spec = Counter(all_spec_sentences())
    extra = Counter(entry.sentence for entry in entries if entry.sentence in spec) - spec
    assert not extra, "sentences with more than one entry:" + _lines([f"{s.api} {s.where}: {s.words!r}" for s in extra])


def test_ids_are_unique(rules: list[Entry]) -> None:
    repeated = [name for name, count in Counter(rule.id for rule in rules).items() if count > 1]
    assert not repeated, f"ids used twice: {repeated}"


def test_ids_start_with_their_api(rules: list[Entry]) -> None:
    wrong = [f"{rule.id} (api {rule.api})" for rule in rules if not str(rule.id).startswith(f"{rule.api}.")]
    assert not wrong, "ids look like <api>.<topic>.<name>:" + _lines(wrong)


def test_each_entry_is_a_rule_or_informative(entries: list[Entry]) -> None:
    def problem(entry: Entry) -> str | None:
        if entry.is_rule == bool(entry.informative):
            return "has both an id and an informative reason, or neither"
        if entry.informative and (entry.mock or entry.checks or entry.broken or entry.unobservable):
            return "is informative but lists mock tests, checks, broken servers or an unobservable reason"
        return None

    wrong = [f"{entry.name} {why}" for entry in entries if (why := problem(entry))]
    assert not wrong, "entries are {id, ...} rules or {informative: why} sentences:" + _lines(wrong)


def test_rules_have_mock_tests(rules: list[Entry]) -> None:
    bare = [str(rule.id) for rule in rules if not rule.mock]
    assert not bare, "rules without a mock test:" + _lines(bare)


def _pytest_id(value: object, argname: str, index: int) -> str:
    """The part of a test id pytest derives from one parameter value (strings and numbers as is)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return str(value)
    return f"{argname}{index}"


def _parametrized_ids(function: Callable[..., Any]) -> set[str]:
    """The ids pytest gives the cases of ``function``: explicit ids, else derived from values, marks in order."""
    per_mark: list[list[str]] = []
    for mark in (m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"):
        argnames, argvalues = mark.args[0], mark.args[1]
        names = [n.strip() for n in argnames.split(",")] if isinstance(argnames, str) else list(argnames)
        given = mark.kwargs.get("ids")
        labels = []
        for index, case in enumerate(argvalues):
            if isinstance(case, _PARAMETER_SET) and case.id is not None:
                labels.append(str(case.id))
            elif isinstance(given, list | tuple) and index < len(given) and given[index] is not None:
                labels.append(str(given[index]))
            else:
                values = case.values if isinstance(case, _PARAMETER_SET) else (case,) if len(names) == 1 else case
                labels.append("-".join(_pytest_id(v, n, index) for v, n in zip(values, names, strict=True)))
        per_mark.append(labels)
    return {"-".join(combination) for combination in itertools.product(*per_mark)} if per_mark else set()


def _missing_test(node_id: str) -> str | None:
    """Why ``node_id`` names no test (``path::function``, ``path::Class::function``, ``[case id]``), or None."""
    path, _, name = node_id.partition("::")
    if not (ROOT / path).is_file() or not path.endswith(".py") or not name:
        return f"{path} is not a test file, or no test is named after '::'"
    name, bracket, case = name.partition("[")
    target: Any = importlib.import_module(".".join(Path(path).with_suffix("").parts))
    for part in name.split("::"):
        target = getattr(target, part, None)
        if target is None:
            return f"{path} has no {name}"
    if not (callable(target) and name.rsplit("::", 1)[-1].startswith("test")):
        return f"{name} in {path} is not a test function"
    if bracket and case.removesuffix("]") not in _parametrized_ids(target):
        return f"{name} in {path} has no case [{case}"
    return None


def test_mock_tests_exist(rules: list[Entry]) -> None:
    missing = [f"{rule.id}: {node}: {why}" for rule in rules for node in rule.mock if (why := _missing_test(node))]
    assert not missing, "mock tests that do not exist:" + _lines(missing)


def test_rules_have_checks_or_a_reason_they_are_unobservable(rules: list[Entry]) -> None:
    wrong = [str(rule.id) for rule in rules if bool(rule.checks) == bool(rule.unobservable)]
    wrong += [
        f"{rule.id} (unobservable, yet lists broken servers)" for rule in rules if rule.unobservable and rule.broken
    ]
    assert not wrong, "rules need either checks (with broken) or an unobservable reason, not both:" + _lines(wrong)


def contract_check_names() -> frozenset[str]:
    """The names a rule may list in ``checks``: the contract tester's own, and Schemathesis's built-ins."""
    checks = importlib.import_module("mockserver.contract.checks")
    ours = getattr(checks, "CHECK_NAMES", None)
    if ours is None:
        semantic, auth = getattr(checks, "SEMANTIC_CHECKS", ()), getattr(checks, "AUTH_CHECKS", ())
        ours = [check.__name__ for check in (*semantic, *auth)]
    importlib.import_module("schemathesis.specs.openapi.checks")  # registers the OpenAPI built-ins
    builtins = importlib.import_module("schemathesis.checks").CHECKS.get_all()
    return frozenset([*ours, *(check.__name__ for check in builtins)])


def test_check_names_are_contract_checks(rules: list[Entry]) -> None:
    known = contract_check_names()
    unknown = sorted({f"{name} (in {rule.id})" for rule in rules for name in rule.checks or () if name not in known})
    assert not unknown, f"check names that are not contract checks (known: {sorted(known)}):" + _lines(unknown)


def test_observable_rules_have_a_broken_server(rules: list[Entry]) -> None:
    unproven = [str(rule.id) for rule in rules if rule.checks and not rule.broken]
    assert not unproven, f"{len(unproven)} observable rules name no broken server that breaks them:" + _lines(unproven)


def test_broken_servers_are_in_the_catalogue(rules: list[Entry]) -> None:
    catalogue = getattr(importlib.import_module("tests.contract.breakages"), "CATALOGUE", {})
    unknown = sorted(
        {f"{name} (in {rule.id})" for rule in rules for name in rule.broken or () if name not in catalogue}
    )
    assert not unknown, "broken servers that tests.contract.breakages.CATALOGUE does not have:" + _lines(unknown)


def test_sentences_are_cut_by_the_documented_splitter() -> None:
    # The splitter's contract, on a description shaped like the specs' own.
    text = "**Paging.** `page` is 1-based. `page < 1` gives\n  nothing (e.g. 0). Below 1.\n\nNext paragraph"
    assert split_sentences(text) == [
        "**Paging.** `page` is 1-based.",
        "`page < 1` gives nothing (e.g. 0).",
        "Below 1.",
        "Next paragraph",
    ]


def test_spec_sentences_skip_example_data() -> None:
    words = {sentence.words for sentence in all_spec_sentences()}
    assert "Description of the intervention" not in words  # a `description` field of the example response


def test_pointers_escape_slashes_in_path_names() -> None:
    wheres = {sentence.where for sentence in all_spec_sentences()}
    assert {"/paths/~1calendar~1v2~1rs~1events/get/description", "/paths/~1events/get/description"} <= wheres


def test_every_rule_is_classed_as_the_apis_or_the_mocks(rules: list[Entry]) -> None:
    unclassed = [rule.name for rule in rules if rule.rule_class not in RULE_CLASSES]
    assert unclassed == [], f"each rule needs class: api or class: mock: {unclassed}"


def test_only_rules_have_a_class(entries: list[Entry]) -> None:
    assert [e.name for e in entries if not e.is_rule and e.rule_class is not None] == []


def test_checks_a_deployment_is_never_held_to_verify_mock_rules_only(rules: list[Entry]) -> None:
    """A check the tester declares not applicable to a deployment verifies no rule of the API's."""
    from mockserver.contract.checks import MOCK_CHECKS  # noqa: PLC0415

    api_rules = {
        name: [r.id for r in rules if r.rule_class == "api" and name in (r.checks or ())] for name in MOCK_CHECKS
    }
    assert {name: ids for name, ids in api_rules.items() if ids} == {}
