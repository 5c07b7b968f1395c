#!/usr/bin/env bash
# The benchmark suite (BENCHMARKS.md): builds the agent jar, the load app and the runner, then runs the
# interleaved whole-JVM measurements and the JMH benchmarks, and writes benchmarks/results/latest.{md,csv,json}.
#   scripts/bench.sh            full run (4 rounds, both stacks everywhere; about 3x --quick)
#   scripts/bench.sh --quick    2 rounds, fewer calls (14 min on 2 busy cores)
#   scripts/bench.sh --smoke    proves the suite works (a few calls per row; numbers mean nothing)
#   scripts/bench.sh --compare <git-ref>
#                               before/after: the agent jar built at <git-ref> beside this checkout's, and no
#                               agent, interleaved, on the rows issue 6 sets targets for; writes
#                               benchmarks/results/compare.md
# Extra Maven options (e.g. -o for offline) go in BENCH_MAVEN_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=full
baseline=
case "${1:-}" in
  --quick) mode=quick ;;
  --smoke) mode=smoke ;;
  --compare) mode=compare; baseline="${2:?usage: scripts/bench.sh --compare <git-ref>}" ;;
  "") ;;
  *) echo "usage: scripts/bench.sh [--quick|--smoke|--compare <git-ref>]" >&2; exit 2 ;;
esac
mvn_opts=(-B -q ${BENCH_MAVEN_OPTS:-})
if [ -n "$baseline" ]; then
  # 0. the baseline's agent jar, built in a throw-away worktree of that commit
  ref=$(git rev-parse --short "$baseline^{commit}")
  tree=$(mktemp -d)
  git worktree add -q --detach "$tree" "$ref"
  (cd "$tree" && ./mvnw "${mvn_opts[@]}" package -DskipTests -pl agent -am)
  mkdir -p benchmarks/runner/target
  cp "$tree/agent/target/tollgate-agent.jar" benchmarks/runner/target/baseline-agent.jar
  git worktree remove --force "$tree"
  export BENCH_BASELINE_REF="$ref"
fi
# 1. the agent jar the whole-JVM runs load with -javaagent
./mvnw "${mvn_opts[@]}" package -DskipTests -pl agent -am
# 2. the load app and the runner, compiled only: the runner's class path then has the agent's and
#    otel-bridge's unshaded target/classes (what JMH measures); also fetches the OpenTelemetry Java agent
./mvnw "${mvn_opts[@]}" -Pbench process-classes -DskipTests -pl benchmarks/load-app,benchmarks/runner -am
runner=benchmarks/runner/target
exec java -cp "$runner/classes:$(cat "$runner/classpath.txt")" dev.tollgate.bench.suite.Suite . "$mode"
