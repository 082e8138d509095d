"""pytest plugin: ``pytest --api events [--target-url URL]`` runs the contract test, one test item per check (and
nothing else: the project's own tests are not collected then); and the ``calendar_mock`` fixture serves the mock
to a project's own tests, on a free loopback port of the test process, configured by the ``calendar_mock`` marker.

Loaded in every pytest session through the ``pytest11`` entry point, so it only adds options until
``--api`` is given; nothing heavy is imported before that. Without ``--target-url`` it tests the mock in-process.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.apis import names, table

if TYPE_CHECKING:
    from mockserver.contract.results import RunResult
    from mockserver.server.embedded import RunningMock

_RESULT = pytest.StashKey["RunResult"]()


@contextmanager
def _dependencies_quiet() -> Iterator[None]:
    """The mock's and the tester's dependencies (Connexion, jsonschema, Starlette, Schemathesis) warn of their own
    deprecations on import and use: those are ours to follow, not the user's test suite's, whose
    ``filterwarnings = error`` would turn them into errors (an INTERNALERROR at collection)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        yield


_MARKER = (
    "calendar_mock(seed=0, count=1000, anchor='YYYY-MM-DD', fixtures={api: path}, scenarios=[{...}], apis=[...]): "
    "the data and scenarios the calendar_mock fixture starts the mock with"
)
_MOCK_OPTIONS = frozenset({"seed", "count", "anchor", "fixtures", "scenarios", "apis"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)


@pytest.fixture
def calendar_mock(request: pytest.FixtureRequest) -> Iterator[RunningMock]:
    """The mock on a free loopback port of this process for the test: ``.urls[api]`` (base URLs), ``.token``,
    ``.headers[api]`` (what a request needs), ``.set_scenario(...)``, ``.requests(...)``; configured by
    ``@pytest.mark.calendar_mock(seed=..., count=..., fixtures=..., scenarios=[...])``."""
    from datetime import date  # noqa: PLC0415

    marker = request.node.get_closest_marker("calendar_mock")
    options = dict(marker.kwargs) if marker is not None else {}
    unknown = sorted(options.keys() - _MOCK_OPTIONS)
    if unknown:
        raise pytest.UsageError(f"calendar_mock marker: unknown option(s) {', '.join(unknown)}")
    with _dependencies_quiet():
        from mockserver.server.embedded import running_mock  # noqa: PLC0415
        from mockserver.server.settings import Settings  # noqa: PLC0415

        given: dict[str, Any] = {k: options[k] for k in ("seed", "count") if k in options}
        if "anchor" in options:
            anchor = options["anchor"]
            given["anchor"] = anchor if isinstance(anchor, date) else date.fromisoformat(anchor)
        if "fixtures" in options:
            given["fixtures"] = {api: Path(path) for api, path in options["fixtures"].items()}
        if "apis" in options:
            given["apis"] = tuple(options["apis"])
        with running_mock(Settings(**given), options.get("scenarios", ())) as mock:
            yield mock


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "contract test of a calendar API (mockserver)")
    group.addoption(
        "--api", choices=names(), default=None, help="Run the contract test of this API (one test per check)."
    )
    group.addoption(
        "--target-url", default=None, metavar="URL", help="Base URL of the target (default: the mock, in-process)."
    )
    group.addoption("--contract-token", default=None, help="Bearer token for the target.")
    group.addoption("--contract-unscoped-token", default=None, help="A token lacking the read scope (403 check).")
    group.addoption("--contract-expired-token", default=None, help="A token the target issued that has expired.")
    group.addoption(
        "--contract-target-kind",
        default=None,
        choices=("mock", "deployment"),
        help="Hold the target to the mock's own rules too (mock) or to the API's alone (deployment).",
    )
    group.addoption("--contract-session-token", default=None, help="Session token header value.")
    group.addoption(
        "--contract-max-examples",
        type=int,
        default=None,
        help="Examples per phase (default: the same as mockserver fuzz).",
    )
    group.addoption("--contract-seed", type=int, default=0, help="Generation seed.")
    group.addoption("--contract-timeout", type=float, default=10.0, help="Seconds per request.")
    group.addoption(
        "--contract-report",
        default=None,
        metavar="FORMATS",
        help="Reports to write, as mockserver fuzz --report: junit, html, har, vcr, ndjson, json, pytest, allure, "
        "markdown, semantic.",
    )
    group.addoption(
        "--contract-report-dir",
        default=None,
        metavar="DIR",
        help="Where the reports and results.json go (default with --contract-report: mockserver-report).",
    )


class ContractItem(pytest.Item):
    """One check of the contract run; the run itself happens once, for the first item."""

    def runtest(self) -> None:
        from mockserver.contract.results import Verdict  # noqa: PLC0415

        result = _result(self.config)
        if result.fatal is not None:
            raise ContractCheckError(result.fatal)
        if self.name == "network":
            if result.errors:
                raise ContractCheckError("\n".join(result.errors))
            return
        check = next(c for c in result.checks if c.name == self.name)
        if check.verdict is Verdict.NOT_EXERCISED:
            pytest.skip(f"{check.name} not exercised: {check.reason}")
        if check.verdict is Verdict.NOT_APPLICABLE:
            pytest.skip(f"{check.name} not applicable: {check.reason}")
        if check.verdict is Verdict.FAILED:
            found = [f for f in result.failures if f.check == check.name]
            raise ContractCheckError("\n\n".join(f"{f.message}\nReproduce with:\n{f.curl}" for f in found))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ContractCheckError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return f"contract/{self.config.getoption('api')}", None, f"contract::{self.name}"


class ContractCheckError(AssertionError):
    """A check that failed or never fired."""


def _options(config: pytest.Config) -> Any:
    from mockserver.contract.options import DEFAULT_MAX_EXAMPLES, FuzzOptions  # noqa: PLC0415

    api = config.getoption("api")
    url = config.getoption("target_url")
    app = None
    if url is None:
        from mockserver.server.app import create_app  # noqa: PLC0415
        from mockserver.server.settings import Settings  # noqa: PLC0415

        app = create_app(Settings())
        url = "http://testserver" + table(api).base_path
    formats: tuple[str, ...] = ()
    if config.getoption("contract_report") is not None:
        from mockserver.contract.reports.formats import FormatError, parse_formats  # noqa: PLC0415

        try:
            formats = parse_formats(config.getoption("contract_report"))
        except FormatError as exc:
            raise pytest.UsageError(f"--contract-report: {exc}") from None
    directory = config.getoption("contract_report_dir")
    return FuzzOptions(
        reports=formats,
        report_dir=Path(directory) if directory else (Path("mockserver-report") if formats else None),
        api=api,
        target=url,
        app=app,
        token=config.getoption("contract_token"),
        unscoped_token=config.getoption("contract_unscoped_token"),
        expired_token=config.getoption("contract_expired_token"),
        target_kind=config.getoption("contract_target_kind"),
        session_token=config.getoption("contract_session_token"),
        max_examples=config.getoption("contract_max_examples") or DEFAULT_MAX_EXAMPLES,
        seed=config.getoption("contract_seed"),
        timeout=config.getoption("contract_timeout"),
    )


def _result(config: pytest.Config) -> RunResult:
    if _RESULT not in config.stash:
        with _dependencies_quiet():
            from mockserver.contract.commands.fuzz import run_reported  # noqa: PLC0415
            from mockserver.contract.schemathesis.report_writers import ReportError  # noqa: PLC0415

        try:
            with _dependencies_quiet():
                config.stash[_RESULT] = run_reported(_options(config))[0]
        except ReportError as exc:
            raise pytest.UsageError(f"--contract-report: {exc}") from None
    return config.stash[_RESULT]


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``--api`` the session is the contract test alone: the project's own test files are not collected."""
    return True if config.getoption("api") is not None else None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    api = config.getoption("api")
    if api is None:
        return
    result = _result(config)
    names = ["credentials_check"] if result.fatal is not None else [c.name for c in result.checks]
    # A node id with a "module" part, so that reports name a class (JUnit's classname: contract.<api>).
    items.extend(
        ContractItem.from_parent(session, name=name, nodeid=f"contract/{api}::{name}") for name in [*names, "network"]
    )
