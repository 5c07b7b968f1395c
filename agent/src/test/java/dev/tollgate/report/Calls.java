package dev.tollgate.report;

import dev.tollgate.telemetry.CallRecord;

/** Finished call records as the gateway hands them to the report. */
final class Calls {
  private Calls() {}

  static CallRecord call(long epochMillis, String model, String user, Double cost, long durationMillis) {
    CallRecord r = new CallRecord();
    r.provider = "openai";
    r.operation = "chat";
    r.requestModel = model;
    r.responseModel = model + "-2024-07-18";
    r.userId = user;
    r.statusCode = 200;
    r.startEpochNanos = epochMillis * 1_000_000L;
    r.startNanos = 5_000_000_000L;
    r.endNanos = r.startNanos + durationMillis * 1_000_000L;
    r.costUsd = cost;
    r.inputTokens = 20L;
    r.outputTokens = 5L;
    return r;
  }
}
