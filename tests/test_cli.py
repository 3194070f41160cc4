"""Every command of the README's command table, run through the installed console script (`assistant …`)
from a directory other than the repository, as a user types it. `serve` is in test_run_path.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from server_util import console_script

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

BULLETIN = """云溪县科技局2025年科技创新工作情况通报
发文单位：云溪县科学技术局
2025年，云溪县新认定高新技术企业58家，技术合同成交额达到12.7亿元，同比增长31%。
全县建成省级企业研发中心9个。
云溪县科学技术局
2025年12月20日"""

PASTE = """青川区科技局关于开展“春笋行动”的通知
2026年青川区启动“春笋行动”，计划培育科技型中小企业140家，安排专项资金860万元。"""


def run(args: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None, ok: bool = True) -> str:
    proc = subprocess.run(
        [str(console_script()), *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    if ok:
        assert proc.returncode == 0, f"assistant {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture()
def cli(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "yunxi_2025.txt").write_text(BULLETIN, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
            "ASSISTANT_CORPUS_DIR": str(corpus),
            "ASSISTANT_EMBEDDER": "hash",
            "HF_HUB_OFFLINE": "1",
        }
    )
    work = tmp_path / "elsewhere"  # not the repository: the console script must not depend on the cwd
    work.mkdir()
    return work, env


def test_every_readme_command_through_the_console_script(cli: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    work, env = cli
    ingested = json.loads(run(["ingest", "--json"], work, env))
    assert ingested["added"] == 1 and ingested["chunks"] >= 1
    assert json.loads(run(["ingest", "--json"], work, env))["skipped"] == 1  # idempotent

    added = json.loads(run(["add", "--title", "青川区科技局关于开展“春笋行动”的通知", "-"], work, env, stdin=PASTE))
    assert not added["duplicate"] and added["chunks"] >= 1

    docs = json.loads(run(["list", "--json"], work, env))
    assert {d["doc_id"] for d in docs} >= {added["doc_id"]} and len(docs) == 2
    assert "云溪县" in run(["list"], work, env)

    ans = json.loads(run(["ask", "云溪县2025年新认定了多少家高新技术企业", "--json"], work, env))
    assert not ans["refused"] and "58家" in ans["answer"] and ans["citations"]
    assert any("58家" in c["quote"] and c["source"] == "yunxi_2025.txt" for c in ans["citations"])
    plain = run(["ask", "青川区春笋行动安排了多少专项资金"], work, env)
    assert "860万元" in plain and "[1]" in plain

    archive = tmp_path / "backup.tar.gz"
    exported = json.loads(run(["export", str(archive)], work, env))
    assert archive.stat().st_size > 0 and exported

    run(["delete", added["doc_id"]], work, env)
    assert len(json.loads(run(["list", "--json"], work, env))) == 1
    assert run(["delete", "no-such-doc"], work, env, ok=False) == ""

    run(["reindex"], work, env)
    docs = json.loads(run(["list", "--json"], work, env))
    assert [d["source"] for d in docs] == ["yunxi_2025.txt"]

    restored = dict(env, ASSISTANT_INDEX_DIR=str(tmp_path / "restored"))
    run(["import", str(archive)], work, restored)
    assert len(json.loads(run(["list", "--json"], work, restored))) == 2
    ans = json.loads(run(["ask", "青川区春笋行动计划培育多少家科技型中小企业", "--json"], work, restored))
    assert "140家" in ans["answer"]

    questions = tmp_path / "own.jsonl"
    rows = [
        {
            "id": "c1",
            "user_input": "云溪县2025年技术合同成交额是多少",
            "reference": "12.7亿元",
            "reference_key_facts": [["12.7亿元"]],
            "reference_sources": ["yunxi_2025.txt"],
            "type": "number",
            "split": "x",
        },
        {
            "id": "c2",
            "user_input": "云溪县2019年技术合同成交额是多少",
            "reference": "未提及",
            "reference_key_facts": [],
            "reference_sources": [],
            "type": "unanswerable",
            "split": "x",
        },
    ]
    questions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = run(
        ["eval", "--questions", str(questions), "--split", "all", "--out", str(tmp_path / "rep" / "report")], work, env
    )
    report = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert report["overall"]["n"] == 2 and '"answer_accuracy"' in out
    assert report["overall"]["answer_accuracy"] == 1.0 and report["overall"]["refusal_accuracy"] == 1.0


def test_console_script_reports_bad_input_clearly(cli: tuple[Path, dict[str, str]]) -> None:
    work, env = cli
    proc = subprocess.run(
        [str(console_script()), "add", "-"], cwd=work, env=env, input="", capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error:")
