"""The package as a user installs it (a wheel, not the source tree) answers a Chinese question."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import PROJECT

pytestmark = [pytest.mark.model, pytest.mark.slow]

ASK = """
import json, sys, qa
settings = qa.Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2])
ans = qa.Assistant(settings).ask("系统调用的手册页放在手册的第几章节？", k=3)
print(json.dumps({"module": qa.__file__, "verdict": ans.verdict, "text": " ".join(h.text for h in ans.hits)}))
"""


def test_a_wheel_install_answers_a_chinese_question(tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(PROJECT),
        ],
        check=True,
        capture_output=True,
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "man-zh.txt").write_text((PROJECT / "tests" / "data" / "zh" / "man-zh.txt").read_text("utf-8"), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", ASK, str(corpus), str(tmp_path / "index")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["module"].startswith(str(target))  # the installed copy, with its fitted models as package data
    # Chinese answering ran on the installed copy's fitted models (a missing file fails above, not here).
    assert got["verdict"] in ("answered", "partial") and "手册" in got["text"]
