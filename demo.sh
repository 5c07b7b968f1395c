#!/usr/bin/env bash
# The main job, in one command: build Tollgate, start a local fake OpenAI that serves real
# recorded responses, and run the official openai-java SDK sample under the agent with
# console output and OTLP export (to Jaeger, if one is listening on localhost:4318).
set -euo pipefail
cd "$(dirname "$0")"

echo "== building (./mvnw package, tests skipped) =="
./mvnw -q -B package -DskipTests

PORT="${FAKE_PORT:-8089}"
java -jar sample-apps/fake-provider/target/fake-provider.jar "$PORT" &
FAKE_PID=$!
trap 'kill "$FAKE_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

OTEL_FLAGS=(-Dotel.service.name=tollgate-demo)
if (exec 3<>/dev/tcp/127.0.0.1/4318) 2>/dev/null; then
  echo "== exporting spans and metrics to the OTLP receiver on localhost:4318 (Jaeger UI: http://localhost:16686) =="
else
  echo "== no OTLP receiver on localhost:4318: console output only =="
  echo "   (to see the traces in Jaeger:  docker run --rm -d -p 16686:16686 -p 4318:4318 jaegertracing/jaeger:latest  then run ./demo.sh again)"
  OTEL_FLAGS+=(-Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none)
fi

export OPENAI_BASE_URL="http://localhost:$PORT/v1"
export OPENAI_API_KEY="sk-demo-not-a-real-key"
APP=sample-apps/openai-java-app/target
for scenario in chat stream embeddings responses; do
  echo
  echo "== openai-java sample, scenario '$scenario', under -javaagent:agent/target/tollgate-agent.jar =="
  java -javaagent:agent/target/tollgate-agent.jar -Dtollgate.console=true \
    -Dtollgate.properties.environment=demo "${OTEL_FLAGS[@]}" \
    -cp "$APP/openai-java-app.jar:$APP/lib/*" example.openaijava.OpenAiJavaApp "$scenario"
done
