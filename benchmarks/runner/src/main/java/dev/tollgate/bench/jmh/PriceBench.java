package dev.tollgate.bench.jmh;

import dev.tollgate.pricing.Pricer;
import dev.tollgate.provider.Vendor;
import dev.tollgate.telemetry.CallRecord;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Pricing a finished call with the bundled table (dated response model, as OpenAI answers). */
@State(Scope.Benchmark)
public class PriceBench {
  private final Pricer pricer = Pricer.create(null);
  private final CallRecord record = Recordings.completedChatRecord();
  private final List<String> prefixes = Vendor.forName("openai").pricingPrefixes();

  @Benchmark
  public Double priceChatCall() {
    record.costUsd = null;
    pricer.price(record, prefixes);
    return record.costUsd;
  }
}
