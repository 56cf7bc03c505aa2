"""Start-up: answering a question in a new process imports neither torch nor transformers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

HEAVY = ("torch", "transformers", "sentence_transformers")


def run_fresh(code: str, settings=None) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    if settings is not None:
        env |= {"QA_CORPUS_DIR": str(settings.corpus_dir), "QA_INDEX_DIR": str(settings.index_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_qa_loads_no_model_runtime():
    loaded = run_fresh(
        "import sys, json, qa, qa.cli\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'transformers', 'sentence_transformers', 'onnxruntime'))))"
    )
    assert loaded == []


@pytest.mark.model
def test_answering_in_a_fresh_process_does_not_import_torch(real_index):
    out = run_fresh(
        "import sys, json, warnings\n"
        "warnings.simplefilter('error')\n"  # the ONNX path must be taken, not the fallback
        "import qa\n"
        "ans = qa.ask('How many 5G base stations had China built?')\n"
        "hits = qa.search('What is IDex?', k=3)\n"
        "print(json.dumps({'supported': ans.supported, 'top': ans.hits[0].text, 'n': len(hits),\n"
        "                  'heavy': sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r})}}))",
        real_index,
    )
    assert out["heavy"] == []
    assert out["supported"] and "5G" in out["top"] and out["n"] == 3


@pytest.mark.model
def test_cli_ask_in_a_fresh_process_does_not_import_torch(real_index):
    out = run_fresh(
        "import sys, json, io, contextlib\n"
        "from qa.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    code = main(['ask', 'What is IDex?', '--json'])\n"
        "print(json.dumps({'code': code, 'answer': json.loads(buf.getvalue()),\n"
        "                  'heavy': sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r})}}))",
        real_index,
    )
    assert out["code"] == 0 and out["heavy"] == []
    assert out["answer"]["hits"]


# What building, reading files and showing pages import: a question in a new process pays for none of them.
NOT_FOR_A_QUESTION = (
    "bm25s",
    "scipy",
    "qa.evidence.page_view",
    "qa.index.build",
    "qa.index.rebuild",
    "qa.ingest.pdf.extract",
    "qa.ingest.readers",
)


@pytest.mark.model
def test_cli_ask_in_a_fresh_process_loads_nothing_only_a_build_needs(real_index):
    out = run_fresh(
        "import sys, json, io, contextlib\n"
        "from qa.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['ask', 'What is IDex?'])\n"
        f"print(json.dumps({{'code': code, 'loaded': sorted(m for m in {NOT_FOR_A_QUESTION!r} if m in sys.modules)}}))",
        real_index,
    )
    assert out == {"code": 0, "loaded": []}
