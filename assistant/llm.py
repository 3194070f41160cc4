"""LLM answerers: any OpenAI-compatible endpoint, or a local GGUF model via llama-cpp-python.

Both share the extractive answerer's trust rules: the prompt (prompts/) says to answer only from the
numbered passages, and the code verifier then drops unknown [n], re-attaches citations, checks every
figure and that each sentence is backed by its cited passage. An answer the verifier cannot support,
an error or a timeout gives the extractive answer instead, with a note saying why. The answer is
verified before it is shown, so the page streams the verified text, never raw model tokens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import REFUSAL
from assistant.answer import ExtractiveAnswerer, analyse, citation, coverage, refusal
from assistant.cite import CITE, split_answer, verify
from assistant.injection import INJECTION
from assistant.prompts import load_prompts
from assistant.settings import Settings
from assistant.types import Answer, Passage

Chat = Callable[[list[dict[str, str]]], str]
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def model_dir() -> Path:
    return Path(os.environ.get("ASSISTANT_MODEL_DIR", Path.home() / ".cache" / "policy-assistant" / "models"))


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\s\W]+", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's character bigrams that occur in the passage."""
    grams = _bigrams(CITE.sub("", sentence))
    return sum(g in passage for g in grams) / len(grams) if grams else 1.0


def context_block(question: str, passages: list[Passage], sentences: int = 5, max_chars: int = 120) -> str:
    """The few most relevant sentences across the passages, each under its passage number [n] (a small prompt);
    injection-like text is never included."""
    info = analyse(question)
    scored = []
    for i, p in enumerate(passages, 1):
        for s in re.findall(r"[^。!?！？\n]+[。!?！？]?", p.text):
            s = s.strip()
            if s and not INJECTION.search(s):
                scored.append((coverage(info, s) / (1 + 0.1 * i), i, s))
    best = sorted(scored, key=lambda t: -t[0])[:sentences]
    lines = []
    for _, i, s in sorted(best, key=lambda t: t[1]):
        if len(s) > max_chars:  # keep the window around the question's terms
            hits = [s.find(t) for t in info.terms if t in s]
            start = max(0, min(hits) - 20) if hits else 0
            s = s[start : start + max_chars]
        lines.append(f"[{i}] 《{passages[i - 1].meta.get('title', '')}》（{scope_label(passages[i - 1], s)}） {s}")
    return "\n".join(lines)


def scope_label(p: Passage, sentence: str) -> str:
    """地点、日期 and the sentence's resolved time, so that the model can tell two places and years apart."""
    from assistant.scope import time_of

    at = p.text.find(sentence[:20])
    when = time_of(p.text, max(0, at), p.meta)
    told = f"{when.year}年" if when.year else ""
    told += when.period if when.period and when.period != "全年" else ""
    parts = [f"地点：{p.meta.get('places', '').split(',')[0] or '未注明'}", f"日期：{p.meta.get('date') or '未注明'}"]
    if told:
        parts.append(f"所述时间：{told}")
    return "，".join(parts)


class LLMAnswerer:
    """Answer with a chat model; verify; fall back to the extractive answer when not supported."""

    def __init__(self, chat: Chat, extractive: ExtractiveAnswerer, name: str, min_support: float = 0.5) -> None:
        self.chat = chat
        self.extractive = extractive
        self.name = name
        self.min_support = min_support
        self.prompts = load_prompts()

    def gate(self, question: str, passages: list[Passage]) -> bool:
        """Whether to ask the model: the learned evidence score of the best eligible sentence (right place and time)
        clears the gate calibrated on held-out public questions (assistant/scorer.py, bench/scorer.md), or the
        extractive reader finds a supported answer itself. Without either the model is not asked to write one."""
        from assistant.scorer import load_scorer

        scorer = load_scorer()
        if scorer is not None and self.extractive.evidence(question, passages) >= scorer.gate_threshold:
            return True
        return not self.extractive(question, passages).refused

    def messages(self, question: str, passages: list[Passage]) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.prompts["system"]},
            {
                "role": "user",
                "content": self.prompts["qa"].format(context=context_block(question, passages), question=question),
            },
        ]

    def _fallback(self, question: str, passages: list[Passage], why: str) -> Answer:
        ans = self.extractive(question, passages)
        ans.backend = f"extractive (fallback from {self.name})"
        ans.note = why
        return ans

    def __call__(self, question: str, passages: list[Passage]) -> Answer:
        if not passages:
            return refusal(question, passages, self.name)
        if not self.gate(question, passages):
            return refusal(question, passages, self.name)
        try:
            raw = self.chat(self.messages(question, passages)).strip()
        except Exception as exc:  # noqa: BLE001 - any failure of the model gives the extractive answer
            return self._fallback(question, passages, f"模型不可用（{exc.__class__.__name__}），已改用抽取式回答。")
        if REFUSAL in raw or not CITE.search(raw) and "没有找到" in raw:
            return refusal(question, passages, self.name)
        numbered = {i: p for i, p in enumerate(passages, 1)}
        check = verify(raw, {n: p.text for n, p in numbered.items()}, question)
        weak = []
        for sentence in split_answer(check.answer):
            keys = [int(k) for k in CITE.findall(sentence)]
            best = max(
                (
                    support(
                        sentence, f"{numbered[k].meta.get('title', '')} {numbered[k].chunk.heading} {numbered[k].text}"
                    )
                    for k in keys
                    if k in numbered
                ),
                default=0.0,
            )
            if best < self.min_support or INJECTION.search(sentence):
                weak.append(CITE.sub("", sentence)[:40])
        if not check.verified or weak or not CITE.search(check.answer):
            what = (
                ("无法核实的数字：" + "、".join(check.unverified)) if check.unverified else "回答中有资料不支持的内容"
            )
            return self._fallback(question, passages, f"模型回答{what}，已改用抽取式回答。")
        used = sorted({int(k) for k in CITE.findall(check.answer)})
        renumber = {old: new for new, old in enumerate(used, 1)}
        text = CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", check.answer)
        cites = [citation(renumber[n], numbered[n]) for n in used]
        note = (
            f"已校正 {check.reattached} 处引用，删除 {len(check.dropped_keys)} 个无效引用。"
            if check.reattached or check.dropped_keys
            else ""
        )
        return Answer(text, False, self.name, True, cites, [], note=note, question=question, passages=passages)

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        hist = "\n".join(f"问：{q}\n答：{a[:200]}" for q, a in history[-3:])
        try:
            out = self.chat(
                [{"role": "user", "content": self.prompts["rewrite"].format(history=hist, question=question)}]
            ).strip()
        except Exception:  # noqa: BLE001 - the rule-based rewrite is the fallback
            return ""
        return out.splitlines()[0].strip() if out and len(out) < 200 else ""


def openai_chat(cfg: Settings) -> Chat:
    """A chat function for an OpenAI-compatible endpoint (DeepSeek, DashScope, Ollama, vLLM, llama.cpp server)."""
    if not cfg.llm_base_url or not cfg.llm_model:
        raise ValueError("ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL must be set for ASSISTANT_LLM=openai")
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=cfg.llm_base_url,
        api_key=cfg.llm_api_key or "none",
        model=cfg.llm_model,
        temperature=0,
        timeout=cfg.llm_timeout_s,
        max_retries=0,
    )

    def chat(messages: list[dict[str, str]]) -> str:
        return str(llm.invoke([(m["role"], m["content"]) for m in messages]).content)

    return chat


def local_chat(path: Path | None = None, threads: int = 2) -> Chat:
    """A chat function for the local Qwen2.5-Coder-1.5B-Instruct GGUF (see scripts/setup-local-llm.sh)."""
    path = path or model_dir() / MODEL_FILE
    if not path.exists():
        raise ValueError(f"local model not found at {path}: run `bash scripts/setup-local-llm.sh`")
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=4096, n_threads=threads, verbose=False)

    def chat(messages: list[dict[str, str]]) -> str:
        out: Any = llm.create_chat_completion(messages=messages, temperature=0, max_tokens=256)
        return str(out["choices"][0]["message"]["content"])

    return chat


def make_answerer(backend: str, qa: Any) -> Any:
    """The answerer for a backend id: extractive | openai | local."""
    cfg = qa.settings
    if backend in ("", "extractive"):
        return qa.extractive
    if backend == "openai":
        return LLMAnswerer(openai_chat(cfg), qa.extractive, f"openai:{cfg.llm_model}")
    if backend == "local":
        return LLMAnswerer(local_chat(), qa.extractive, "local:qwen2.5-1.5b")
    raise ValueError(f"unknown answerer backend {backend!r}: use extractive, openai or local")
