package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageTypeSpecifier;

/**
 * The heap that decoding images may take at once. A decode holds the decoder's image (its raw
 * bytes a pixel: 3 for 8-bit RGB, 8 for 16-bit RGBA) beside the RGBA copy it returns (4), and
 * then that copy beside one more, an upright turn's or a cut-out's trim (4): measured, a
 * 7500x7500 RGB PNG loads in a 400 MiB heap, about 7.3 bytes a pixel (before the scaling read
 * the RGBA bytes in place it took 1225 MiB, 22 bytes a pixel). An image whose decode
 * needs more than {@link #SHARE_PERCENT} per cent of the JVM's heap is refused by name, before
 * anything is decoded; the others decode in parallel only while their needs fit that share
 * together, so several large photos wait for each other instead of exhausting the heap. A
 * prepared photo read back from the cache ({@link PhotoCache}) takes its share the same way:
 * its record's bytes beside the pixels copied out of them, {@link #readNeed}.
 */
final class DecodeMemory {
  /** The part of the heap start-up decodes may hold together. */
  static final int SHARE_PERCENT = 60;
  /** Bytes a pixel of the RGBA copy a decode returns. */
  static final int RGBA_BYTES = 4;
  private static final int MIB = 1 << 20;
  private static final long SHARE_BYTES = Runtime.getRuntime().maxMemory() / 100 * SHARE_PERCENT;
  private static final int SHARE_MIB = (int) Math.min(Integer.MAX_VALUE, SHARE_BYTES / MIB);
  private static final Semaphore PERMITS = new Semaphore(Math.max(1, SHARE_MIB), true);
  /** Reservations granted, for tests: a cache read's is counted as a decode's. */
  private static final AtomicLong GRANTED = new AtomicLong();

  private DecodeMemory() {}

  /** Bytes a decode of a w×h image of {@code raw} type needs at its peak. */
  static long need(int w, int h, ImageTypeSpecifier raw) {
    return (long) w * h * Math.max(rawBytes(raw) + RGBA_BYTES, 2 * RGBA_BYTES);
  }

  /** The decoder's bytes a pixel; 4 when the reader cannot say (a CMYK JPEG's raster). */
  private static int rawBytes(ImageTypeSpecifier raw) {
    if (raw == null) {
      return 4;
    }
    SampleModel sm = raw.getSampleModel(1, 1);
    int bits = sm.getNumBands() * DataBuffer.getDataTypeSize(sm.getDataType());
    return Math.max(1, (bits + 7) / 8);
  }

  /** Bytes reading back a cached record of {@code size} bytes needs: it beside its pixels. */
  static long readNeed(long size) {
    return 2 * size;
  }

  /**
   * Waits until {@code bytes} fit beside the other decodes and returns what to release after
   * the decode; refuses {@code file} by name when they cannot fit even alone.
   */
  static AutoCloseableNoThrow reserve(Path file, int w, int h, long bytes) {
    AutoCloseableNoThrow held = tryReserve(bytes);
    if (held == null) {
      long mib = mib(bytes);
      long heapMib = Runtime.getRuntime().maxMemory() / MIB;
      throw FgbgException.invalidConfig(String.format(Locale.ROOT, "%s: %dx%d is %,d pixels, "
          + "whose decoding needs about %,d MiB, more than the %d%% of the JVM's %,d MiB heap "
          + "that decoding may take (refused before decoding); make the image smaller, or give "
          + "the server more heap (FGBG_JAVA_OPTS=-Xmx%dm ./fgbg serve ...)", file, h, w,
          (long) w * h, mib, SHARE_PERCENT, heapMib,
          (heapMib + (mib - SHARE_MIB) * 100 / SHARE_PERCENT) * 21 / 20 + 1),
          new HostBound("the heap's share", null));
    }
    return held;
  }

  /**
   * Waits until {@code bytes} fit beside the others and returns what to release; null, having
   * waited for nothing, when they cannot fit even alone.
   */
  static AutoCloseableNoThrow tryReserve(long bytes) {
    long mib = mib(bytes);
    if (mib > SHARE_MIB) {
      return null;
    }
    int permits = (int) mib;
    PERMITS.acquireUninterruptibly(permits);
    GRANTED.incrementAndGet();
    return () -> PERMITS.release(permits);
  }

  private static long mib(long bytes) {
    return Math.max(1, (bytes + MIB - 1) / MIB);
  }

  /** The whole share, in bytes: what a test holds to make every other reservation wait. */
  static long shareBytes() {
    return (long) SHARE_MIB * MIB;
  }

  /** Reservations granted so far. */
  static long granted() {
    return GRANTED.get();
  }

  /** Threads waiting for their share now. */
  static int waiting() {
    return PERMITS.getQueueLength();
  }

  /** A reservation to release, in a try-with-resources. */
  interface AutoCloseableNoThrow extends AutoCloseable {
    @Override
    void close();
  }
}
