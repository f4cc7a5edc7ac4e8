package dev.fgbg.core.assets;

/**
 * Where prepared photos ({@link Prepared} records) are kept between starts, by key (64 hex
 * digits): the {@code --cache-dir}'s disk tier. Failures never reach the loader: a record that
 * cannot be read is absent, one that cannot be written is not kept, and the store says so.
 */
public interface PhotoStore {
  /** The size in bytes of the record under {@code key}, or -1 when there is none. */
  long size(String key);

  /** The record under {@code key}, or null when there is none (or it cannot be read). */
  byte[] read(String key);

  /** The record under {@code key} failed its checks ({@code why}): removed, and said. */
  void discard(String key, String why);

  /** Keeps {@code record} under {@code key}, replacing any. */
  void write(String key, byte[] record);
}
