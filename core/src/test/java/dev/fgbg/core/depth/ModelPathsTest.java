package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPathsTest {
  @TempDir
  Path home;

  @Test
  void aModelOnlyInTheRepositoryIsFoundThereAndTypedPathsWin() throws Exception {
    Files.createDirectories(home.resolve("models/only-home"));
    assertEquals(home.resolve("models/only-home").toString(),
        ModelPaths.resolve("models/only-home", home.toString()));
    // Present in the working directory (the module folder under Maven): taken as typed.
    assertEquals("pom.xml", ModelPaths.resolve("pom.xml", home.toString()));
    assertEquals("models/nowhere", ModelPaths.resolve("models/nowhere", home.toString()),
        "not found anywhere: the typed path, so the error names it");
    assertEquals("models/only-home", ModelPaths.resolve("models/only-home", null));
    assertEquals("", ModelPaths.resolve("", home.toString()));
  }
}
