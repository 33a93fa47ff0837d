#!/bin/sh
# Installs schemathesis, the API fuzzer `npm run test:fuzz` runs, into .venv (git-ignored),
# pinned to one exact version so every machine fuzzes with the same tool.
set -eu
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
# Hypothesis, which generates schemathesis's cases, is pinned too, for the same reason.
HYPOTHESIS_VERSION=6.135.0
if [ -x .venv/bin/schemathesis ] &&
  [ "$(.venv/bin/schemathesis --version 2>/dev/null)" = "schemathesis, version $SCHEMATHESIS_VERSION" ] &&
  [ "$(.venv/bin/python -c 'import hypothesis; print(hypothesis.__version__)' 2>/dev/null)" = "$HYPOTHESIS_VERSION" ]; then
  exit 0
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
.venv/bin/schemathesis --version
