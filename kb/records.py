"""Small files in the data dir that a reader must never see half-written (FAQ scope, calibrated
threshold, imported FAQ files, the chain graph): one atomic text write, and one validated read of a
Pydantic record that names the file and the way out when it is corrupt."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` through a temp file in the same folder and
    ``os.replace``: a reader sees the old file or the new one, never half; a failed write leaves no temp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_record(path: Path, model: type[M], what: str, remedy: str) -> M | None:
    """The record in ``path``, or None when there is no file. A file that does not validate raises
    ValueError ``"<path>: not a valid <what> (<first error>); <remedy>"``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise ValueError(f"{path}: not a valid {what} ({exc.errors()[0]['msg']}); {remedy}") from None
