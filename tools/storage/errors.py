"""Which failures mean "a store is unreachable right now" (retry later: HTTP 503 + Retry-After) rather
than a bug (HTTP 500): Postgres refused or dropped the connection, the pool had none for its timeout,
the Chroma server did not answer. Recognised by type along the exception's cause chain, because the
libraries (LangGraph's saver, chromadb's HTTP client) raise their own errors from deep inside.
"""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The database or vector server could not be reached; nothing was written by this request."""


#: (module prefix, class name) of the libraries' own "could not reach the server" errors
_UNREACHABLE = {
    ("psycopg", "OperationalError"), ("psycopg", "InterfaceError"), ("psycopg_pool", "PoolTimeout"),
    ("psycopg_pool", "TooManyRequests"), ("httpx", "ConnectError"), ("httpx", "ConnectTimeout"),
    ("httpx", "ReadError"), ("httpx", "RemoteProtocolError"), ("httpx", "ReadTimeout"), ("httpcore", "ConnectError"),
    ("builtins", "ConnectionRefusedError"), ("builtins", "ConnectionResetError"),
}


def is_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or anything in its cause/context chain) is an unreachable-store error."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StoreUnavailable):
            return True
        for cls in type(exc).__mro__:
            if (cls.__module__.split(".")[0], cls.__name__) in _UNREACHABLE:
                return True
        if type(exc).__module__.startswith("chromadb") and "connect" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False
