package dev.tollgate.provider;

import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-index answer state and its finish reasons: OpenAI chat's {@code choices}, Gemini's
 * {@code candidates}. With {@code n > 1} the chunks of different indices interleave in a
 * stream, so each index keeps its own state and {@code gen_ai.response.finish_reasons} lists the
 * reasons known so far in index order.
 *
 * <p>Also home to the slot-per-index growth other per-index state uses (tool calls, Anthropic
 * content blocks) and to the one-reason case of the single-answer formats.
 */
final class Choices<T extends Choices.Choice> {
  /** What every choice keeps; a codec's choice class adds its own content. */
  static class Choice {
    String finishReason;
  }

  private final ArrayList<T> list;
  private final Supplier<T> factory;

  Choices(int capacity, Supplier<T> factory) {
    this.list = new ArrayList<>(capacity);
    this.factory = factory;
  }

  /** The choice at {@code index} (not negative), created when first seen. */
  T at(int index) {
    return slot(list, index, factory);
  }

  /** In index order; an index never seen is null. */
  List<T> all() {
    return list;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** Sets {@code c}'s finish reason (null: none in this chunk); republishes on a change. */
  void finish(T c, String reason, CallRecord record) {
    if (reason != null && !reason.equals(c.finishReason)) {
      c.finishReason = reason;
      List<String> reasons = new ArrayList<>(list.size());
      for (T each : list) {
        if (each != null && each.finishReason != null) {
          reasons.add(each.finishReason);
        }
      }
      record.finishReasons = reasons;
    }
  }

  /** The finish reason of a format with a single answer. */
  static void single(String reason, CallRecord record) {
    List<String> one = new ArrayList<>(1);
    one.add(reason);
    record.finishReasons = one;
  }

  /**
   * The element at {@code index} (not negative) of a list kept by index, created (and the list
   * grown with nulls up to it) when absent.
   */
  static <E> E slot(List<E> list, int index, Supplier<E> factory) {
    while (list.size() <= index) {
      list.add(null);
    }
    E e = list.get(index);
    if (e == null) {
      e = factory.get();
      list.set(index, e);
    }
    return e;
  }
}
