#!/bin/sh
# qa eval on the dev set through each backend, from one build: the local FAISS generation, Qdrant embedded
# (qdrant-edge-py) and qdrant-client (local mode, standing in for a server). The two Qdrant app servers get an
# empty index folder and no corpus, so they answer from Qdrant alone. Writes results/eval-backends.md.
# Run from the repository: sh scripts/eval_backends.sh
set -e
QA=${QA:-.venv/bin/qa}
SET=${SET:-tests/data/eval/dev.jsonl}
OUT=${OUT:-results/eval-backends.md}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export HF_HUB_OFFLINE=1
export QA_CORPUS_DIR="${QA_CORPUS_DIR:-corpus}"
# One build writes the local generation and the embedded Qdrant's; the second reuses every vector and writes
# the next generation to qdrant-client as well.
QA_INDEX_DIR="$W/index" QA_BACKEND=qdrant QA_QDRANT_PATH="$W/edge" $QA index --quiet >/dev/null
QA_INDEX_DIR="$W/index" QA_BACKEND=qdrant QA_QDRANT_URL="local:$W/client" $QA index --quiet >/dev/null
{
    echo "Written by: \`sh scripts/eval_backends.sh\` (qa eval $SET over the default corpus, one build, three backends)"
    echo
    echo "### FAISS (the local generation)"
    echo
    QA_INDEX_DIR="$W/index" $QA eval "$SET"
    echo
    echo "### Qdrant embedded (qdrant-edge-py); the app server has no index folder or corpus"
    echo
    QA_CORPUS_DIR="$W/none" QA_INDEX_DIR="$W/app-edge" QA_BACKEND=qdrant QA_QDRANT_PATH="$W/edge" $QA eval "$SET"
    echo
    echo "### qdrant-client (local mode, standing in for a server); the app server has no index folder or corpus"
    echo
    QA_CORPUS_DIR="$W/none" QA_INDEX_DIR="$W/app-client" QA_BACKEND=qdrant QA_QDRANT_URL="local:$W/client" \
        $QA eval "$SET"
    echo
    echo "Index folders of the two Qdrant app servers after answering (only the ONNX query-model cache):"
    echo
    (cd "$W" && find app-edge app-client -type f | sort | sed 's/^/    /')
} > "$OUT"
