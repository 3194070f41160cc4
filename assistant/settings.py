"""One Settings object, nested per stage, read from ASSISTANT_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class LoadSettings(BaseModel):
    max_file_mb: float = Field(20.0, description="Largest file accepted for upload or ingest, in MB.")
    max_paste_chars: int = Field(2_000_000, description="Largest pasted bulletin, in characters.")
    pdf_max_pages: int = Field(500, description="PDFs with more pages are rejected.")
    pdf_timeout_s: float = Field(30.0, description="Wall-clock limit for parsing one PDF (child process).")
    ocr_max_pages: int = Field(50, description="Most pages without a text layer (scans, images) recognised per file.")
    ocr_page_timeout_s: float = Field(120.0, description="Wall-clock limit for recognising one scanned page.")
    ocr_min_confidence: float = Field(0.80, description="Pages whose mean OCR confidence is lower are flagged.")
    table_max_rows: int = Field(20_000, description="Spreadsheets (XLSX/XLS/CSV) with more rows are rejected.")
    convert_timeout_s: float = Field(120.0, description="Wall-clock limit for a LibreOffice .doc/.wps/.et conversion.")


class ChunkSettings(BaseModel):
    max_tokens: int = Field(450, description="Chunk size in tiktoken cl100k tokens.")
    overlap_sentences: int = Field(1, description="Sentences repeated at the start of the next chunk.")


class RetrieveSettings(BaseModel):
    fetch_k: int = Field(40, description="Candidates fetched by each of BM25 and dense search.")
    top_k: int = Field(6, description="Passages kept after fusion and handed to the answerer.")
    bm25_weight: float = Field(1.0, description="Weight of the BM25 ranking in rank fusion (tuned on dev).")
    dense_weight: float = Field(0.3, description="Weight of the dense ranking in rank fusion (tuned on dev).")
    rrf_k: int = Field(20, description="Rank-fusion constant: weight / (rrf_k + rank).")
    filter_boost: float = Field(
        2.0, description="Score multiplier for passages matching a year/place named in the question."
    )
    sentence_weight: float = Field(
        2.0,
        description="Rerank: a fused candidate's score is multiplied by exp(weight x the question coverage of its best "
        "sentence, read under its document's title); 0 turns it off. 2 raises NCPQA document recall@1 0.737 -> 0.80 "
        "with no dev, test, blind or unseen-test answer lost (bench/rerank.md, eval/benchmarks.md).",
    )
    rerank_k: int = Field(20, description="Fused candidates reranked by their best sentence.")


class AnswerSettings(BaseModel):
    min_support: float = Field(
        0.55,
        description="Refusal threshold: share of the question's key terms a sentence must cover (calibrated on dev).",
    )
    min_support_short: float = Field(
        0.75,
        description="Refusal threshold for a question of at most short_question_words words (one word missed is an "
        "entity missed; chosen on the RGB tuning half and the dev splits).",
    )
    short_question_words: int = Field(3, description="Words (terms no other term contains) of a short question.")
    max_sentences: int = Field(4, description="Most sentences in an extractive answer.")


class Settings(BaseSettings):
    """Every knob of the assistant; env prefix ASSISTANT_, nested with __ (ASSISTANT_RETRIEVE__TOP_K=8)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    index_dir: Path = Field(ROOT / "index", description="Where the Chroma store, catalog and BM25 live.")
    corpus_dir: Path = Field(
        ROOT / "corpus", description="Documents ingested by default; pasted bulletins are saved here."
    )
    prompts_dir: Path = Field(ROOT / "prompts", description="Prompt templates for LLM answerers.")
    chroma_url: str = Field("", description="Talk to a `chroma run` server at this URL instead of the local store.")
    embedder: str = Field(
        "e5-small",
        description="e5-small (packaged) | use-multilingual (packaged) | st:<name or path> | openai:<model> "
        "| hash (tests)",
    )
    embed_url: str = Field("", description="Base URL for the openai: embeddings backend.")
    embed_batch: int = Field(32, description="Texts per embedding batch.")
    collection: str = Field("policy", description="Chroma collection name (of the default knowledge base).")
    kb: str = Field("default", description="Knowledge base to use (`--kb NAME`); others live under index_dir/kbs/NAME.")
    host: str = Field("127.0.0.1", description="Address the web app binds.")
    port: int = Field(7860, description="Port of the web app.")
    auth: str = Field("", description="user:password to require a login on the web app.")
    load: LoadSettings = LoadSettings()
    chunk: ChunkSettings = ChunkSettings()
    retrieve: RetrieveSettings = RetrieveSettings()
    answer: AnswerSettings = AnswerSettings()
    # The LLM answerer, flat so that ASSISTANT_LLM=openai and ASSISTANT_LLM_BASE_URL=... work as documented.
    llm: str = Field("extractive", description="Answerer: extractive (default, offline) | openai | local")
    llm_base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1")
    llm_api_key: str = Field("", description="API key for the endpoint (any string for local servers).")
    llm_model: str = Field("", description="Model name at the endpoint.")
    llm_timeout_s: float = Field(
        8.0, description="Per-request timeout; on timeout or error the extractive answer is shown."
    )
    # Set by assistant.kb.for_kb: (index dir, corpus dir, collection) of the default knowledge base.
    _kb_base: tuple[Path, Path, str] | None = PrivateAttr(None)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings read from the environment."""
    return Settings()
