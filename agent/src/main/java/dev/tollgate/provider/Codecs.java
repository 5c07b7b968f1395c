package dev.tollgate.provider;

import dev.tollgate.telemetry.CallRecord;
import java.util.EnumMap;
import java.util.Map;

/** One codec per wire format, created once. */
public final class Codecs {
  private final Map<WireFormat, ProviderCodec> byFormat = new EnumMap<>(WireFormat.class);

  public Codecs() {
    for (WireFormat f : WireFormat.values()) {
      byFormat.put(f, NOTHING);
    }
  }

  public ProviderCodec forFormat(WireFormat format) {
    return byFormat.get(format);
  }

  private static final ProviderCodec NOTHING = new ProviderCodec() {
    @Override
    public void readRequest(String path, byte[] body, CallRecord record) {}

    @Override
    public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
      return new ResponseObserver() {
        @Override
        public void onBytes(byte[] bytes, int offset, int length) {}

        @Override
        public void onEnd(boolean complete) {}
      };
    }
  };
}
