package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderBuildTest {
  @TempDir Path tmp;

  @Test
  void keyDependsOnTheLoaderBuild() throws IOException {
    Path photo = Files.write(tmp.resolve("a.jpg"), new byte[] {1, 2, 3});
    List<Object> settings = List.of("size=64");
    String a = PhotoCache.key("build-a", List.of(photo), settings);
    assertEquals(a, PhotoCache.key("build-a", List.of(photo), settings));
    // It was "fgbg-photo-1" for every build: a changed decoder found the old pixels.
    assertNotEquals(a, PhotoCache.key("build-b", List.of(photo), settings));
  }

  @Test
  void theProcessIdentityIsOfItsClassesAndStable() {
    long t = System.nanoTime();
    String id = LoaderBuild.id();
    System.out.printf("loader build %s in %.1f ms%n", id, (System.nanoTime() - t) / 1e6);
    assertEquals(64, id.length(), id); // read, not the unknown fallback
    assertEquals(id, LoaderBuild.id());
  }

  @Test
  void aFolderChangesWithCoreOrCommonClassesOnly() throws IOException {
    Path classes = tmp.resolve("classes");
    write(classes, "dev/fgbg/core/assets/Resampler.class", "v1");
    write(classes, "dev/fgbg/common/Sha256.class", "v1");
    String before = LoaderBuild.of(List.of(classes));
    assertEquals(before, LoaderBuild.of(List.of(classes)));
    write(classes, "dev/fgbg/server/Main.class", "v2");
    assertEquals(before, LoaderBuild.of(List.of(classes)));
    write(classes, "dev/fgbg/core/assets/Resampler.class", "v2");
    String core = LoaderBuild.of(List.of(classes));
    assertNotEquals(before, core);
    write(classes, "dev/fgbg/common/Sha256.class", "v2");
    assertNotEquals(core, LoaderBuild.of(List.of(classes)));
  }

  @Test
  void aRebuiltJarWithTheSameClassesIsTheSameBuild() throws IOException {
    Path a = jar("a.jar", 1_000_000_000_000L, "v1");
    Path b = jar("b.jar", 1_700_000_000_000L, "v1");
    assertTrue(Files.size(a) > 0);
    assertEquals(LoaderBuild.of(List.of(a)), LoaderBuild.of(List.of(b)));
    assertNotEquals(LoaderBuild.of(List.of(a)), LoaderBuild.of(List.of(jar("c.jar", 1, "v2"))));
    Path classes = tmp.resolve("same");
    write(classes, "dev/fgbg/core/assets/Resampler.class", "v1");
    assertEquals(LoaderBuild.of(List.of(a)), LoaderBuild.of(List.of(classes)));
  }

  private Path jar(String name, long time, String content) throws IOException {
    Path p = tmp.resolve(name);
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(p))) {
      JarEntry e = new JarEntry("dev/fgbg/core/assets/Resampler.class");
      e.setLastModifiedTime(FileTime.fromMillis(time));
      j.putNextEntry(e);
      j.write(content.getBytes(StandardCharsets.UTF_8));
      j.closeEntry();
    }
    return p;
  }

  private static void write(Path root, String name, String content) throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }
}
