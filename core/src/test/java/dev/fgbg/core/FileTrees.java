package dev.fgbg.core;

import dev.fgbg.common.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Folder contents as data, for comparing exports file by file. */
public final class FileTrees {
  private FileTrees() {}

  /** Every file under {@code dir}: relative path -> SHA-256 of its bytes. */
  public static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Sha256.hex(p));
      }
    }
    return out;
  }
}
