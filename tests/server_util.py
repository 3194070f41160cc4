"""Start the app as a subprocess on a free 127.0.0.1 port (shared by the server and browser tests)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def console_script() -> Path:
    """The installed `assistant` console script of this interpreter's environment (what `make run` starts)."""
    exe = Path(sys.executable).parent / "assistant"
    assert exe.exists(), f"console script missing: {exe} (pip install -e . creates it)"
    return exe


LAUNCHERS = {
    # `make run` exactly as the README says to type it (in the repository root; its install step is a no-op once
    # installed), with this interpreter's environment as the venv
    "make": lambda: ["make", "run", f"VENV={Path(sys.executable).parent.parent}"],
    "app.py": lambda: [sys.executable, str(ROOT / "app.py")],
    "console": lambda: [str(console_script()), "serve"],
    "module": lambda: [sys.executable, "-m", "assistant", "serve"],
}


@contextmanager
def running_app(
    tmp: Path, launcher: str = "app.py", cwd: Path | None = None, **env_extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """(url, process, log path) of an app over a tmp copy of the seed corpus; terminated afterwards.

    launcher: `app.py` (python app.py), `console` (the installed `assistant serve`, as `make run` does)
    or `module` (python -m assistant serve); cwd: where it is started (default the repository root)."""
    corpus = tmp / "corpus"
    corpus.mkdir(exist_ok=True)
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy2(path, corpus / path.name)
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "ASSISTANT_INDEX_DIR": str(tmp / "index"),
            "ASSISTANT_CORPUS_DIR": str(corpus),
            "ASSISTANT_PORT": str(port),
            "ASSISTANT_EMBEDDER": "hash",
            "ASSISTANT_AUTH": "",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("ASSISTANT_HOST", None)
    env.update(env_extra)
    log = tmp / "app.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            LAUNCHERS[launcher](),
            cwd=cwd or ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make's child server is stopped with it
        )
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"app exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            with socket.socket() as s:
                s.settimeout(0.5)
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"app did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", proc, log
    finally:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=15)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def listening_addresses(port: int) -> set[str]:
    """Local IPv4/IPv6 addresses that listen on port (from /proc/net/tcp*)."""
    out = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state = parts[1], parts[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":  # LISTEN
                out.add(addr)
    return out
