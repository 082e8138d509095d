"""A run's verdict as a JSON file (``results.json``): what ``mockserver report merge`` reads back from each shard."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from mockserver.contract.results import CheckResult, Coverage, FailureReport, RunResult

__all__ = ["VERSION", "VerdictFileError", "dump", "load"]

VERSION = 1


class VerdictFileError(ValueError):
    """A results file that cannot be read; the message names the file and what is wrong (one line)."""


def _coverage(cov: Coverage) -> dict[str, Any]:
    return {
        "responses": cov.responses,
        "non_empty": cov.non_empty,
        "pages": {str(k): v for k, v in cov.pages.items()},
        "last_pages": cov.last_pages,
        "order_by": dict(cov.order_by),
        "filters": dict(cov.filters),
    }


def dump(result: RunResult, path: Path) -> None:
    document = {
        "version": VERSION,
        "api": result.api,
        "target": result.target,
        "seed": result.seed,
        "shard": list(result.shard),
        "checks": [
            {
                "name": c.name,
                "semantic": c.semantic,
                "runs": c.runs,
                "fired": c.fired,
                "failures": c.failures,
                "reason": c.reason,
                "applicable": c.applicable,
            }
            for c in result.checks
        ],
        "failures": [
            {"check": f.check, "title": f.title, "message": f.message, "curl": f.curl} for f in result.failures
        ],
        "errors": result.errors,
        "coverage": _coverage(result.coverage),
        "requests": result.requests,
        "sent": result.sent,
        "retried": result.retried,
        "given_up": result.given_up,
        "survey_records": result.survey_records,
        "elapsed": result.elapsed,
        "fatal": result.fatal,
        "interrupted": result.interrupted,
        "stopped": result.stopped,
        "target_kind": result.target_kind,
        "kind_reason": result.kind_reason,
        "learned": result.learned,
        "data_changes": result.data_changes,
        "timings": [[status, seconds] for status, seconds in result.timings],
        "reached": {name: [[f, v, n] for (f, v), n in sorted(c.items())] for name, c in sorted(result.reached.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))


def load(path: Path) -> RunResult:
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("version") != VERSION:
            raise VerdictFileError(f"{path}: not a results file of this version (version {data.get('version')!r})")
        cov = data["coverage"]
        result = RunResult(
            api=data["api"],
            target=data["target"],
            seed=data["seed"],
            shard=(int(data["shard"][0]), int(data["shard"][1])),
            checks=[CheckResult(**c) for c in data["checks"]],
            failures=[FailureReport(**f) for f in data["failures"]],
            errors=list(data["errors"]),
            coverage=Coverage(
                responses=cov["responses"],
                non_empty=cov["non_empty"],
                pages=Counter({int(k): v for k, v in cov["pages"].items()}),
                last_pages=cov["last_pages"],
                order_by=Counter(cov["order_by"]),
                filters=Counter(cov["filters"]),
            ),
            requests=data["requests"],
            sent=data["sent"],
            retried=data.get("retried", 0),
            given_up=data.get("given_up", 0),
            survey_records=data["survey_records"],
            elapsed=data["elapsed"],
            fatal=data["fatal"],
            interrupted=data["interrupted"],
            stopped=data["stopped"],
            target_kind=data.get("target_kind", "mock"),
            kind_reason=data.get("kind_reason", ""),
            learned=list(data.get("learned", [])),
            data_changes=list(data.get("data_changes", [])),
            timings=[(int(s), float(t)) for s, t in data["timings"]],
            reached={name: Counter({(f, v): n for f, v, n in rows}) for name, rows in data["reached"].items()},
        )
    except OSError as exc:
        raise VerdictFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        if isinstance(exc, VerdictFileError):
            raise
        raise VerdictFileError(f"{path}: not a results file written by mockserver fuzz ({exc})") from None
    return result
