"""Schemathesis's own report writers (HTML, HAR, VCR, NDJSON, JSON, pytest, Allure), fed the run's events (its JUnit
writer makes one case per operation: ours, ``junit.py``, one per check).

The run hands every event to :class:`ReportWriters`, as ``st run``'s event loop hands them to its handlers:
the engine's, and the scenarios of the edge requests the run sends itself, so that the contract's checks appear in
every report like built-in checks. The handlers are built from the schema's own configuration when it is loaded
(``LoadingFinished``), so its sanitization and seed are theirs. The execution context also records and reads the
``--baseline`` file as ``st run`` does.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from schemathesis.cli.commands.run.context import ExecutionContext
from schemathesis.cli.commands.run.handlers.base import EventHandler
from schemathesis.cli.events import LoadingFinished
from schemathesis.cli.executor import initialize_report_handlers
from schemathesis.config import ReportFormat
from schemathesis.engine import events

from mockserver.contract.results import RunResult
from mockserver.core.configfile import SECRETS

__all__ = ["COMMAND_LOOKUPS", "ReportError", "ReportWriters", "command_line"]

# Schemathesis names the command that ran (in schemathesis.json, the cassette, the NDJSON and HTML reports) from
# sys.argv, and knows only `st`, `pytest` and `python -m` of those two: anything else is "<unknown entrypoint>".
# These modules hold the function it asks (internals: tests/contract/test_reports.py names each); while a run
# writes its reports, ours answers for a command it does not know.
COMMAND_LOOKUPS = (
    "schemathesis.reporting._command",
    "schemathesis.cli.commands.run.handlers.ndjson",
    "schemathesis.cli.commands.run.handlers.vcr",
)
_LOOKUP = "get_command_representation"
_UNKNOWN = "<unknown entrypoint>"
_SECRET_FLAGS = frozenset({"--" + name.replace("_", "-") for name in SECRETS["fuzz"]} | {"--header"})
_FILTERED = "[Filtered]"


def command_line(argv: Sequence[str]) -> str:
    """``mockserver fuzz ...`` as it was run, every secret option's value filtered."""
    words, hide = ["mockserver"], False
    for arg in argv[1:]:
        flag, equals, _ = arg.partition("=")
        if hide:
            words.append(_FILTERED)
        elif equals and flag in _SECRET_FLAGS:
            words.append(f"{flag}={_FILTERED}")
        else:
            words.append(arg)
        hide = not hide and not equals and arg in _SECRET_FLAGS
    return " ".join(words)


def _ours(original: Callable[..., str]) -> Callable[..., str]:
    def named(*args: Any, **kwargs: Any) -> str:
        found = original(*args, **kwargs)
        program = os.path.basename(sys.argv[0])
        known = program == "mockserver" or sys.argv[0].endswith(os.path.join("mockserver", "__main__.py"))
        return command_line(sys.argv) if found == _UNKNOWN and known else found

    return named


class ReportError(Exception):
    """A report that cannot be written (a folder that cannot be created, an extra not installed); one line."""


@dataclass
class ReportWriters:
    """Listens to a run's events and writes the Schemathesis reports asked for; ``close`` finishes them."""

    paths: dict[str, Path]  # where each report is written, by Schemathesis's name of its format
    ctx: ExecutionContext | None = None
    handlers: list[EventHandler[Any]] = field(default_factory=list)
    replaced: list[tuple[Any, Callable[..., str]]] = field(default_factory=list)  # (module, its own lookup)

    def __call__(self, event: events.EngineEvent) -> None:
        if isinstance(event, LoadingFinished):
            self._start(event)
        if self.ctx is None:
            return
        self.ctx.on_event(event)
        for handler in self.handlers:
            handler.handle_event(self.ctx, event)

    def _start(self, event: LoadingFinished) -> None:
        for name in COMMAND_LOOKUPS:
            module = importlib.import_module(name)
            original = getattr(module, _LOOKUP)
            self.replaced.append((module, original))
            setattr(module, _LOOKUP, _ours(original))
        config = event.config
        paths: dict[str, Any] = {f"{name}_path": str(path) for name, path in self.paths.items()}
        config.reports.update(formats=[ReportFormat(name) for name in self.paths], **paths)
        try:
            with warnings.catch_warnings():  # Schemathesis opens each report file to test it and leaves it to the GC
                warnings.simplefilter("ignore", ResourceWarning)
                self.handlers = initialize_report_handlers(config=config, args=[], params={})
        except ImportError:  # the only optional writer
            raise ReportError(
                "--report allure needs Schemathesis's allure extra: pip install 'schemathesis[allure]==4.32.5'"
            ) from None
        except click.ClickException as exc:
            raise ReportError(exc.format_message()) from None
        self.ctx = ExecutionContext(config=config)
        for handler in self.handlers:
            handler.start(self.ctx)

    def close(self, result: RunResult) -> None:
        """Let every writer finish, then give Schemathesis its own command lookup back."""
        try:
            if self.ctx is not None:
                for handler in self.handlers:
                    handler.shutdown(self.ctx)
        finally:
            for module, original in reversed(self.replaced):
                setattr(module, _LOOKUP, original)
            self.replaced.clear()
