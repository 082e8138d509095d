"""Connexion's own mock (`--mock=all`: examples from the spec) on uvicorn, the way `connexion run` serves it.

Two adjustments let it answer at all, neither of which makes it faster: the copy of the spec it serves
keeps only the JSON responses (Connexion's mock cannot pick between `application/json` and
`application/problem+json`: connexion#1956), and its schemes name a token function that accepts any
bearer token (our specs name none). `connexion run` itself also watches files and reloads; this does not.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from connexion import AsyncApp
from connexion.mock import MockResolver


def mock_spec(path: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for item in spec["paths"].values():
        for op in item.values():
            op["responses"] = {code: r for code, r in op["responses"].items() if code.startswith("2")}
    for scheme in spec["components"]["securitySchemes"].values():
        scheme["x-bearerInfoFunc"] = scheme["x-tokenInfoFunc"] = "peer_auth.accept"
    return spec


def main() -> None:
    spec_path, port = sys.argv[1], int(sys.argv[2])
    base = "/main" if "interventions" in spec_path else ""
    app = AsyncApp(__name__)
    app.add_api(mock_spec(spec_path), base_path=base, resolver=MockResolver(mock_all=True))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=True)


if __name__ == "__main__":
    main()
