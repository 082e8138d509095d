"""The ``mockserver`` script and ``python -m mockserver``: the command line (``mockserver.cli``).

Loading it takes a moment (click, then every command's modules): a Ctrl-C meanwhile exits with 130 and no traceback,
as one while a command runs does."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    try:
        from mockserver.cli import main as run  # noqa: PLC0415  (imported here: a Ctrl-C during the import is caught)
    except KeyboardInterrupt:
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
