package dev.fgbg.core.assets;

import dev.fgbg.common.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The build of the code that prepares photos, for {@link PhotoCache}'s key: the SHA-256 of the
 * compiled classes of {@code dev/fgbg/core/} and {@code dev/fgbg/common/} (each file's name and
 * bytes, sorted by name; of a jar its entries, not the jar file, whose times change at every
 * build). Any change there (a decoder, the resampler, EXIF or colour handling) decodes every
 * photo once again, as the dataset fingerprint, computed of the pixels, did before the cache;
 * no version string has to be remembered. Computed once per process.
 */
final class LoaderBuild {
  private static final List<String> PACKAGES = List.of("dev/fgbg/core/", "dev/fgbg/common/");

  private LoaderBuild() {}

  /** The identity of this process's classes. */
  static String id() {
    return Holder.ID;
  }

  /** Lazily, on the first photo looked up: a server with no folder dataset never reads them. */
  private static final class Holder {
    static final String ID = compute();
  }

  private static String compute() {
    Set<Path> sources = new LinkedHashSet<>();
    for (Class<?> c : List.of(PhotoCache.class, Sha256.class)) {
      CodeSource s = c.getProtectionDomain().getCodeSource();
      try {
        if (s == null || s.getLocation() == null) {
          return unknown();
        }
        sources.add(Path.of(s.getLocation().toURI()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return unknown();
      }
    }
    try {
      return of(new ArrayList<>(sources));
    } catch (IOException e) {
      return unknown();
    }
  }

  /** Classes that cannot be read match no record: every photo is decoded, never a stale one. */
  private static String unknown() {
    return "unknown-" + UUID.randomUUID();
  }

  /** The identity of the classes in {@code sources}: jars or classes folders. */
  static String of(List<Path> sources) throws IOException {
    TreeMap<String, byte[]> classes = new TreeMap<>();
    for (Path s : sources) {
      if (Files.isDirectory(s)) {
        readFolder(s, classes);
      } else {
        readJar(s, classes);
      }
    }
    MessageDigest d = Sha256.newDigest();
    classes.forEach((name, bytes) -> {
      d.update((name + "\n" + bytes.length + "\n").getBytes(StandardCharsets.UTF_8));
      d.update(bytes);
    });
    return HexFormat.of().formatHex(d.digest());
  }

  private static boolean ours(String name) {
    return name.endsWith(".class") && PACKAGES.stream().anyMatch(name::startsWith);
  }

  private static void readFolder(Path root, TreeMap<String, byte[]> classes) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String name = root.relativize(f).toString().replace('\\', '/');
        if (ours(name)) {
          classes.put(name, Files.readAllBytes(f));
        }
      }
    }
  }

  private static void readJar(Path jar, TreeMap<String, byte[]> classes) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
        if (!e.isDirectory() && ours(e.getName())) {
          try (InputStream in = j.getInputStream(e)) {
            classes.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
  }
}
