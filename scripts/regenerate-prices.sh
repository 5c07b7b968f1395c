#!/usr/bin/env bash
# Regenerates Tollgate's bundled price table from LiteLLM's model_prices_and_context_window.json:
#
#   scripts/regenerate-prices.sh [path/to/model_prices_and_context_window.json]
#
# The default source is pricing/model_prices_and_context_window.json (LiteLLM's table, kept in the
# repository: pricing/README.md); a path given as an argument is relative to the current directory. The result,
# agent/src/main/resources/dev/tollgate/pricing/model_prices.json, is committed: review the diff
# (one model per line) and keep NOTICE-litellm.txt next to it up to date.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 1 ]]; then
  echo "usage: $0 [model_prices_and_context_window.json]" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  source_json="$1"
else
  source_json="$root/pricing/model_prices_and_context_window.json"
fi
if [[ ! -f "$source_json" ]]; then
  echo "$0: no such file: $source_json" >&2
  exit 1
fi
source_json="$(cd "$(dirname "$source_json")" && pwd)/$(basename "$source_json")"

cd "$root"
output="agent/src/main/resources/dev/tollgate/pricing/model_prices.json"
classpath_file="target/regenerate-prices.classpath" # per module, relative to its directory

# Compile the agent (and otel-bridge, which it depends on) and write its runtime classpath.
./mvnw -q -B -pl otel-bridge,agent compile dependency:build-classpath \
  -Dmdep.outputFile="$classpath_file" -DincludeScope=runtime

java -cp "agent/target/classes:$(cat "agent/$classpath_file")" \
  dev.tollgate.pricing.PriceTableGenerator "$source_json" "$output"
