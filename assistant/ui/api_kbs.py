"""/v1/kbs: the knowledge bases a caller may use, creating one (admins), and their documents.

POST /v1/kbs/{name}/documents takes JSON {text, title, date, issuer} or a multipart `file` upload with the
same fields; it answers 201 with the new document, or 200 with the one it duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant import kb
from assistant.ui.api import ApiError, check_date, json_body

if TYPE_CHECKING:
    from assistant.ui.api_auth import Gate
    from assistant.ui.kbs import KBPool

DOCUMENT_FIELDS = (
    "doc_id",
    "source",
    "title",
    "date",
    "issuer",
    "region",
    "doc_type",
    "chunks",
    "suspicious",
    "added_at",
)
Job = tuple[dict[str, str], Callable[[], Any]]  # (title/date/issuer, the indexing to run in a thread)


async def upload_job(request: Request, ui: Any) -> Job:
    """A multipart `file` (at most max_file_mb) with its fields."""
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

    return fields, run


async def text_job(request: Request, ui: Any) -> Job:
    """A JSON body's `text` (the bulletin) with its fields."""
    body = await json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "JSON body needs `text` (the bulletin); or send a multipart `file`", "missing_text", "text")
    fields = {k: str(body.get(k) or "") for k in ("title", "date", "issuer")}

    def run() -> Any:
        with ui.lock.write():
            return ui.library.add_text(text, fields["title"], fields["date"], fields["issuer"])

    return fields, run


class KBRoutes:
    """GET/POST /v1/kbs, GET/POST /v1/kbs/{name}/documents, DELETE /v1/kbs/{name}/documents/{doc_id}."""

    def __init__(self, pool: KBPool, gate: Gate) -> None:
        self.pool = pool
        self.gate = gate

    def install(self, app: FastAPI) -> None:
        app.get("/v1/kbs")(self.list_kbs)
        app.post("/v1/kbs")(self.create_kb)
        app.get("/v1/kbs/{name}/documents")(self.list_documents)
        app.post("/v1/kbs/{name}/documents")(self.add_document)
        app.delete("/v1/kbs/{name}/documents/{doc_id}")(self.delete_document)

    def list_kbs(self, request: Request) -> dict[str, Any]:
        record = self.gate.authorize(request)
        return {"object": "list", "data": [kb.describe(self.pool.settings, n) for n in self.gate.allowed(record)]}

    async def create_kb(self, request: Request) -> JSONResponse:

        who = self.gate.authorize(request)
        if not who.is_admin:
            raise ApiError(
                403,
                "creating a knowledge base needs an admin, or a key for every knowledge base (--all-kbs)",
                "permission_denied",
            )
        body = await json_body(request)
        try:
            return JSONResponse(self.pool.create(str(body.get("name", ""))), status_code=201)
        except kb.KBError as exc:
            raise ApiError(409 if "exists" in str(exc) else 400, str(exc), "invalid_kb", "name") from None

    def list_documents(self, name: str, request: Request) -> dict[str, Any]:
        self.gate.authorize(request, name)
        ui = self.gate.get_ui(name)
        with ui.lock.read():
            docs = ui.library.documents()
        return {"object": "list", "kb": name, "data": [{k: d.get(k, "") for k in DOCUMENT_FIELDS} for d in docs]}

    async def add_document(self, name: str, request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        from assistant.load import LoadError
        from assistant.store import IndexBusy

        self.gate.authorize(request, name, write=True)
        ui = self.gate.get_ui(name)
        multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
        fields, run = await (upload_job if multipart else text_job)(request, ui)
        fields["date"] = check_date(fields["date"])  # before run() reads it
        try:
            result = await run_in_threadpool(run)
        except LoadError as exc:
            raise ApiError(400, str(exc), "unreadable_document") from None
        except IndexBusy as exc:
            raise ApiError(503, str(exc), "index_busy") from None
        return JSONResponse({"kb": name, **result.to_dict()}, status_code=200 if result.duplicate else 201)

    def delete_document(self, name: str, doc_id: str, request: Request) -> dict[str, Any]:
        from assistant.store import IndexBusy

        self.gate.authorize(request, name, write=True)
        ui = self.gate.get_ui(name)
        try:
            with ui.lock.write():
                ok = ui.library.delete(doc_id)
        except IndexBusy as exc:
            raise ApiError(503, str(exc), "index_busy") from None
        if not ok:
            raise ApiError(404, f"no document {doc_id!r} in knowledge base {name!r}", "document_not_found", "doc_id")
        return {"kb": name, "doc_id": doc_id, "deleted": True}
