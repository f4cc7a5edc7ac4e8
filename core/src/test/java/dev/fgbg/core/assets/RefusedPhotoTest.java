package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PhotoCache} keeps a refusal of the file's bytes by the photo's key and throws it again
 * in the same words, naming the file asked for, without making it; a refusal of this host's
 * ({@link HostBound}: the heap's share, an open or a read of the file that failed) is never
 * kept.
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

  /** A file's stream whose reads fail, as a disk's EIO does, once {@code after} bytes are read. */
  private static FileStream failingAfter(File f, long after) throws IOException {
    return new FileStream(f) {
      @Override
      int fileRead(byte[] b, int off, int len) throws IOException {
        if (getStreamPosition() + len > after) {
          throw new IOException("Input/output error");
        }
        return super.fileRead(b, off, len);
      }
    };
  }

  /** What the real decoder refuses of {@code file}, its stream opened by {@code open}. */
  private static Supplier<Prepared> decode(Path file, FileStream.Opener open) {
    return () -> {
      ImageFiles.Pixels p = ImageFiles.read(file, ImageFiles.DEFAULT_MAX_PIXELS, open);
      throw new AssertionError("decoded " + p.width() + "x" + p.height());
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.png", "a.jpg"})
  void aReadThatFailsMidwayIsTheHostsAndCutShortBytesAreTheFiles(String name)
      throws IOException {
    Path file = Fixtures.write(Fixtures.rgb(300, 200, 7), dir.resolve(name));
    Store store = new Store();
    PhotoCache cache = new PhotoCache(store);
    assertEquals(file + ": cannot be read (Input/output error)",
        refusal(cache, file, decode(file, f -> failingAfter(f, 600))));
    assertEquals(Map.of(), store.records, "a read that failed midway is not kept");

    byte[] whole = Files.readAllBytes(file);
    Path cut = Files.write(dir.resolve("cut-" + name), Arrays.copyOf(whole,
        whole.length / 2));
    String words = refusal(cache, cut, decode(cut, FileStream::new));
    assertTrue(words.startsWith(cut + ": unreadable or truncated image ("), words);
    assertEquals(1, store.records.size(), "cut-short bytes are the file's: kept");
  }

  @Test
  void aHostBoundCauseIsFoundDeepInTheChain() {
    FgbgException inner = FgbgException.invalidConfig("x", new HostBound("heap", null));
    assertTrue(HostBound.in(new UncheckedIOException(new IOException(inner))));
    assertFalse(HostBound.in(FgbgException.invalidConfig("x")));
  }
}
