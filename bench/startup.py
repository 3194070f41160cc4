"""Start-up time of the app on an already-indexed seed corpus: process start -> port accepting.

.venv/bin/python bench/startup.py      # writes bench/startup.md
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server_util import running_app  # noqa: E402


def main() -> None:
    work = ROOT / "bench" / "_work" / "startup"
    work.mkdir(parents=True, exist_ok=True)
    env = {"ASSISTANT_EMBEDDER": "e5-small"}
    with running_app(work, **env):  # first start indexes the corpus
        pass
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        with running_app(work, **env):
            times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import assistant"], check=True)
    import_s = time.perf_counter() - t0
    lines = [
        "# App start-up",
        "",
        "Command: `.venv/bin/python bench/startup.py` (seed corpus already indexed; e5-small; "
        f"1-min load average {os.getloadavg()[0]:.1f}).",
        "",
        "| measure | seconds |",
        "|---|---|",
        f"| `python app.py` until the port accepts, median of 3 | {statistics.median(times):.1f} (runs: "
        f"{', '.join(f'{t:.1f}' for t in times)}) |",
        f"| `python -c 'import assistant'` (heavy dependencies load lazily) | {import_s:.2f} |",
    ]
    (ROOT / "bench" / "startup.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
