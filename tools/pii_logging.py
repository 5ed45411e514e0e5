"""Mask personal data in every log record the process makes, whoever logs it.

Puhui's own code masks what it logs, but libraries do not: uvicorn's access log prints the request
path with its query string, an exception message can quote the input that failed. A record factory
(``install``) masks each record as it is made — its message, its string arguments and the traceback
text — so no handler, formatter or log file ever sees a number in clear. Arguments keep their type
and position (uvicorn's access formatter unpacks ``record.args``); only strings are rewritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from tools.pii import mask_pii

_FORMATTER = logging.Formatter()


def _mask_arg(value: Any) -> Any:
    if isinstance(value, str):
        return mask_pii(value) if any(c.isdigit() for c in value) else value
    if isinstance(value, (bytes, bytearray)):
        return mask_pii(bytes(value).decode("utf-8", errors="replace"))
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    text = str(value)  # any other object is formatted with %s: format it now, masked
    return mask_pii(text) if any(c.isdigit() for c in text) else value


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """``record`` with its message, string arguments and traceback masked (in place)."""
    if isinstance(record.msg, str):
        record.msg = mask_pii(record.msg)
    elif record.msg is not None and not isinstance(record.msg, (int, float)):
        record.msg = mask_pii(str(record.msg))
    if isinstance(record.args, tuple):
        record.args = tuple(_mask_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _mask_arg(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = mask_pii(_FORMATTER.formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = mask_pii(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_pii(record.stack_info)
    return record


class PiiMaskingFilter(logging.Filter):
    """The same masking as a filter, for a handler that is configured by hand (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed: Callable[..., logging.LogRecord] | None = None


def install() -> None:
    """Make every later log record masked (idempotent; the composition roots call it at start-up)."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed is not None and current is _installed:
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        try:
            return mask_record(record)
        except Exception:  # noqa: BLE001 — a log line must never fail because masking did
            record.msg, record.args = "[log record withheld: masking failed]", ()
            return record

    logging.setLogRecordFactory(factory)
    _installed = factory
