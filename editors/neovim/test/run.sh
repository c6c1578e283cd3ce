#!/usr/bin/env bash
# Runs the Neovim plugin's checks headless (test/seg_test.lua). Skips when nvim is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null 2>&1; then
  echo "skip: nvim is not installed (e.g. apt-get install neovim)"
  exit 0
fi
# The stand-in server of the LSP checks must be executable even if a checkout lost the bit.
chmod +x ../vscode/test/fixtures/fake-seg 2>/dev/null || true
SEG_PLUGIN_DIR="$(pwd)" nvim --headless -u NONE -i NONE -n \
  --cmd "set runtimepath^=$(pwd)" \
  -c "luafile test/seg_test.lua"
