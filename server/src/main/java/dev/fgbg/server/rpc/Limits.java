package dev.fgbg.server.rpc;

/**
 * Message-size limits. Stream chunks stay under {@code streamMessageBytes} (a batch larger than
 * that is split into chunks); a GetSamples response stays under {@code getSamplesBytes}.
 */
record Limits(int streamMessageBytes, int getSamplesBytes, int maxGetSamples) {
  static final Limits DEFAULT = new Limits(4 << 20, 16 << 20, 1024);

  /** Samples per stream message for a sample of {@code sampleBytes}. */
  int chunkSamples(long sampleBytes) {
    return (int) Math.max(1, streamMessageBytes / Math.max(1, sampleBytes));
  }

  /** Most indices one GetSamples call may ask for. */
  int getSamplesCount(long sampleBytes) {
    return (int) Math.max(1, Math.min(maxGetSamples, getSamplesBytes / Math.max(1, sampleBytes)));
  }
}
