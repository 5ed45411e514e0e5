"""One typed settings object for the whole suite.

Only composition roots (app.py, the CLI, the eval runner) build it; lower layers receive the values
they need as explicit parameters. Every field can be set as ``PUHUI_<FIELD>`` in the environment or in
a ``.env`` file; ``.env.example`` lists them all (a unit test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Runtime configuration (env prefix ``PUHUI_``)."""

    model_config = SettingsConfigDict(
        env_prefix="PUHUI_", env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # --- paths -------------------------------------------------------------------------------
    corpus_dir: Path = Field(PROJECT_ROOT / "kb" / "corpus", description="Knowledge-base source files")
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Runtime state: index, graph, sessions, audit")
    shared_data_dir: Path = Field(
        PROJECT_ROOT.parent / "shared" / "data", description="Public datasets (benchmarks, imports)"
    )

    # --- embeddings --------------------------------------------------------------------------
    embedding_provider: Literal["e5", "sentence-transformers", "openai"] = "e5"
    embedding_model: str = Field("", description="Model name/path (sentence-transformers or openai)")
    embedding_base_url: str = ""
    embedding_api_key: SecretStr = SecretStr("")
    embedding_threads: int = Field(1, ge=1, le=64, description="CPU threads for the e5 engine")
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    embedding_adapter: bool = Field(
        True, description="Apply the trained bank-question adapter (kb/models/e5_bank_adapter.npz) to the KB index's e5 vectors"
    )
    embedding_query_memo: int = Field(
        4096, ge=0, le=1_000_000, description="Query vectors kept in memory per process (LRU; 0 = off)")
    embedding_cache_dir: Path | None = Field(
        None, description="Content-hash vector cache (default data_dir/embed_cache); safe to share between processes"
    )

    # --- vector store ------------------------------------------------------------------------
    chroma_mode: Literal["embedded", "server"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(8001, ge=1, le=65535)
    collection: str = Field("puhui-kb", min_length=3, max_length=512, pattern=r"^[a-zA-Z0-9._-]+$")

    # --- LLM (optional) ----------------------------------------------------------------------
    llm_provider: Literal["none", "openai"] = "none"
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_model: str = ""
    llm_timeout_s: float = Field(20.0, gt=0, le=600)
    llm_max_retries: int = Field(1, ge=0, le=5)
    llm_temperature: float = Field(0.2, ge=0, le=2)
    llm_max_tokens: int = Field(1024, ge=16, le=32768, description="Output cap per model call")
    llm_structured_method: Literal["tool", "json", "prompt"] = Field(
        "tool", description="Typed output via a forced tool call; JSON mode (json_object) for servers "
        "without named tool_choice; or prompt (schema in the prompt, unconstrained decoding) for servers "
        "whose constrained decoding can spin, e.g. llama.cpp with a small model")
    llm_max_inflight: int = Field(4, ge=1, le=256, description="Concurrent (incl. abandoned) model calls")
    llm_circuit_cooldown_s: float = Field(
        15.0, ge=0, le=3600, description="After a model call times out or cannot connect, skip the model for "
        "this many seconds (deterministic fallback at once); 0 turns the circuit breaker off")

    # --- server ------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    api_keys: str = Field(
        "",
        description="Comma-separated API keys, each key:customer_id (a customer: only its own sessions) or "
        "key:staff:name (bank staff: loan review, chain map, KB, QA over all dialogs, copilot). Empty: a dev staff "
        "key and a dev customer key are generated into data_dir/api_keys.txt at first start.",
    )
    ui_users: str = Field("", description="Comma-separated user:password pairs for the staff workbench")
    rate_limit_per_min: int = Field(120, ge=1, le=100000)
    cs_turn_memo: int = Field(
        4096, ge=0, le=1_000_000, description="Customer-service FAQ-match and KB-search results kept per process by "
        "query text (LRU; 0 = off)")

    # --- state store and scale-out -------------------------------------------------------------
    database_url: SecretStr = Field(
        SecretStr(""), description="Empty: embedded SQLite files under data_dir (checkpoints, sessions, audit). "
        "postgresql://user:pass@host:port/db: LangGraph checkpoints, customer-service sessions and the loan audit "
        "log in that Postgres database (required for several hosts)")
    database_pool_size: int = Field(8, ge=1, le=200, description="Postgres connections per worker process")
    database_timeout_s: float = Field(
        2.0, gt=0, le=120, description="Longest wait for a database connection before a request fails with 503")
    retry_after_s: int = Field(2, ge=1, le=3600, description="Retry-After of a 503 when a store is unreachable")
    workers: int = Field(1, ge=1, le=64, description="`puhui serve` worker processes (uvicorn workers)")

    # --- issue #20: a bank's own corpus roots beside ours --------------------------------------
    extra_corpora: str = Field(
        "", description="More corpus roots indexed beside corpus_dir, as name=path pairs separated by commas "
                        "(e.g. jining=/data/jining_faq); the name is the `source` search filters on")

    # --- compliance (issue #19) ------------------------------------------------------------------
    prohibited_policy_file: Path | None = Field(
        None, description="The prohibited-business list loan review declines on (YAML). Empty: "
        "data_dir/policies/prohibited_business.rules.yaml when present, else the shipped "
        "kb/corpus/policies/prohibited_business.rules.yaml")
    prohibited_similarity: float = Field(
        0.0, ge=0, le=1, description="e5 similarity to the list's exemplars at which a clause counts as prohibited "
        "(0 = off: lexicon and patterns only)")
    qa_exemplar_similarity: bool = Field(
        False, description="QA inspection also compares agent turns with labelled exemplars by e5 similarity "
        "(agents/qa_inspection/data/exemplars.yaml); loads the embedding model")
    qa_clause_classifier: bool = Field(
        True, description="QA inspection also scores agent clauses with the shipped per-rule classifiers "
        "(agents/qa_inspection/data/qa_clause_model.json, char n-grams + jieba words; no model download)")

    # --- campaigns (issue 14: 营销获客) ----------------------------------------------------------
    campaign_api_max_size: int = Field(
        20000, ge=100, le=1_000_000, description="Largest synthetic base POST /v1/campaigns and the workbench tab "
        "plan in a request (a 200k campaign is a batch job: `puhui campaign build`)")

    @field_validator("corpus_dir", "data_dir", "shared_data_dir", "embedding_cache_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def embed_cache_dir(self) -> Path:
        return self.embedding_cache_dir or self.data_dir / "embed_cache"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def graph_path(self) -> Path:
        return self.data_dir / "graph" / "industry_graph.json"

    @property
    def checkpoint_db(self) -> Path:
        return self.data_dir / "checkpoints.sqlite"

    @property
    def audit_db(self) -> Path:
        return self.data_dir / "audit.sqlite"

    @property
    def ratelimit_db(self) -> Path:
        return self.data_dir / "ratelimit.sqlite"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.get_secret_value().startswith(("postgresql://", "postgres://"))

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgres_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be empty (embedded SQLite) or a postgresql:// URL")
        return value

    @property
    def llm_enabled(self) -> bool:
        return self.llm_provider == "openai"
