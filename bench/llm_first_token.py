"""Time to first token and per answer of the local LLM (Qwen2.5-Coder-1.5B Q4_K_M, llama-cpp, 2 threads).

.venv/bin/python bench/llm_first_token.py      # after scripts/setup-local-llm.sh; writes bench/llm.md
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chain import QA  # noqa: E402
from assistant.llm import MODEL_FILE, LLMAnswerer, model_dir  # noqa: E402
from assistant.tokens import count_tokens  # noqa: E402

QUESTIONS = [
    "2023年下陆区技术合同交易额目标是多少",
    "大冶2022年高新技术企业有多少家",
    "2024年咸宁高新技术企业目标多少家",
    "咸宁离岸科创园目标是什么",
    "2021年咸宁技术合同成交额目标是多少",
]


def main() -> None:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_dir() / MODEL_FILE), n_ctx=4096, n_threads=2, verbose=False)
    qa = QA()
    answerer = LLMAnswerer(lambda m: "", qa.extractive, "local")
    rows = []
    for q in QUESTIONS:
        msgs = answerer.messages(q, qa.retriever(q))
        t0 = time.perf_counter()
        first = None
        n = 0
        for part in llm.create_chat_completion(messages=msgs, temperature=0, max_tokens=128, stream=True):
            if part["choices"][0]["delta"].get("content"):
                first = first or time.perf_counter() - t0
                n += 1
        total = time.perf_counter() - t0
        rows.append((q, count_tokens(msgs[0]["content"] + msgs[1]["content"]), first or total, total, n))
        print(rows[-1], flush=True)
    load = os.getloadavg()[0]
    lines = [
        "# Local LLM latency",
        "",
        f"Command: `.venv/bin/python bench/llm_first_token.py` (2 threads; 1-min load average at the end: {load:.1f}).",
        "",
        "| question | prompt tokens (cl100k) | first token s | whole answer s | generated chunks |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {q} | {p} | {f:.1f} | {t:.1f} | {n} |" for q, p, f, t, n in rows]
    lines += [
        "",
        f"Median first token: {statistics.median(r[2] for r in rows):.1f} s; median answer: "
        f"{statistics.median(r[3] for r in rows):.1f} s.",
    ]
    (ROOT / "bench" / "llm.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
