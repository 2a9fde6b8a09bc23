#!/usr/bin/env bash
# The whole suite: static checks (types, lint, format, generated files in sync, the import rules), then every test
# file on Node 24 (scripts/run-tests.ts: it lists what was skipped and why; KOVN_TEST_NO_SKIPS=1 fails on any skip).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck"; tsc -p tsconfig.json; tsc -p src/ui/web
echo "== lint"; eslint --max-warnings=0 .
echo "== format"; prettier --check . >/dev/null || { prettier --list-different . >&2; echo "format: run npm run format" >&2; exit 1; }
echo "== generated files"; node scripts/gen-crds.ts --check; node scripts/gen-install.ts --check; node scripts/gen-nb-types.ts --check
echo "== imports"; node scripts/check-imports.ts
echo "== tests"
node scripts/run-tests.ts "$@"
