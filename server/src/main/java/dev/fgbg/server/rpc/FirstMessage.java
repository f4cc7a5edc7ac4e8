package dev.fgbg.server.rpc;

import dev.fgbg.core.deliver.Piece;
import dev.fgbg.v1.SampleBatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * What a stream says once, on its first message: why its ring was refused, how many samples the
 * whole stream sends. The sink maps pieces to messages in order, so the first mapped is the
 * first sent.
 */
final class FirstMessage {
  private FirstMessage() {}

  static <T> BiFunction<Piece, T, SampleBatch> adding(BiFunction<Piece, T, SampleBatch> toMessage,
      UnaryOperator<SampleBatch.Builder> add) {
    AtomicBoolean first = new AtomicBoolean(true);
    return (p, v) -> {
      SampleBatch m = toMessage.apply(p, v);
      return first.getAndSet(false) ? add.apply(m.toBuilder()).build() : m;
    };
  }

  /** Adds the stream's size (its plan's samples) to its first message. */
  static <T> BiFunction<Piece, T, SampleBatch> sized(BiFunction<Piece, T, SampleBatch> toMessage,
      long samples) {
    return adding(toMessage, b -> b.setStreamSamples(samples));
  }
}
