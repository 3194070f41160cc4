"""OpenAI-compatible API beside the page: /v1/models, /v1/chat/completions, documents per knowledge base.

`model` is a knowledge base's name (`all` or `全部`: every knowledge base). The assistant message is the
verified answer (as `assistant ask` gives it); the extra fields `citations`, `refused`, `verified` carry the
rest. `stream: true` sends the same text sentence by sentence as `chat.completion.chunk` events, ending with
`data: [DONE]`. Earlier user/assistant turns in `messages` drive the follow-up rewrite ("那大冶呢？").

Access: with API keys configured (`assistant apikey create`), every request needs `Authorization: Bearer <key>`:
none or an unknown key -> 401, a knowledge base the key does not grant or a write with a read-only key -> 403.
A user account (`assistant user add`) signs in with `Authorization: Basic` (or the page's login cookie) and has
its roles: a viewer asks, an editor also adds and deletes documents, an admin creates knowledge bases; anything
else -> 403. Failed sign-ins are rate-limited (429). With no key and no account configured only requests from
the machine itself (127.0.0.1 / ::1) are served.

Every answer carries an `answer_id`; `POST /v1/feedback` {answer_id, rating: "up"|"down", correction, document}
records 👍/👎 on it, `GET /v1/answers/{answer_id}/export?format=docx|xlsx` downloads it with its citations.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request  # the app is served by FastAPI already (Gradio); imported only by serve

from assistant import kb
from assistant.apikeys import KeyRecord, KeyRing
from assistant.users import Identity

if TYPE_CHECKING:
    from assistant.types import Answer
    from assistant.ui.kbs import KBPool

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
ALL_MODELS = {"all", kb.ALL}


class ApiError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    TYPES = {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        409: "conflict_error",
        413: "invalid_request_error",
        429: "rate_limit_error",
        503: "server_error",
    }

    def __init__(self, status: int, message: str, code: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.TYPES.get(self.status, "api_error"),
                "param": self.param,
                "code": self.code,
            }
        }


@dataclass(frozen=True)
class Caller:
    """Who sent a request: an API key, a user account, or (no key or account configured) this machine."""

    name: str
    key: KeyRecord | None = None
    identity: Identity | None = None

    def allows(self, kb_name: str) -> bool:
        if self.key is not None:
            return self.key.allows(kb_name)
        return self.identity is None or self.identity.can(kb_name)

    def may_write(self, kb_name: str | None) -> bool:
        if self.key is not None:
            return not self.key.read_only
        if self.identity is None:
            return True
        return self.identity.is_admin if kb_name is None else self.identity.can(kb_name, "editor")

    @property
    def is_admin(self) -> bool:
        if self.key is not None:
            return "*" in self.key.kbs and not self.key.read_only
        return self.identity is None or self.identity.is_admin


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


def install(app: FastAPI, pool: KBPool) -> None:
    """Add the /v1 routes to the FastAPI app that serves the page (before Gradio adds its own)."""
    from fastapi.responses import JSONResponse, StreamingResponse

    ring = KeyRing(pool.settings)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    users = pool.users
    history = pool.history

    def caller(request: Request) -> Caller:
        """401 (or 429 after too many failed sign-ins) unless the request says who sends it."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        host = request.client.host if request.client else ""
        if scheme.lower() == "basic":
            try:
                name, sep, password = base64.b64decode(token.strip()).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                name, sep, password = "", "", ""
            wait = users.locked(name, host) if name else 0
            if wait:
                raise ApiError(429, f"too many failed sign-ins; try again in {wait:.0f} s", "rate_limited")
            if not sep or not users.verify(name, password, host):
                raise ApiError(401, "invalid user name or password", "invalid_credentials")
            return Caller(name, identity=users.identity(name))
        if scheme.lower() == "bearer" and token.strip() and ring.keys():  # with no key configured a token is ignored
            record = ring.find(token.strip())
            if record is None:
                raise ApiError(401, "invalid API key", "invalid_api_key")
            return Caller(f"key:{record.id}", key=record)
        cookie_id = getattr(app, "cookie_id", None)
        if cookie_id:  # the page's login cookie (Gradio keeps token -> user name)
            tokens = getattr(app, "tokens", {})
            got = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
                f"access-token-unsecure-{cookie_id}"
            )
            if got and got in tokens:
                return Caller(tokens[got], identity=users.identity(tokens[got]))
        if ring.keys():
            raise ApiError(401, "missing API key: send `Authorization: Bearer <key>`", "invalid_api_key")
        if users.count():
            raise ApiError(
                401, "sign in: send `Authorization: Basic <user:password>` or an API key", "invalid_credentials"
            )
        if host not in LOOPBACK:
            raise ApiError(
                401,
                "no API keys are configured, so only requests from this machine are served; "
                "create one with `assistant apikey create --kb NAME`",
                "invalid_api_key",
            )
        return Caller("local")

    def authorize(request: Request, kb_name: str | None = None, write: bool = False) -> Caller:
        """401 / 404 / 403 in that order; who is calling."""
        who = caller(request)
        if kb_name is not None and kb_name not in ALL_MODELS:
            check(kb_name)
            if not who.allows(kb_name):
                what = "API key" if who.key is not None else f"user {who.name!r}"
                raise ApiError(403, f"this {what} may not use knowledge base {kb_name!r}", "permission_denied")
        if write and not who.may_write(kb_name if kb_name not in ALL_MODELS else None):
            if who.key is not None:
                raise ApiError(
                    403, "this API key is read-only: it may not add or delete documents", "permission_denied"
                )
            raise ApiError(
                403,
                f"user {who.name!r} may not add or delete documents in {kb_name!r} (needs the editor role)",
                "permission_denied",
            )
        return who

    def check(name: str) -> str:
        try:
            return kb.require(pool.settings, name)
        except kb.KBError as exc:
            raise ApiError(404, str(exc), "model_not_found", "model") from None

    def allowed(who: Caller) -> list[str]:
        return [n for n in pool.names() if who.allows(n)]

    def model_row(name: str) -> dict[str, Any]:
        info = kb.describe(pool.settings, name)
        return {
            "id": name,
            "object": "model",
            "created": int(info["created_at"]),
            "owned_by": "policy-assistant",
            "documents": info["documents"],
        }

    @app.get("/v1/models")
    def list_models(request: Request) -> dict[str, Any]:
        record = authorize(request)
        return {"object": "list", "data": [model_row(n) for n in allowed(record)]}

    @app.get("/v1/models/{model}")
    def get_model(model: str, request: Request) -> dict[str, Any]:
        authorize(request, model)
        return model_row(model)

    async def json_body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "the request body must be JSON", "invalid_json") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the request body must be a JSON object", "invalid_json")
        return body

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        from starlette.concurrency import run_in_threadpool

        authorize(request)  # a caller without a valid key learns nothing about the body or the knowledge bases
        body = await json_body(request)
        model = body.get("model")
        if not isinstance(model, str) or not model.strip():
            raise ApiError(
                400, "`model` must name a knowledge base (GET /v1/models lists them)", "invalid_model", "model"
            )
        model = model.strip()
        record = authorize(request, model)
        question, turns = parse_messages(body.get("messages"))
        if model in ALL_MODELS:
            names = allowed(record)
            if not names:
                raise ApiError(403, "this caller may not use any knowledge base", "permission_denied")
            t0 = time.perf_counter()
            ans = await run_in_threadpool(pool.ask_all, question, turns or None, names)
        else:
            t0 = time.perf_counter()
            ans = await run_in_threadpool(ask_one, model, question, turns)
        answer_id = await run_in_threadpool(
            history.record, record.name, model, question, ans, time.perf_counter() - t0, channel="api"
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

    def ask_one(model: str, question: str, turns: list[tuple[str, str]]) -> Answer:
        try:
            return pool.get(model).ask(question, turns or None)
        except kb.UnknownKB as exc:  # deleted in the meantime
            raise ApiError(404, str(exc), "model_not_found", "model") from None

    def sse(cid: str, created: int, model: str, ans: Answer, extra: dict[str, Any]) -> Any:
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

    # ---- knowledge bases and their documents ----
    @app.get("/v1/kbs")
    def list_kbs(request: Request) -> dict[str, Any]:
        record = authorize(request)
        return {"object": "list", "data": [kb.describe(pool.settings, n) for n in allowed(record)]}

    @app.post("/v1/kbs")
    async def create_kb(request: Request) -> JSONResponse:
        who = authorize(request)
        if not who.is_admin:
            raise ApiError(
                403,
                "creating a knowledge base needs an admin, or a key for every knowledge base (--all-kbs)",
                "permission_denied",
            )
        body = await json_body(request)
        try:
            return JSONResponse(pool.create(str(body.get("name", ""))), status_code=201)
        except kb.KBError as exc:
            raise ApiError(409 if "exists" in str(exc) else 400, str(exc), "invalid_kb", "name") from None

    @app.get("/v1/kbs/{name}/documents")
    def list_documents(name: str, request: Request) -> dict[str, Any]:
        authorize(request, name)
        ui = get_ui(name)
        with ui.lock.read():
            docs = ui.library.documents()
        keep = ("doc_id", "source", "title", "date", "issuer", "region", "doc_type", "chunks", "suspicious", "added_at")
        return {"object": "list", "kb": name, "data": [{k: d.get(k, "") for k in keep} for d in docs]}

    @app.post("/v1/kbs/{name}/documents")
    async def add_document(name: str, request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        authorize(request, name, write=True)
        ui = get_ui(name)
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(400, "multipart upload needs a `file` field", "missing_file", "file")
            limit = int(ui.settings.load.max_file_mb * 1024 * 1024)
            data = await upload.read(limit + 1)
            if len(data) > limit:
                raise ApiError(413, f"file larger than {ui.settings.load.max_file_mb:g} MB", "file_too_large", "file")
            fields = {k: str(form.get(k) or "") for k in ("title", "date", "issuer")}
            filename = upload.filename or "upload"

            def run() -> Any:
                with ui.lock.write():
                    return ui.library.add_upload(data, filename, fields["title"], fields["date"], fields["issuer"])
        else:
            body = await json_body(request)
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError(
                    400, "JSON body needs `text` (the bulletin); or send a multipart `file`", "missing_text", "text"
                )
            fields = {k: str(body.get(k) or "") for k in ("title", "date", "issuer")}

            def run() -> Any:
                with ui.lock.write():
                    return ui.library.add_text(text, fields["title"], fields["date"], fields["issuer"])

        fields["date"] = check_date(fields["date"])  # before run() reads it
        from assistant.load import LoadError
        from assistant.store import IndexBusy

        try:
            result = await run_in_threadpool(run)
        except LoadError as exc:
            raise ApiError(400, str(exc), "unreadable_document") from None
        except IndexBusy as exc:
            raise ApiError(503, str(exc), "index_busy") from None
        return JSONResponse({"kb": name, **result.to_dict()}, status_code=200 if result.duplicate else 201)

    @app.delete("/v1/kbs/{name}/documents/{doc_id}")
    def delete_document(name: str, doc_id: str, request: Request) -> dict[str, Any]:
        from assistant.store import IndexBusy

        authorize(request, name, write=True)
        ui = get_ui(name)
        try:
            with ui.lock.write():
                ok = ui.library.delete(doc_id)
        except IndexBusy as exc:
            raise ApiError(503, str(exc), "index_busy") from None
        if not ok:
            raise ApiError(404, f"no document {doc_id!r} in knowledge base {name!r}", "document_not_found", "doc_id")
        return {"kb": name, "doc_id": doc_id, "deleted": True}

    # ---- feedback and export ----
    @app.post("/v1/feedback")
    async def post_feedback(request: Request) -> JSONResponse:
        from assistant.history import HistoryError, NotFound

        who = authorize(request)
        body = await json_body(request)
        answer_id = body.get("answer_id")
        if not isinstance(answer_id, str) or not answer_id.strip():
            raise ApiError(400, "`answer_id` (from a chat completion) is required", "missing_answer_id", "answer_id")
        correction, document = body.get("correction") or "", body.get("document") or ""
        if not isinstance(correction, str) or not isinstance(document, str):
            raise ApiError(400, "`correction` and `document` must be strings", "invalid_feedback")
        try:
            saved = history.feedback(
                who.name,
                answer_id.strip(),
                body.get("rating"),
                correction,
                document,
                admin=who.is_admin and who.key is None,
            )
        except NotFound as exc:
            raise ApiError(404, str(exc), "answer_not_found", "answer_id") from None
        except HistoryError as exc:
            big = len(correction) > 2000 or len(document) > 300
            raise ApiError(413 if big else 400, str(exc), "invalid_feedback") from None
        return JSONResponse(saved, status_code=201)

    @app.get("/v1/answers/{answer_id}/export")
    def export_answer(answer_id: str, request: Request, format: str = "docx") -> Any:  # noqa: A002 - the query name
        import tempfile
        from pathlib import Path

        from fastapi.responses import Response

        from assistant import export_docs
        from assistant.history import NotFound

        who = authorize(request)
        if format not in export_docs.FORMATS:
            raise ApiError(400, "format must be docx or xlsx", "invalid_format", "format")
        try:
            row = history.answer(answer_id, None if who.is_admin and who.key is None else who.name)
        except NotFound as exc:
            raise ApiError(404, str(exc), "answer_not_found", "answer_id") from None
        with tempfile.TemporaryDirectory() as tmp:
            path = export_docs.export(row, format, Path(tmp))
            data = path.read_bytes()
        kinds = {
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        return Response(
            data,
            media_type=kinds[format],
            headers={"Content-Disposition": f'attachment; filename="answer-{answer_id}.{format}"'},
        )

    def check_date(date: str) -> str:
        from assistant.metadata import normalize_date

        date = date.strip()
        norm = normalize_date(date) if date else ""
        if date and not (norm and len(norm) == 10 and norm[4] == "-" and norm[7] == "-"):
            raise ApiError(
                400, f"date {date!r} is not a date: write YYYY-MM-DD, or leave it out", "invalid_date", "date"
            )
        return norm

    def get_ui(name: str) -> Any:
        try:
            return pool.get(name)
        except kb.KBError as exc:
            raise ApiError(404, str(exc), "model_not_found") from None
