"""The HTTP session every request of a contract run goes through: bounded in time, size and reach.

Schemathesis's own transport reads a body whole, gunzips it without a cap and applies its timeout to each
socket read, so a target that drips one byte a second, sends 100 MB or a gzip bomb could hold the tester
forever or exhaust its memory. This session:

- gives each request one total deadline (connect, TLS, headers, every read, same-origin redirects): a
  watchdog shuts the socket down when it passes, whatever the request is waiting for;
- reads the body itself, in chunks, and stops at a size cap, counted both on the wire and decompressed
  (urllib3 decompresses at most one chunk per read, so a gzip bomb never grows past the cap);
- never follows a redirect to another origin (scheme, host, port) than the target's: that is a failure
  naming the ``Location``.

The body read is stored on the ``requests.Response`` before Schemathesis asks for it, so its checks see
the same response they would have read themselves.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from schemathesis.transport.requests import ManagedCookiesSession
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, InsecureRequestWarning, ProtocolError, ReadTimeoutError, SSLError

from mockserver.contract.credentials.tokens import TokenError, Tokens
from mockserver.contract.options import DEFAULT_MAX_BODY, format_size
from mockserver.contract.schemathesis.pacing import Pacer, mark_given_up, throttle_wait

__all__ = [
    "DEFAULT_MAX_BODY",
    "BodyTooLargeError",
    "BoundedSession",
    "Limits",
    "OffTargetRedirectError",
    "ResponseTimeoutError",
    "describe_error",
    "origin_of",
    "reached",
]

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one request may take: ``timeout`` seconds in all, ``max_body`` bytes, only ``origin``'s redirects."""

    timeout: float
    max_body: int = DEFAULT_MAX_BODY
    origin: str | None = None  # scheme://host:port of the target; None: follow no redirect off the first URL's
    verify: bool | str = True  # --tls-verify: check the target's certificate (True), not (False), or with a CA file
    cert: str | tuple[str, str] | None = None  # --request-cert (and --request-cert-key): a client certificate
    proxy: str | None = None  # --request-proxy: every request goes through this proxy


class ResponseTimeoutError(requests.exceptions.ReadTimeout):
    """No complete answer (headers and whole body) within the run's timeout."""

    def __init__(self, seconds: float, request: requests.PreparedRequest | None = None) -> None:
        self.seconds = seconds
        # Shaped like urllib3's read timeout, whose message Schemathesis parses for the duration.
        super().__init__(Exception(f"no complete answer in time (read timeout={seconds:g})"), request=request)

    def __str__(self) -> str:
        return f"no complete answer within {self.seconds:g} s (--timeout)"


class BodyTooLargeError(requests.exceptions.ChunkedEncodingError):
    """The body exceeds the size cap; the tester stopped reading it (the body is cut short on purpose)."""


class OffTargetRedirectError(requests.exceptions.RequestException):
    """A redirect to another origin than the target's, which the tester never follows."""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


@dataclass
class _Deadline:
    """One request's watchdog: when it fires, every socket the request used is shut down."""

    seconds: float
    expired: bool = False
    sockets: list[socket.socket] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    timer: threading.Timer | None = None

    def start(self) -> None:
        self.timer = threading.Timer(self.seconds, self.expire)
        self.timer.daemon = True
        self.timer.start()

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()

    def track(self, sock: object) -> None:
        if not isinstance(sock, socket.socket):
            return
        with self.lock:
            self.sockets.append(sock)
            late = self.expired
        if late:
            self._shut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the plain socket's shutdown, also under TLS: it wakes a read
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # blocked in the request's thread


_LOCAL = threading.local()


def _current() -> _Deadline | None:
    deadline: _Deadline | None = getattr(_LOCAL, "deadline", None)
    return deadline


def _track(sock: object) -> None:
    deadline = _current()
    if deadline is not None:
        deadline.track(sock)


# The socket is known to the watchdog once connected (new connections) or when taken from the pool (kept-alive
# ones); http.client may drop its own reference while the body is still read, so the socket itself is kept.
class _TrackedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)


class _TrackedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _track(getattr(connection, "sock", None))
        return connection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _track(getattr(connection, "sock", None))
        return connection


_TRACKED = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class _TrackingAdapter(HTTPAdapter):
    """Connections handed to a request are known to its watchdog."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _TRACKED

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools are their own classes: left untracked
            manager.pool_classes_by_scheme = _TRACKED
        return manager


class BoundedSession(ManagedCookiesSession):
    """A ``requests`` session whose every request ends within ``limits``; pass it to a case's ``call``."""

    def __init__(self, limits: Limits, pacer: Pacer | None = None, workers: int = 1) -> None:
        super().__init__()
        self.limits = limits
        self.pacer = pacer or Pacer()
        self.workers = workers  # requests in flight at once (parallel.py)
        self.tokens: Tokens | None = None  # the run's own token, renewed when it must be (credentials/tokens.py)
        if limits.verify is False:  # --tls-verify false was asked for: no warning on every request
            urllib3.disable_warnings(InsecureRequestWarning)
        self.sent = 0  # requests sent (a redirect chain counts once, each retry once more)
        self._count = threading.Lock()
        self.headers = CaseInsensitiveDict()
        for prefix in ("http://", "https://"):
            self.mount(prefix, _TrackingAdapter(pool_maxsize=max(10, workers)))

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        follow = bool(kwargs.get("allow_redirects", True))
        hooks = request.hooks.setdefault("response", [])
        if self._read_hook not in hooks:
            hooks.insert(0, self._read_hook)  # the body is read, bounded, before requests looks at it
        outer = _current()
        if outer is not None:  # a redirect hop: the first request's deadline covers it
            return self._send_within(request, outer, kwargs)
        kwargs.update(verify=self.limits.verify, cert=self.limits.cert)
        if self.limits.proxy is not None:
            kwargs["proxies"] = {"http": self.limits.proxy, "https": self.limits.proxy}
        tokens = self.tokens
        held = request.headers.get("Authorization")
        held = held.decode("latin-1") if isinstance(held, bytes) else held
        fresh = tokens.refreshed(held) if tokens is not None and held is not None else None
        if tokens is None or fresh is None:
            return self._paced(request, follow, kwargs)
        request.headers["Authorization"] = fresh
        response = self._paced(request, follow, kwargs)
        if fresh != f"Bearer {tokens.token}":  # the token in another form (scheme, spacing), sent on purpose
            return response
        if 200 <= response.status_code < 300:
            tokens.accepted = True
        elif response.status_code == 401 and tokens.accepted and tokens.lost is None:
            try:  # refused although accepted earlier: expired or revoked; renewed once, the request sent again
                renewed = tokens.refreshed(fresh) if tokens.renew() else None
            except TokenError:
                renewed = None
            if renewed is not None:
                request.headers["Authorization"] = renewed
                response = self._paced(request, follow, kwargs)
            if response.status_code == 401:
                tokens.lost = tokens.lost or "a renewed token was refused too"
                mark_given_up(response)  # the credentials' fault, not this request's: nothing judges it
                _LOCAL.given_up = True
        return response

    def _paced(self, request: requests.PreparedRequest, follow: bool, kwargs: dict[str, Any]) -> requests.Response:
        _LOCAL.given_up = False
        tries = 0
        while True:  # until an answer that is not throttled, or the pacer's retries are spent
            self.pacer.turn()
            response = self._send_paced(request, follow, dict(kwargs))
            wait = throttle_wait(response.status_code, response.headers)
            if wait is None:
                self.pacer.accepted()
                return response
            self.pacer.throttled(wait)
            if tries >= self.pacer.retries:
                self.pacer.gave_up()
                _LOCAL.given_up = True
                mark_given_up(response)
                return response
            tries += 1
            self.pacer.retried()
            response.close()

    def gave_up_last(self) -> bool:
        """Whether this thread's last request was still throttled after its retries."""
        return bool(getattr(_LOCAL, "given_up", False))

    def _send_paced(self, request: requests.PreparedRequest, follow: bool, kwargs: dict[str, Any]) -> requests.Response:
        with self._count:
            self.sent += 1
        deadline = _Deadline(self._seconds(kwargs.get("timeout")))
        _LOCAL.deadline = deadline
        deadline.start()
        try:
            response = self._send_within(request, deadline, kwargs)
        except requests.RequestException as exc:
            if deadline.expired and not isinstance(exc, OffTargetRedirectError | BodyTooLargeError):
                raise self._timeout(request) from None
            raise
        finally:
            deadline.cancel()
            _LOCAL.deadline = None
        if follow and response.is_redirect:  # the redirect get_redirect_target refused to follow
            location = response.headers.get("location", "")
            raise OffTargetRedirectError(
                f"redirect not followed: {response.status_code} with Location: {location}, "
                f"off the target {self._origin(response)}",
                request=response.request,
                response=response,
            )
        return response

    def _send_within(
        self, request: requests.PreparedRequest, deadline: _Deadline, kwargs: dict[str, Any]
    ) -> requests.Response:
        kwargs["stream"] = True  # never let requests read a body whole: the hook reads it
        kwargs["timeout"] = (deadline.seconds, deadline.seconds)
        response = super().send(request, **kwargs)
        if deadline.expired:
            response.close()
            raise self._timeout(request)
        return response

    def _read_hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        try:
            _read_body(response, self.limits.max_body)
        except BaseException:
            response.close()
            raise
        return response

    def _seconds(self, asked: Any) -> float:
        if isinstance(asked, int | float) and not isinstance(asked, bool) and asked > 0:
            return min(float(asked), self.limits.timeout)
        return self.limits.timeout

    def _timeout(self, request: requests.PreparedRequest) -> ResponseTimeoutError:
        return ResponseTimeoutError(self.limits.timeout, request=request)

    def _origin(self, response: requests.Response) -> str:
        return self.limits.origin or origin_of(response.request.url or "")

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        """Where requests may follow a redirect: the same origin as the target, or nowhere."""
        target = requests.Session.get_redirect_target(self, resp)
        if target is None or origin_of(urljoin(resp.url, target)) != self._origin(resp):
            return None
        return target


def _read_body(response: requests.Response, cap: int) -> None:
    """Read the whole body into ``response``, decompressed, refusing more than ``cap`` bytes either way."""
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    encoding = response.headers.get("content-encoding", "").strip().lower()
    try:
        while chunk := raw.read(CHUNK, decode_content=True):
            size += len(chunk)
            if size > cap or raw.tell() > cap:
                how = f", decompressed ({encoding})," if encoding not in ("", "identity") and size > cap else ""
                raise BodyTooLargeError(
                    f"the body{how} exceeds the {format_size(cap)} cap (--max-body); the tester stopped reading it",
                    request=response.request,
                )
            chunks.append(chunk)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc, request=response.request) from None
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc, request=response.request) from None
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc, request=response.request) from None
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc, request=response.request) from None
    response._content = b"".join(chunks)  # what requests' own ``content`` would have stored
    response._content_consumed = True
    raw.release_conn()


def _innermost(exc: BaseException) -> BaseException:
    """The exception at the bottom of requests' and urllib3's wrapping (MaxRetryError, ProtocolError, ...)."""
    for _ in range(8):
        reason = getattr(exc, "reason", None)
        inner = (
            reason
            if isinstance(reason, BaseException)
            else next((a for a in reversed(exc.args) if isinstance(a, BaseException)), exc.__cause__ or exc.__context__)
        )
        if inner is None:
            return exc
        exc = inner
    return exc


def _is_reset(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, ConnectionResetError) or any(
        s in text for s in ("Connection reset", "Connection aborted", "RemoteDisconnected", "[Errno 104]")
    )


def describe_error(exc: BaseException) -> str:
    """One line that names what went wrong with a request, for a person."""
    if isinstance(exc, ResponseTimeoutError):
        return f"Timeout: {exc}"
    if isinstance(exc, BodyTooLargeError):
        return f"Body too large: {exc}"
    if isinstance(exc, OffTargetRedirectError):
        return f"Redirect off the target: {exc}"
    inner = _innermost(exc)
    detail = (str(inner).strip().splitlines() or [type(inner).__name__])[0]
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error: {detail}"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"Timeout: no connection within the timeout ({detail})"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"Timeout: {detail}"
    if isinstance(inner, ConnectionRefusedError):
        return f"Connection refused: {detail}"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ConnectionError) and (
        _is_reset(inner) or _is_reset(exc)
    ):
        return f"Connection reset or closed by the target: {detail}"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"Answer cut short: {detail}"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return f"Undecodable body: {detail}"
    return f"{type(exc).__name__}: {detail}"


def reached(exc: BaseException) -> bool:
    """Whether the target answered something (a status line at least) before the request failed."""
    return isinstance(
        exc,
        OffTargetRedirectError | requests.exceptions.ContentDecodingError | requests.exceptions.ChunkedEncodingError,
    )  # BodyTooLargeError is a ChunkedEncodingError
