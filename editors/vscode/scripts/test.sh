#!/usr/bin/env bash
# The tests of the VS Code extension, in one command (the project's test script calls it):
# installs the npm packages when they are missing or older than package-lock.json, bundles the
# client, packages seg.vsix, then runs the tests in test/ with Node's built-in runner.
# Needs Node.js >= 20 and npm, and the npm registry for the first install; nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is required to test the VS Code extension (editors/vscode): install Node.js 20 or newer (https://nodejs.org)" >&2
    exit 2
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js $(node --version) is too old for editors/vscode: version 20 or newer is required" >&2
  exit 2
fi

# `npm ci` installs exactly package-lock.json; run it on a fresh clone and whenever the lock file
# changed after the last install (npm writes node_modules/.package-lock.json on every install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (editors/vscode)"
  # --ignore-scripts: nothing here needs an install script (esbuild finds its platform binary
  # without one), and it keeps npm 10 from building the optional keytar of vsce natively.
  npm ci --ignore-scripts --no-audit --no-fund
fi

echo "== build"
npm run --silent build
echo "== package (seg.vsix)"
npm run --silent package
echo "== tests"
node --test test/
