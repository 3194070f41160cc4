"""Accounts and roles: who may ask, who may add or delete documents, who administers (index/users.sqlite3).

A role is held per knowledge base (`*`: every one): `viewer` asks, `editor` also pastes, uploads and deletes
documents in that knowledge base, `admin` may do everything (users, knowledge bases, feedback, statistics).
Passwords are stored as salted `hashlib.scrypt` hashes and compared in constant time. Failed logins are counted
per (user, client address): after MAX_FAILURES within WINDOW_S the pair is locked for LOCK_S, and the answer is
the same whether the name, the password or the lock was the reason.

`ASSISTANT_AUTH=user:password` keeps working: that one account is an admin of everything.
With no account and no ASSISTANT_AUTH the page stays open (a local set-up), as before.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings

FILE = "users.sqlite3"
ROLES = ("viewer", "editor", "admin")  # each includes the ones before it
ANY_KB = "*"
NAME = re.compile(r"^[0-9A-Za-z_.\-@\u4e00-\u9fff]{1,48}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_FAILURES = 5
WINDOW_S = 300.0
LOCK_S = 300.0
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
LOCAL = "local"  # the identity of a page with no login configured (a local set-up): an admin
LOGIN_FAILED = "用户名或密码错误，或尝试次数过多，请稍后再试 (invalid credentials)"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE, kb TEXT NOT NULL, role TEXT NOT NULL,
  PRIMARY KEY (user, kb)
);
"""

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


class UserError(ValueError):
    """A bad user name, password, role or operation (the message says what to do)."""


class Forbidden(PermissionError):
    """The signed-in user may not do this (shown to the user; 403 in the API)."""


@dataclass(frozen=True)
class Identity:
    """Who is asking: a name and their roles, {kb or '*': role}."""

    name: str
    roles: dict[str, str] = field(default_factory=dict)

    def role(self, kb: str) -> str:
        """The highest role this identity holds in knowledge base `kb` ('' when none)."""
        got = [self.roles.get(kb, ""), self.roles.get(ANY_KB, "")]
        return max(got, key=lambda r: ROLES.index(r) + 1 if r in ROLES else 0)

    def can(self, kb: str, role: str = "viewer") -> bool:
        mine = self.role(kb)
        return bool(mine) and ROLES.index(mine) >= ROLES.index(role)

    @property
    def is_admin(self) -> bool:
        return self.roles.get(ANY_KB) == "admin"

    def kbs(self, names: list[str]) -> list[str]:
        """The knowledge bases of `names` this identity may ask."""
        return [n for n in names if self.can(n)]

    def require(self, kb: str, role: str = "viewer") -> None:
        """Forbidden unless this identity holds `role` (or more) in `kb`."""
        if not self.can(kb, role):
            what = {"viewer": "提问", "editor": "添加或删除文件", "admin": "管理"}[role]
            raise Forbidden(
                f"没有权限：用户「{self.name}」不能在知识库「{kb}」中{what} "
                f"(user {self.name!r} lacks the {role} role in knowledge base {kb!r})"
            )

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden(f"没有权限：需要管理员 (user {self.name!r} is not an admin)")


ADMIN_ALL = {ANY_KB: "admin"}


def _path(settings: Settings) -> Path:
    from assistant import kb

    return kb.root(settings) / FILE


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name) or name == LOCAL:
        raise UserError(
            f"用户名「{name}」不合法 (invalid user name {name!r}): 1-48 letters, digits, Chinese characters, "
            f"'.', '-', '_' or '@' (and not {LOCAL!r})"
        )
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(
            f"密码长度应为 {MIN_PASSWORD}-{MAX_PASSWORD} 个字符 (password must be {MIN_PASSWORD}-"
            f"{MAX_PASSWORD} characters)"
        )
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"未知角色「{role}」(unknown role {role!r}); use one of {', '.join(ROLES)}")
    return role


def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    """(salt, scrypt hash) of a password."""
    salt = salt or secrets.token_bytes(16)
    return salt, hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **SCRYPT)


_DUMMY_SALT = secrets.token_bytes(16)


class Users:
    """The account database; every method opens its own short connection (safe across threads)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = _path(settings)
        self.auth_pair = self._auth_pair(settings.auth)
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._locked: dict[tuple[str, str], float] = {}
        self._attempts_lock = threading.Lock()

    @staticmethod
    def _auth_pair(auth: str) -> tuple[str, str] | None:
        if not auth:
            return None
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise UserError("ASSISTANT_AUTH 应写成 user:password (ASSISTANT_AUTH must be user:password)")
        return user, password

    def _db(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(SCHEMA)
        return db

    # ---- accounts (the CLI) ----
    def add(self, name: str, password: str, role: str = "viewer", kbs: list[str] | None = None) -> dict[str, object]:
        """A new account holding `role` in each of `kbs` (default: every knowledge base; admin: always every)."""
        name, password, role = check_name(name), check_password(password), check_role(role)
        kbs = self._kbs(role, kbs)
        salt, digest = hash_password(password)
        db = self._db()
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                    raise UserError(
                        f"用户「{name}」已存在 (user {name!r} exists); use `assistant user passwd` or "
                        "`assistant user grant`"
                    )
                db.execute(
                    "INSERT INTO users(name, salt, hash, created_at) VALUES(?,?,?,?)", (name, salt, digest, time.time())
                )
                db.executemany("INSERT INTO roles(user, kb, role) VALUES(?,?,?)", [(name, k, role) for k in kbs])
        finally:
            db.close()
        return {"name": name, "roles": dict.fromkeys(kbs, role)}

    def _kbs(self, role: str, kbs: list[str] | None) -> list[str]:
        from assistant import kb

        if role == "admin" or not kbs or kbs == [ANY_KB]:
            return [ANY_KB]
        return [kb.require(self.settings, k) for k in dict.fromkeys(kbs)]

    def grant(self, name: str, role: str, kbs: list[str] | None = None) -> dict[str, object]:
        """Give an existing account `role` in `kbs` (replacing its role there)."""
        name, role = check_name(name), check_role(role)
        kbs = self._kbs(role, kbs)
        db = self._db()
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                self._exists(db, name)
                db.executemany(
                    "INSERT INTO roles(user, kb, role) VALUES(?,?,?) ON CONFLICT(user, kb) "
                    "DO UPDATE SET role=excluded.role",
                    [(name, k, role) for k in kbs],
                )
        finally:
            db.close()
        return {"name": name, "roles": self.roles(name)}

    @staticmethod
    def _exists(db: sqlite3.Connection, name: str) -> None:
        if not db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise UserError(f"没有用户「{name}」(no user {name!r}); `assistant user list` shows them")

    def passwd(self, name: str, password: str) -> None:
        name, password = check_name(name), check_password(password)
        salt, digest = hash_password(password)
        db = self._db()
        try:
            with db:
                self._exists(db, name)
                db.execute("UPDATE users SET salt=?, hash=? WHERE name=?", (salt, digest, name))
        finally:
            db.close()

    def remove(self, name: str) -> bool:
        db = self._db()
        try:
            with db:
                return db.execute("DELETE FROM users WHERE name=?", (check_name(name),)).rowcount > 0
        finally:
            db.close()

    def roles(self, name: str) -> dict[str, str]:
        if not self.path.exists():
            return {}
        db = self._db()
        try:
            return {k: r for k, r in db.execute("SELECT kb, role FROM roles WHERE user=? ORDER BY kb", (name,))}
        finally:
            db.close()

    def list(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        db = self._db()
        try:
            rows = db.execute("SELECT name, created_at FROM users ORDER BY name").fetchall()
            return [{"name": n, "created_at": t, "roles": self.roles(n)} for n, t in rows]
        finally:
            db.close()

    def count(self) -> int:
        if not self.path.exists():
            return 0
        db = self._db()
        try:
            return int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])
        finally:
            db.close()

    def rename_kb(self, old: str, new: str | None) -> None:
        """Follow a knowledge base's rename (new) or deletion (None) in every account's roles."""
        if not self.path.exists():
            return
        db = self._db()
        try:
            with db:
                if new is None:
                    db.execute("DELETE FROM roles WHERE kb=?", (old,))
                else:
                    db.execute("UPDATE OR REPLACE roles SET kb=? WHERE kb=?", (new, old))
        finally:
            db.close()

    # ---- signing in (the page and the API) ----
    @property
    def login_required(self) -> bool:
        """Whether the page asks for a login (an account exists or ASSISTANT_AUTH is set)."""
        return self.auth_pair is not None or self.count() > 0

    def identity(self, name: str | None) -> Identity:
        """The identity of a signed-in name (None: no login configured, the local admin)."""
        if name is None:
            if self.login_required:
                raise Forbidden("请先登录 (sign in first)")
            return Identity(LOCAL, dict(ADMIN_ALL))
        if self.auth_pair is not None and name == self.auth_pair[0]:
            return Identity(name, dict(ADMIN_ALL))
        return Identity(name, self.roles(name))

    def locked(self, name: str, address: str) -> float:
        """Seconds the (name, address) pair stays locked after too many failures (0: not locked)."""
        with self._attempts_lock:
            until = self._locked.get((name, address), 0.0)
            return max(0.0, until - time.monotonic())

    def _failed(self, key: tuple[str, str]) -> None:
        now = time.monotonic()
        with self._attempts_lock:
            if len(self._failures) + len(self._locked) > 10_000:  # many made-up names: forget the stale ones
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] < WINDOW_S}
                self._locked = {k: t for k, t in self._locked.items() if t > now}
            recent = [t for t in self._failures.get(key, []) if now - t < WINDOW_S] + [now]
            self._failures[key] = recent
            if len(recent) >= MAX_FAILURES:
                self._locked[key] = now + LOCK_S
                self._failures[key] = []

    def verify(self, name: str, password: str, address: str | None = None) -> bool:
        """Whether name/password is a valid login; counts failures per (name, client address)."""
        name = (name or "").strip()
        address = client_address.get() if address is None else address
        key = (name, address)
        if self.locked(name, address):
            return False
        ok = False
        if self.auth_pair is not None and hmac.compare_digest(name.encode(), self.auth_pair[0].encode()):
            ok = hmac.compare_digest((password or "").encode(), self.auth_pair[1].encode())
        elif self.path.exists() and 0 < len(password or "") <= MAX_PASSWORD:
            db = self._db()
            try:
                row = db.execute("SELECT salt, hash FROM users WHERE name=?", (name,)).fetchone()
            finally:
                db.close()
            salt, want = row if row else (_DUMMY_SALT, b"")
            got = hash_password(password, salt)[1]  # the same work for an unknown name
            ok = bool(row) and hmac.compare_digest(got, want)
        if not ok:
            self._failed(key)
        else:
            with self._attempts_lock:
                self._failures.pop(key, None)
        return ok

    def __call__(self, name: str, password: str) -> bool:
        """Gradio's auth callable (the client address comes from the request, see `client_address`)."""
        return self.verify(name, password)


_SHARED: dict[tuple[str, str], Users] = {}
_SHARED_LOCK = threading.Lock()


def shared(settings: Settings) -> Users:
    """One Users per index dir and ASSISTANT_AUTH in this process, so the page and the API count failures together."""
    key = (str(_path(settings).resolve()), settings.auth)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Users(settings)
        return _SHARED[key]


class ClientAddress:
    """ASGI middleware: the client's address in `client_address` while a request runs (for the login limit)."""

    def __init__(self, app: object) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        if scope.get("type") == "http":
            client_address.set((scope.get("client") or ("",))[0] or "")
        await self.app(scope, receive, send)  # type: ignore[operator]
