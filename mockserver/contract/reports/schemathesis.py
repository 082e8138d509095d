"""Schemathesis's own report writers (HTML, HAR, VCR, NDJSON, JSON, pytest, Allure), fed the run's events (its JUnit
writer makes one case per operation: ours, ``junit.py``, one per check).

The run hands every event to :class:`SchemathesisReports`, as ``st run``'s event loop hands them to its handlers:
the engine's, and the scenarios of the edge requests the run sends itself, so that the contract's checks appear in
every report like built-in checks. The handlers are built from the schema's own configuration when it is loaded
(``LoadingFinished``), so its sanitization and seed are theirs. The execution context also records and reads the
``--baseline`` file as ``st run`` does.
"""

from __future__ import annotations

import warnings
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

from mockserver.contract.reports.formats import SCHEMATHESIS, report_path
from mockserver.contract.results import RunResult

__all__ = ["ReportError", "SchemathesisReports"]


class ReportError(Exception):
    """A report that cannot be written (a folder that cannot be created, an extra not installed); one line."""


@dataclass
class SchemathesisReports:
    """Listens to a run's events and writes the Schemathesis reports asked for; ``close`` finishes them."""

    formats: tuple[str, ...]  # Schemathesis's format names only
    directory: Path | None
    ctx: ExecutionContext | None = None
    handlers: list[EventHandler[Any]] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        """The files and folders this run writes."""
        return [report_path(self.directory, name) for name in self.formats if self.directory is not None]

    def __call__(self, event: events.EngineEvent) -> None:
        if isinstance(event, LoadingFinished):
            self._start(event)
        if self.ctx is None:
            return
        self.ctx.on_event(event)
        for handler in self.handlers:
            handler.handle_event(self.ctx, event)

    def _start(self, event: LoadingFinished) -> None:
        config = event.config
        directory = self.directory or Path()
        paths: dict[str, Any] = {f"{name}_path": str(report_path(directory, name)) for name in self.formats}
        config.reports.update(formats=[ReportFormat(name) for name in self.formats if name in SCHEMATHESIS], **paths)
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
        """Let every writer finish."""
        if self.ctx is None:
            return
        for handler in self.handlers:
            handler.shutdown(self.ctx)
