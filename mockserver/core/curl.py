"""The curl command that sends a request again, safe to paste into a POSIX shell (bash, zsh, dash).

One builder for every curl line the project prints: the inspector's (``/__mock/requests`` entries carry it) and
the contract tester's. Every literal word (the method, each ``Name: value`` header, the body, the URL) is one
``shlex.quote``d word, so nothing a request carried (``'``, ``$()``, backticks, ``;``, newlines) can run or end
the command. A secret is never written: a header whose whole value, or whose token after its scheme
(``Bearer <token>``), is one of ``secrets`` is written with its variable outside the quotes, ``'Authorization:
Bearer '"$MOCKSERVER_TOKEN"``, so that the shell expands it and nothing else. Matching is exact, per header:
never a search over the line.

Pasted with the variables exported, the command hands curl the method, the URL and each header as given, in
order; ``--globoff`` and ``--path-as-is`` are added when the URL needs them for curl to send its target as is
(brackets and braces, dot segments), and an empty value is written ``Name;`` (curl's spelling of an empty
header: ``Name:`` would remove it).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping

__all__ = ["curl_command"]

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOT_SEGMENT = re.compile(r"/(\.|%2e){1,2}(/|\?|#|$)", re.IGNORECASE)
_GLOB = frozenset("[]{}")


def curl_command(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: str | None = None,
    secrets: Mapping[str, str] | None = None,
) -> str:
    """``curl -X METHOD [-H 'Name: value']... [--data-raw BODY] URL``, each word quoted for a POSIX shell.

    ``url`` is the full URL as sent (scheme, host, path and query string, unchanged); ``headers`` are sent in
    order, repeated names included; ``secrets`` maps a secret header value (or the token after an
    authorization scheme) to the environment variable that holds it.
    """
    if url.startswith("-"):
        raise ValueError(f"a URL, not an option: {url!r}")
    found = {value: _variable(name) for value, name in (secrets or {}).items() if value}
    words = ["curl", "-X", shlex.quote(method)]
    if _GLOB.intersection(url):
        words.append("--globoff")
    if _DOT_SEGMENT.search(url.split("?", 1)[0].split("#", 1)[0].partition("://")[2]):
        words.append("--path-as-is")
    for name, value in headers:
        words += ["-H", _header(name, value, found)]
    if body is not None:
        words += ["--data-raw", shlex.quote(body)]  # never --data-binary: a body starting with @ names no file
    words.append(shlex.quote(url))
    return " ".join(words)


def _variable(name: str) -> str:
    if not _VARIABLE.fullmatch(name):
        raise ValueError(f"not a shell variable name: {name!r}")
    return f'"${name}"'


def _header(name: str, value: str, secrets: Mapping[str, str]) -> str:
    expanded = secrets.get(value)
    if expanded is not None:
        return shlex.quote(f"{name}: ") + expanded
    scheme, space, token = value.partition(" ")
    expanded = secrets.get(token) if space else None
    if expanded is not None:
        return shlex.quote(f"{name}: {scheme} ") + expanded
    return shlex.quote(f"{name}: {value}" if value else f"{name};")
