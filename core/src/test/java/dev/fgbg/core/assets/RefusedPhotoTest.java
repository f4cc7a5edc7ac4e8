package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.FgbgException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PhotoCache} keeps a refusal of the file's bytes by the photo's key and throws it again
 * in the same words, naming the file asked for, without making it; a refusal of this host's
 * ({@link HostBound}: the heap's share, an open that failed) is never kept.
 */
class RefusedPhotoTest {
  @TempDir
  Path dir;

  /** A store in memory. */
  private static final class Store implements PhotoStore {
    final Map<String, byte[]> records = new ConcurrentHashMap<>();

    @Override
    public long size(String key) {
      byte[] b = records.get(key);
      return b == null ? -1 : b.length;
    }

    @Override
    public byte[] read(String key) {
      return records.get(key);
    }

    @Override
    public void discard(String key, String why) {
      records.remove(key);
    }

    @Override
    public void write(String key, byte[] record) {
      records.put(key, record);
    }
  }

  private static String refusal(PhotoCache cache, Path file, Supplier<Prepared> make) {
    return assertThrows(FgbgException.class,
        () -> cache.get(3, List.of(file), List.of("bg"),
            PathWords.of(file.toString()), make)).getMessage();
  }

  @Test
  void aRefusalOfTheBytesIsKeptAndOneOfTheHostIsNot() throws Exception {
    Path a = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3});
    Path b = Files.write(dir.resolve("b.png"), new byte[] {1, 2, 3});
    Store store = new Store();
    PhotoCache cache = new PhotoCache(store);
    AtomicInteger made = new AtomicInteger();
    Supplier<Prepared> host = () -> {
      made.incrementAndGet();
      throw FgbgException.invalidConfig(a + ": too large for the heap", new HostBound("heap",
          null));
    };
    assertEquals(a + ": too large for the heap", refusal(cache, a, host));
    assertEquals(Map.of(), store.records, "a refusal of the host's is not kept");
    assertEquals(a + ": too large for the heap", refusal(cache, a, host));
    assertEquals(2, made.get());
    Supplier<Prepared> bytes = () -> {
      made.incrementAndGet();
      throw FgbgException.invalidConfig(a + ": unreadable or truncated image (" + a + ")");
    };
    assertEquals(a + ": unreadable or truncated image (" + a + ")", refusal(cache, a, bytes));
    assertEquals(1, store.records.size());
    assertEquals(a + ": unreadable or truncated image (" + a + ")", refusal(cache, a, bytes));
    assertEquals(b + ": unreadable or truncated image (" + b + ")", refusal(cache, b, bytes),
        "the same bytes under another name, named by their own");
    assertEquals(3, made.get(), "both read from the store");
    assertEquals(2, cache.hits());
  }
}
