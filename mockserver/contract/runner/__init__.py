"""Run one contract test: check the credentials, survey the data, fuzz with Schemathesis, gather the verdicts."""

from mockserver.contract.runner.job import Listener, Progress
from mockserver.contract.runner.steps import run

__all__ = ["Listener", "Progress", "run"]
