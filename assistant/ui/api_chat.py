"""/v1/models and /v1/chat/completions: a knowledge base is a model; the answer is the verified answer.

Earlier user/assistant turns in `messages` drive the follow-up rewrite; `stream: true` sends the answer
sentence by sentence as `chat.completion.chunk` events, ending with `data: [DONE]`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request

from assistant import kb
from assistant.ui.api import ALL_MODELS, ApiError, json_body

if TYPE_CHECKING:
    from assistant.types import Answer
    from assistant.ui.api_auth import Caller, Gate
    from assistant.ui.kbs import KBPool


def citation_fields(ans: Answer) -> list[dict[str, Any]]:
    out = []
    for c in ans.citations:
        row = {
            "n": c.n,
            "title": c.title,
            "date": c.date,
            "issuer": c.issuer,
            "source": c.source,
            "quote": c.quote,
            "doc_id": c.doc_id,
        }
        if c.kb:
            row["kb"] = c.kb
        out.append(row)
    return out


def _text(content: Any) -> str:
    """A message's text: a string, or OpenAI's list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    return ""


def parse_messages(messages: Any) -> tuple[str, list[tuple[str, str]]]:
    """(the last user message, earlier (question, answer) pairs) from OpenAI-style messages."""
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "`messages` must be a non-empty list of {role, content}", "invalid_messages", "messages")
    turns = [(m.get("role"), _text(m.get("content")).strip()) for m in messages if isinstance(m, dict)]
    turns = [(r, t) for r, t in turns if r in ("user", "assistant") and t]
    if not turns or turns[-1][0] != "user":
        raise ApiError(
            400, "the last message must be a non-empty user message (the question)", "invalid_messages", "messages"
        )
    history: list[tuple[str, str]] = []
    pending = ""
    for role, text in turns[:-1]:
        if role == "user":
            if pending:
                history.append((pending, ""))
            pending = text
        else:
            history.append((pending, text))
            pending = ""
    if pending:
        history.append((pending, ""))
    return turns[-1][1], [(q, a) for q, a in history if q]


def completion(
    cid: str, created: int, model: str, ans: Answer, turns: list[tuple[str, str]], question: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """The whole answer as one `chat.completion` (usage counted in characters)."""
    prompt = sum(len(t) for q, a in turns for t in (q, a)) + len(question)
    return {
        "id": cid,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": ans.answer},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": len(ans.answer),
            "total_tokens": prompt + len(ans.answer),
        },
        **extra,
    }


def sse(cid: str, created: int, model: str, ans: Answer, extra: dict[str, Any]) -> Iterator[str]:
    """The answer as server-sent `chat.completion.chunk` events, sentence by sentence, then [DONE]."""
    from assistant.ui.kbs import stream_pieces

    def event(delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
        chunk = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **more,
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in stream_pieces(ans.answer):
        yield event({"content": piece})
    yield event({}, "stop", **extra)
    yield "data: [DONE]\n\n"


class ChatRoutes:
    """GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions."""

    def __init__(self, pool: KBPool, gate: Gate) -> None:
        self.pool = pool
        self.gate = gate
        self.history = pool.history

    def install(self, app: FastAPI) -> None:
        app.get("/v1/models")(self.list_models)
        app.get("/v1/models/{model}")(self.get_model)
        app.post("/v1/chat/completions")(self.chat_completions)

    def model_row(self, name: str) -> dict[str, Any]:
        info = kb.describe(self.pool.settings, name)
        return {
            "id": name,
            "object": "model",
            "created": int(info["created_at"]),
            "owned_by": "policy-assistant",
            "documents": info["documents"],
        }

    def list_models(self, request: Request) -> dict[str, Any]:
        record = self.gate.authorize(request)
        return {"object": "list", "data": [self.model_row(n) for n in self.gate.allowed(record)]}

    def get_model(self, model: str, request: Request) -> dict[str, Any]:
        self.gate.authorize(request, model)
        return self.model_row(model)

    async def chat_completions(self, request: Request) -> Any:
        from fastapi.responses import StreamingResponse
        from starlette.concurrency import run_in_threadpool

        self.gate.authorize(request)  # a caller without a valid key learns nothing about the body or the KBs
        body = await json_body(request)
        model = body.get("model")
        if not isinstance(model, str) or not model.strip():
            raise ApiError(
                400, "`model` must name a knowledge base (GET /v1/models lists them)", "invalid_model", "model"
            )
        model = model.strip()
        record = self.gate.authorize(request, model)
        question, turns = parse_messages(body.get("messages"))
        ans, t0 = await self.answer(record, model, question, turns)
        answer_id = await run_in_threadpool(
            self.history.record, record.name, model, question, ans, time.perf_counter() - t0, channel="api"
        )
        created, cid = int(time.time()), "chatcmpl-" + secrets.token_hex(12)
        extra = {
            "answer_id": answer_id,
            "citations": citation_fields(ans),
            "refused": ans.refused,
            "verified": ans.verified,
            "unverified": ans.unverified,
            "note": ans.note,
            "backend": ans.backend,
        }
        if body.get("stream"):
            return StreamingResponse(
                sse(cid, created, model, ans, extra),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        return completion(cid, created, model, ans, turns, question, extra)

    async def answer(
        self, record: Caller, model: str, question: str, turns: list[tuple[str, str]]
    ) -> tuple[Answer, float]:
        """(the answer of one knowledge base, or of all the caller may use; when asking started)."""
        from starlette.concurrency import run_in_threadpool

        if model in ALL_MODELS:
            names = self.gate.allowed(record)
            if not names:
                raise ApiError(403, "this caller may not use any knowledge base", "permission_denied")
            t0 = time.perf_counter()
            return await run_in_threadpool(self.pool.ask_all, question, turns or None, names), t0
        t0 = time.perf_counter()
        return await run_in_threadpool(self.ask_one, model, question, turns), t0

    def ask_one(self, model: str, question: str, turns: list[tuple[str, str]]) -> Answer:
        try:
            return self.pool.get(model).ask(question, turns or None)
        except kb.UnknownKB as exc:  # deleted in the meantime
            raise ApiError(404, str(exc), "model_not_found", "model") from None
