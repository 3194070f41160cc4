"""Who sends a /v1 request and what they may use: an API key, a user account, or this machine.

With API keys configured (`assistant apikey create`) a request needs `Authorization: Bearer <key>`; a user
account signs in with `Authorization: Basic` (or the page's login cookie) and has its roles; with neither
configured only requests from the machine itself are served. 401 / 429 / 404 / 403 as api.py describes.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request

from assistant import kb
from assistant.apikeys import KeyRecord, KeyRing
from assistant.ui.api import ALL_MODELS, LOOPBACK, ApiError
from assistant.users import Identity

if TYPE_CHECKING:
    from assistant.ui.kbs import KBPool


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


class Gate:
    """The checks every route makes first: who is calling, and may they use this knowledge base."""

    def __init__(self, app: FastAPI, pool: KBPool) -> None:
        self.app = app
        self.pool = pool
        self.ring = KeyRing(pool.settings)
        self.users = pool.users

    def caller(self, request: Request) -> Caller:
        """401 (or 429 after too many failed sign-ins) unless the request says who sends it."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        host = request.client.host if request.client else ""
        if scheme.lower() == "basic":
            return self._basic(token, host)
        if scheme.lower() == "bearer" and token.strip() and self.ring.keys():  # with no key configured: ignored
            record = self.ring.find(token.strip())
            if record is None:
                raise ApiError(401, "invalid API key", "invalid_api_key")
            return Caller(f"key:{record.id}", key=record)
        return self._cookie(request) or self._unsigned(host)

    def _basic(self, token: str, host: str) -> Caller:
        """A user account's `Authorization: Basic`; failed sign-ins are rate-limited per name and address."""
        try:
            name, sep, password = base64.b64decode(token.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, sep, password = "", "", ""
        wait = self.users.locked(name, host) if name else 0
        if wait:
            raise ApiError(429, f"too many failed sign-ins; try again in {wait:.0f} s", "rate_limited")
        if not sep or not self.users.verify(name, password, host):
            raise ApiError(401, "invalid user name or password", "invalid_credentials")
        return Caller(name, identity=self.users.identity(name))

    def _cookie(self, request: Request) -> Caller | None:
        """The page's login cookie (Gradio keeps token -> user name); None without one."""
        cookie_id = getattr(self.app, "cookie_id", None)
        if not cookie_id:
            return None
        tokens = getattr(self.app, "tokens", {})
        got = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
            f"access-token-unsecure-{cookie_id}"
        )
        if got and got in tokens:
            return Caller(tokens[got], identity=self.users.identity(tokens[got]))
        return None

    def _unsigned(self, host: str) -> Caller:
        """A request without credentials: 401 where keys or accounts exist or it comes from elsewhere."""
        if self.ring.keys():
            raise ApiError(401, "missing API key: send `Authorization: Bearer <key>`", "invalid_api_key")
        if self.users.count():
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

    def authorize(self, request: Request, kb_name: str | None = None, write: bool = False) -> Caller:
        """401 / 404 / 403 in that order; who is calling."""
        who = self.caller(request)
        if kb_name is not None and kb_name not in ALL_MODELS:
            self.check(kb_name)
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

    def check(self, name: str) -> str:
        """The knowledge base's name; 404 when there is none."""
        try:
            return kb.require(self.pool.settings, name)
        except kb.KBError as exc:
            raise ApiError(404, str(exc), "model_not_found", "model") from None

    def allowed(self, who: Caller) -> list[str]:
        return [n for n in self.pool.names() if who.allows(n)]

    def get_ui(self, name: str) -> Any:
        try:
            return self.pool.get(name)
        except kb.KBError as exc:
            raise ApiError(404, str(exc), "model_not_found") from None
