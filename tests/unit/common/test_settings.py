from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import PROJECT_ROOT, Settings


def test_defaults_are_the_embedded_mode():
    s = Settings()
    assert s.llm_provider == "none" and not s.llm_enabled
    assert s.embedding_provider == "e5"
    assert s.chroma_mode == "embedded"
    assert s.index_dir == s.data_dir / "index"


def test_env_prefix_and_validation(monkeypatch, tmp_path):
    monkeypatch.setenv("PUHUI_LLM_PROVIDER", "openai")
    monkeypatch.setenv("PUHUI_DATA_DIR", str(tmp_path / "d"))
    s = Settings()
    assert s.llm_enabled and s.data_dir == (tmp_path / "d").resolve()
    monkeypatch.setenv("PUHUI_COLLECTION", "知识库")
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert "collection" in str(exc.value)


def test_env_example_lists_every_setting():
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    listed = {line.split("=", 1)[0] for line in text.splitlines() if line.startswith("PUHUI_")}
    expected = {f"PUHUI_{name.upper()}" for name in Settings.model_fields}
    assert listed == expected


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("PUHUI_PORT=9123\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings().port == 9123
    assert isinstance(Settings().corpus_dir, Path)
