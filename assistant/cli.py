"""`assistant` command line: ingest | add | list | delete | reindex | ask | eval | serve | kb | apikey | user |
feedback | stats.

`--kb NAME` (before or after the command, or ASSISTANT_KB) picks the knowledge base every command works on."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import REFUSAL


def _offline_env() -> None:
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("GRADIO_ANALYTICS_ENABLED", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)


def _print(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None) + "\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.index import Library

    lib = Library(writer=True)
    try:
        report = lib.ingest_paths([Path(p) for p in args.paths] or None, progress=None if not args.json else False)
    finally:
        lib.close()
    if args.json:
        _print({"added": report.added, "skipped": report.skipped, "chunks": report.chunks, "errors": report.errors})
    else:
        print(f"added {report.added}, skipped {report.skipped} (already indexed), {report.chunks} new chunks")
        for err in report.errors:
            print(f"  rejected: {err}", file=sys.stderr)
    return 1 if report.errors and not report.added and not report.skipped else 0


def cmd_add(args: argparse.Namespace) -> int:
    from assistant.index import Library

    text = sys.stdin.read() if args.file in (None, "-") else None
    lib = Library(writer=True)
    try:
        if text is not None:
            result = lib.add_text(text, args.title or "", args.date or "", args.issuer or "")
        else:
            path = Path(args.file)
            result = lib.add_upload(path.read_bytes(), path.name, args.title or "", args.date or "", args.issuer or "")
    finally:
        lib.close()
    _print(result.to_dict())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from assistant.index import Library

    lib = Library()
    docs = [
        {
            k: d.get(k, "")
            for k in ("doc_id", "source", "title", "date", "issuer", "region", "doc_type", "chunks", "suspicious")
        }
        for d in lib.documents()
    ]
    if args.json:
        _print(docs)
    else:
        for d in docs:
            flag = "  ⚠ " + d["suspicious"] if d["suspicious"] else ""
            print(
                f"{d['doc_id']}  {d['source'][:28]:28}  {d['date'] or '-':10}  {d['chunks']:3} chunks  "
                f"{d['title']}{flag}"
            )
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from assistant.index import Library

    lib = Library(writer=True)
    try:
        ok = lib.delete(args.doc_id)
    finally:
        lib.close()
    print(f"deleted {args.doc_id}" if ok else f"no document {args.doc_id}", file=sys.stderr if not ok else sys.stdout)
    return 0 if ok else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    from assistant.index import Library
    from assistant.settings import get_settings
    from assistant.store import IndexMismatch

    settings = get_settings()
    try:
        lib = Library(settings, writer=True)
    except IndexMismatch:
        # The model changed: clear the catalog so the library opens with the new model, then rebuild.
        from assistant.index import reset_index

        reset_index(settings)
        lib = Library(settings, writer=True)
    try:
        report = lib.reindex(progress=None)
    finally:
        lib.close()
    print(f"reindexed: {report.added} documents, {report.chunks} chunks")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.index import Library, export_archive

    lib = Library()
    _print(export_archive(lib, Path(args.file)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from assistant.index import import_archive
    from assistant.settings import get_settings

    _print(import_archive(get_settings(), Path(args.file)))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.chain import QA
    from assistant.llm import make_answerer

    qa = QA()
    if args.backend:
        qa.answerer = make_answerer(args.backend, qa)
    ans = qa.ask(args.question)
    if args.json:
        _print(ans.to_dict())
    else:
        print(ans.answer)
        for c in ans.citations:
            where = f" › {c.heading.split(' › ')[0]}" if c.heading and not c.heading.startswith(c.title) else ""
            print(f"  [{c.n}] {c.title}{where} ({c.issuer or '发文单位未注明'}, {c.date or '日期未注明'}) {c.source}")
        for r in ans.related:
            print(f"  相关文件: {r['title']} {r['date']}")
        if not ans.verified:
            print(f"  ⚠ 未能核实的数字: {', '.join(ans.unverified)}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if getattr(args, "dataset", None):  # a public benchmark (assistant/benchmarks.py), not this product's eval sets
        from assistant.benchmarks import run_benchmark

        return run_benchmark(args.dataset, args.limit, write=not args.limit)
    from assistant.evaluate import main as eval_main

    return eval_main(args)


def cmd_kb(args: argparse.Namespace) -> int:
    from assistant import kb
    from assistant.settings import get_settings

    settings = get_settings()
    name = getattr(args, "name", None) or args.kb
    if args.action in ("create", "delete") and not name:
        raise kb.KBError(f"name the knowledge base: `assistant kb {args.action} NAME`")
    if args.action == "create":
        _print(kb.create(settings, name))
    elif args.action == "rename":
        _print(kb.rename(settings, args.name, args.new_name))
    elif args.action == "delete":
        _print(kb.delete(settings, name))
    else:
        rows = [kb.describe(settings, name) for name in kb.names(settings)]
        if args.json:
            _print(rows)
        else:
            for r in rows:
                print(f"{r['name']:24}  {r['documents']:4} documents  {r['chunks']:5} chunks")
    return 0


def cmd_apikey(args: argparse.Namespace) -> int:
    from assistant import apikeys
    from assistant.settings import get_settings

    settings = get_settings()
    if args.action == "create":
        kbs = ["*"] if args.all_kbs else (args.key_kbs or ([args.kb] if args.kb else []))
        token, record = apikeys.create(settings, kbs, args.read_only)
        _print({"key": token, **record.public()})
        print("store this key now: only its hash is kept", file=sys.stderr)
    elif args.action == "revoke":
        ok = apikeys.revoke(settings, args.key_id)
        print(f"revoked {args.key_id}" if ok else f"no key {args.key_id}", file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    else:
        _print([k.public() for k in apikeys.load(settings)])
    return 0


def _password(args: argparse.Namespace) -> str:
    """The password from stdin (--password-stdin: its first line) or a prompt typed twice."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        from assistant.users import UserError

        raise UserError("the two passwords differ; nothing was changed")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from assistant.settings import get_settings
    from assistant.users import Users

    users = Users(get_settings())
    if args.action == "add":
        kbs = args.user_kbs or ([args.kb] if args.kb else None)
        _print(users.add(args.name, _password(args), args.role, kbs))
    elif args.action == "grant":
        kbs = args.user_kbs or ([args.kb] if args.kb else None)
        _print(users.grant(args.name, args.role, kbs))
    elif args.action == "passwd":
        users.passwd(args.name, _password(args))
        print(f"password of {args.name} changed")
    elif args.action == "remove":
        ok = users.remove(args.name)
        print(f"removed {args.name}" if ok else f"no user {args.name}", file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    else:
        rows = users.list()
        if args.json:
            _print(rows)
        else:
            for r in rows:
                roles = ", ".join(f"{k}:{v}" for k, v in r["roles"].items())  # type: ignore[union-attr]
                print(f"{r['name']:24}  {roles}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from assistant.history import History
    from assistant.settings import get_settings

    history = History(get_settings())
    if args.action == "export":
        cases = history.reported_cases()
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        tmp.replace(out)
        corrected = sum(1 for f in history.feedback_rows() if f["rating"] == "down" and f["correction"])
        print(
            f"wrote {len(cases)} reported cases to {out}"
            + (f" ({corrected - len(cases)} corrections without a figure left out)" if corrected > len(cases) else ""),
            file=sys.stderr,
        )
    else:
        rows = history.feedback_rows()
        if args.json:
            _print(rows)
        else:
            for r in rows:
                mark = "👍" if r["rating"] == "up" else "👎"
                print(f"{r['answer_id']}  {mark}  {r['user']:12}  {r['question'][:40]}  {r['correction'][:60]}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    import time

    from assistant.history import History
    from assistant.settings import get_settings

    since = time.time() - args.days * 86400 if args.days else 0.0
    stats = History(get_settings()).stats(since)
    if args.json:
        _print(stats)
    else:
        print(
            f"questions {stats['questions']}, refusal rate {stats['refusal_rate']:.1%}, "
            f"latency p50 {stats['latency_p50_s']:.2f}s p95 {stats['latency_p95_s']:.2f}s, "
            f"feedback 👍 {stats['feedback']['up']} 👎 {stats['feedback']['down']}"
        )
        for day, n in stats["per_day"].items():
            print(f"  {day}  {n}")
        for row in stats["most_refused"]:
            print(f"  refused ×{row['count']}: {row['question']}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.ui import app

    return app.main(ingest=not args.no_ingest)


KB_NAME: dict[str, Any] = {"nargs": "?", "help": "default: the --kb NAME given before `kb`"}


def _actions(sub: Any, name: str, text: str, func: Callable[[argparse.Namespace], int]) -> Any:
    """A command made of actions (`assistant user add NAME`): the subparsers to add its actions to."""
    s = sub.add_parser(name, help=text)
    s.set_defaults(func=func)
    return s.add_subparsers(dest="action", required=True)


def _json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true")
    return parser


def _role(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """An account's name, role and the knowledge bases it holds in (`user add`, `user grant`)."""
    parser.add_argument("name")
    parser.add_argument(
        "--role",
        choices=("viewer", "editor", "admin"),
        default="viewer",
        help="viewer: ask; editor: also add and delete documents; admin: everything",
    )
    parser.add_argument(
        "--kb",
        dest="user_kbs",
        action="append",
        metavar="NAME",
        help="a knowledge base the role holds in (repeatable; default every one)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant", description="政策问答助手: cited answers from Chinese policy documents."
    )
    kb_help = "knowledge base (default: ASSISTANT_KB or 'default'); `assistant kb list` shows them"
    p.add_argument("--kb", metavar="NAME", default=None, help=kb_help)
    on_kb = argparse.ArgumentParser(add_help=False)  # --kb after the command works too
    on_kb.add_argument("--kb", metavar="NAME", default=argparse.SUPPRESS, help=kb_help)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ingest", parents=[on_kb], help="index files or directories (default: the corpus dir)")
    s.add_argument("paths", nargs="*")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("add", parents=[on_kb], help="index a pasted bulletin from stdin (-) or a file")
    s.add_argument("file", nargs="?")
    s.add_argument("--title")
    s.add_argument("--date", help="YYYY-MM-DD")
    s.add_argument("--issuer")
    s.set_defaults(func=cmd_add)
    s = sub.add_parser("list", parents=[on_kb], help="the indexed documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("delete", parents=[on_kb], help="remove a document (its file moves to corpus/.deleted/)")
    s.add_argument("doc_id")
    s.set_defaults(func=cmd_delete)
    s = sub.add_parser("reindex", parents=[on_kb], help="rebuild the whole index from the corpus dir")
    s.set_defaults(func=cmd_reindex)
    s = sub.add_parser("export", parents=[on_kb], help="back up the index (catalog + vectors) to a .tar.gz")
    s.add_argument("file")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("import", parents=[on_kb], help="restore the index from an export (stop the app first)")
    s.add_argument("file")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("ask", parents=[on_kb], help="answer a question with citations")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--backend", help="extractive | openai | local (default: ASSISTANT_LLM)")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("eval", parents=[on_kb], help="run the evaluation set and write build/eval/report-SPLIT.*")
    from assistant.evaluate import dev_splits

    splits = ["dev", "test", "all", "blind", "unseen-dev", "unseen-test", "unseen", *dev_splits(), "reported"]
    s.add_argument(
        "--split",
        default="test",
        choices=splits,
        help="blind: the held-out sets eval/blind*_questions.jsonl; "
        "unseen-dev/unseen-test: eval/unseen/ (seeds + documents nobody tuned on, own index); "
        "dev2, dev3, …: eval/dev2/, eval/dev3/, … (further tuning splits of unseen documents, own index); "
        "reported: accepted staff corrections, eval/reported*.jsonl",
    )
    s.add_argument("--questions", default=None)
    s.add_argument(
        "--out",
        default=None,
        help="report file stem (default build/eval/report-SPLIT; the committed reports: eval/report, "
        "eval/report-blind, eval/unseen/report-test)",
    )
    s.add_argument("--gate", action="store_true", help="fail when a metric is below eval/thresholds.json")
    s.add_argument("--backend", default=None)
    s.add_argument("--dataset", default=None, choices=[None, "ncpqa", "rgb"], help="a public benchmark instead")
    s.add_argument("--limit", type=int, default=0)
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("serve", parents=[on_kb], help="start the web app (indexes the corpus first)")
    s.add_argument("--no-ingest", action="store_true")
    s.set_defaults(func=cmd_serve)

    kbs = _actions(sub, "kb", "knowledge bases: create | list | rename | delete", cmd_kb)
    kbs.add_parser("create", help="create an empty knowledge base").add_argument("name", **KB_NAME)
    _json(kbs.add_parser("list", help="the knowledge bases with their document counts"))
    k = kbs.add_parser("rename", help="rename a knowledge base")
    k.add_argument("name")
    k.add_argument("new_name")
    k = kbs.add_parser("delete", help="delete a knowledge base with its documents and saved files")
    k.add_argument("name", **KB_NAME)

    keys = _actions(sub, "apikey", "API keys for /v1 (only a hash is stored): create | list | revoke", cmd_apikey)
    k = keys.add_parser("create", help="a new key for the knowledge bases named (shown once)")
    k.add_argument(
        "--kb", dest="key_kbs", action="append", metavar="NAME", help="a knowledge base the key may use (repeatable)"
    )
    k.add_argument("--all-kbs", action="store_true", help="the key may use every knowledge base")
    k.add_argument("--read-only", action="store_true", help="the key may ask and list, not add or delete documents")
    keys.add_parser("list", help="the keys (id, knowledge bases, read-only; never the key)")
    keys.add_parser("revoke", help="revoke a key by its id").add_argument("key_id")

    users = _actions(sub, "user", "accounts of the web app and the API: add | list | passwd | remove | grant", cmd_user)
    k = _role(users.add_parser("add", help="a new account (password from a prompt or --password-stdin)"))
    k.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _role(users.add_parser("grant", help="give an account a role in knowledge bases"))
    _json(users.add_parser("list", help="the accounts and their roles (never a password)"))
    k = users.add_parser("passwd", help="set an account's password")
    k.add_argument("name")
    k.add_argument("--password-stdin", action="store_true")
    users.add_parser("remove", help="delete an account").add_argument("name")

    fb = _actions(
        sub, "feedback", "👍/👎 and corrections: list | export (corrected 👎 as eval questions)", cmd_feedback
    )
    _json(fb.add_parser("list", help="every feedback with its question and correction"))
    k = fb.add_parser("export", help="the corrected 👎 cases as eval questions (type reported)")
    k.add_argument("--out", required=True, help="the .jsonl file to write (run it: assistant eval --questions FILE)")

    s = sub.add_parser("stats", help="the query log: questions per day, refusal rate, latency, most asked/refused")
    s.add_argument("--json", action="store_true")
    s.add_argument("--days", type=float, default=0, help="only the last N days (default: all)")
    s.set_defaults(func=cmd_stats)
    return p


WRITES = {"ingest", "add", "import"}  # commands that create the knowledge base they name when it does not exist yet


def _use_kb(args: argparse.Namespace) -> None:
    """Make --kb the process's ASSISTANT_KB (every command reads it through get_settings)."""
    from assistant import kb
    from assistant.settings import get_settings

    name = kb.check_name(args.kb or os.environ.get("ASSISTANT_KB") or kb.DEFAULT)
    os.environ["ASSISTANT_KB"] = name
    get_settings.cache_clear()
    if args.cmd in WRITES and name not in kb.RESERVED and not kb.exists(get_settings(), name):
        kb.create(get_settings(), name)
        print(f"created knowledge base {name!r}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    _offline_env()
    args = build_parser().parse_args(argv)
    from assistant.history import HistoryError
    from assistant.kb import KBError
    from assistant.load import LoadError
    from assistant.store import IndexBusy, IndexMismatch
    from assistant.users import UserError

    try:
        if args.cmd not in ("kb", "apikey", "user", "feedback", "stats"):
            _use_kb(args)
        return int(args.func(args) or 0)
    except (LoadError, IndexBusy, IndexMismatch, KBError, UserError, HistoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


__all__ = ["main", "REFUSAL"]
