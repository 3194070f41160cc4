"""`assistant` command line: ingest | add | list | delete | reindex | ask | eval | serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant import REFUSAL


def _offline_env() -> None:
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False"),
                       ("GRADIO_ANALYTICS_ENABLED", "False"), ("TOKENIZERS_PARALLELISM", "false")):
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
    docs = [{k: d.get(k, "") for k in ("doc_id", "source", "title", "date", "issuer", "region", "doc_type", "chunks", "suspicious")} for d in lib.documents()]
    if args.json:
        _print(docs)
    else:
        for d in docs:
            flag = "  ⚠ " + d["suspicious"] if d["suspicious"] else ""
            print(f"{d['doc_id']}  {d['source'][:28]:28}  {d['date'] or '-':10}  {d['chunks']:3} chunks  {d['title']}{flag}")
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
    from assistant.evaluate import main as eval_main

    return eval_main(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.ui import app

    return app.main(ingest=not args.no_ingest)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="政策问答助手: cited answers from Chinese policy documents.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ingest", help="index files or directories (default: the corpus dir)")
    s.add_argument("paths", nargs="*")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("add", help="index a pasted bulletin from stdin (-) or a file")
    s.add_argument("file", nargs="?")
    s.add_argument("--title")
    s.add_argument("--date", help="YYYY-MM-DD")
    s.add_argument("--issuer")
    s.set_defaults(func=cmd_add)
    s = sub.add_parser("list", help="the indexed documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("delete", help="remove a document (its file moves to corpus/.deleted/)")
    s.add_argument("doc_id")
    s.set_defaults(func=cmd_delete)
    s = sub.add_parser("reindex", help="rebuild the whole index from the corpus dir")
    s.set_defaults(func=cmd_reindex)
    s = sub.add_parser("export", help="back up the index (catalog + vectors) to a .tar.gz")
    s.add_argument("file")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("import", help="restore the index from an export (stop the app first)")
    s.add_argument("file")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("ask", help="answer a question with citations")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--backend", help="extractive | openai | local (default: ASSISTANT_LLM)")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("eval", help="run the evaluation set and write eval/report.*")
    s.add_argument("--split", default="test", choices=["dev", "test", "all", "blind", "unseen-dev", "unseen-test", "unseen"],
                   help="blind: the held-out sets eval/blind*_questions.jsonl (report eval/report-blind.*); "
                   "unseen-dev/unseen-test: eval/unseen/ (seeds + documents nobody tuned on, own index)")
    s.add_argument("--questions", default=None)
    s.add_argument("--out", default=None, help="report file stem (default eval/report)")
    s.add_argument("--gate", action="store_true", help="fail when a metric is below eval/thresholds.json")
    s.add_argument("--backend", default=None)
    s.add_argument("--dataset", default=None, choices=[None, "ncpqa", "rgb"], help="a public benchmark instead")
    s.add_argument("--limit", type=int, default=0)
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("serve", help="start the web app (indexes the corpus first)")
    s.add_argument("--no-ingest", action="store_true")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    _offline_env()
    args = build_parser().parse_args(argv)
    from assistant.load import LoadError
    from assistant.store import IndexBusy, IndexMismatch

    try:
        return int(args.func(args) or 0)
    except (LoadError, IndexBusy, IndexMismatch) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


__all__ = ["main", "REFUSAL"]
