#!/bin/sh
# Fidelity test: installs Shopify's @shopify/admin-api-client (pinned in package-lock.json) and drives
# the simulator binary given as $1 with it. Needs node and npm.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
sim="${1:?usage: run.sh /path/to/shopify-sim}"
case "$sim" in /*) ;; *) sim="$(pwd)/$sim" ;; esac
cd "$here"
if [ ! -d node_modules/@shopify/admin-api-client ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node fidelity.mjs "$sim"
