#!/usr/bin/env bash
# End-to-end test of the Neovim plugin with the real language server (`seg lsp`).
#
#   cargo build -p seg-cli
#   SEG_BIN=target/debug/seg bash editors/neovim/test/e2e.sh
#
# Makes a throw-away project (examples/schema.json + seg.toml + one .seg fixture), opens the
# fixture in a headless Neovim with the plugin (`require('seg').setup({ cmd = SEG_BIN })`), and
# runs test/e2e.lua there: E0201 is published for the unknown attribute, completion after
# `customer.` lists the schema's customer attributes with the disabled ones tagged, and the
# server stops cleanly. Exit 0 on success, 1 when an assertion fails, 2 when SEG_BIN or nvim is
# missing. Works on Neovim 0.7.2 (Debian bookworm) and later.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
plugin="$(dirname "$here")"
repo="$(cd "$plugin/../.." && pwd)"

if [ -z "${SEG_BIN:-}" ]; then
  echo "e2e: SEG_BIN is not set; point it at the seg binary, e.g." >&2
  echo "  cargo build -p seg-cli && SEG_BIN=target/debug/seg bash editors/neovim/test/e2e.sh" >&2
  exit 2
fi
seg_bin="$SEG_BIN"
case "$seg_bin" in
  */*) ;;
  *) seg_bin="$(command -v "$seg_bin" || true)" ;; # a bare name: look it up on PATH
esac
if [ -z "$seg_bin" ] || [ ! -f "$seg_bin" ] || [ ! -x "$seg_bin" ]; then
  echo "e2e: SEG_BIN=$SEG_BIN is not an executable file" >&2
  exit 2
fi
seg_bin="$(cd "$(dirname "$seg_bin")" && pwd)/$(basename "$seg_bin")"

if ! command -v nvim >/dev/null 2>&1; then
  echo "e2e: nvim is not installed (Debian: apt-get install -y neovim)" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The project: the example schema, a seg.toml naming it, and the fixture.
cp "$repo/examples/schema.json" "$tmp/schema.json"
cat >"$tmp/seg.toml" <<'EOF'
# The project of editors/neovim/test/e2e.sh.
schema = "schema.json"
EOF
mkdir "$tmp/segments"
# e2e.lua finds its lines by their text: the `customer.gropu` line must get E0201, and a line
# `customer.` is typed after the `customer.email` line to ask for completion.
cat >"$tmp/segments/e2e.seg" <<'EOF'
// The fixture of editors/neovim/test/e2e.sh.

/// A valid segment.
segment vip_customers {
  name "VIP customers"
  applies_to registered

  all {
    customer.group is "VIP"
    customer.email is not empty
  }
}

/// A typo: customers have no attribute `gropu` (E0201, did you mean `group`?).
segment typo {
  name "Typo"
  applies_to registered

  all {
    customer.gropu is "VIP"
  }
}
EOF

start=$(date +%s%N)
status=0
SEG_BIN="$seg_bin" \
  SEG_E2E_FILE="$tmp/segments/e2e.seg" \
  SEG_E2E_ROOT="$tmp" \
  SEG_E2E_SCHEMA="$tmp/schema.json" \
  SEG_PLUGIN_DIR="$plugin" \
  SEG_E2E_LUA="$here/e2e.lua" \
  timeout 60 nvim --headless -u NONE -i NONE -n \
  --cmd "lua vim.opt.runtimepath:prepend(os.getenv('SEG_PLUGIN_DIR'))" \
  -c "lua dofile(os.getenv('SEG_E2E_LUA'))" </dev/null || status=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))

if [ "$status" -eq 124 ]; then
  echo "e2e: FAIL: Neovim did not finish within 60 s (killed)" >&2
elif [ "$status" -ne 0 ]; then
  echo "e2e: FAIL (nvim exited with $status) after ${elapsed} ms" >&2
else
  echo "e2e: ok in ${elapsed} ms"
fi
exit "$status"
