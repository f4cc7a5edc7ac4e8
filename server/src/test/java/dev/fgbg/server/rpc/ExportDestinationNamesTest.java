package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Destinations that would tell a client about the server's folders, or name a folder that looks
 * like another, refused by the real Netty server on loopback before anything is written.
 */
@ExtendWith(LogCapture.Clean.class)
class ExportDestinationNamesTest {
  private static TestServer server;
  private static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = TestServer.exportRoot().toRealPath();
    server = TestServer.netty(TestDatasets.registry(), TestServer.options(1).exportRoot(root)
        .build());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  private static List<ExportProgress> export(String dest) {
    List<ExportProgress> all = new ArrayList<>();
    FgbgGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
        .export(ExportRequest.newBuilder().setDataset("tiny").setEnd(4).setDestination(dest)
            .setFormat(ExportFormat.EXPORT_FORMAT_NPY).build()).forEachRemaining(all::add);
    return all;
  }

  private static Status refused(String dest) {
    return assertThrows(StatusRuntimeException.class, () -> export(dest)).getStatus();
  }

  @Test
  void anAbsolutePathInsideTheRootIsRefusedInTheWordsOfOneOutside() throws Exception {
    String inside = root.resolve("abs").toString();
    Status in = refused(inside);
    Status out = refused("/etc/x");
    assertEquals(Status.Code.PERMISSION_DENIED, in.getCode());
    assertEquals(out.getCode(), in.getCode());
    assertEquals(out.getDescription().replace("'/etc/x'", "'D'"),
        in.getDescription().replace("'" + inside + "'", "'D'"));
    assertTrue(in.getDescription().contains("not an absolute path"), in.getDescription());
    assertTrue(Files.notExists(root.resolve("abs")), "nothing written");
    // The same folder named relative to the root is fine: only the absolute form is refused.
    List<ExportProgress> p = export("abs");
    assertEquals("abs/manifest.json", p.get(p.size() - 1).getManifest());
  }

  @Test
  void aPathOutsideTheRootIsRefusedForItsPathEvenWithNoFormat() {
    Status noFormat = assertThrows(StatusRuntimeException.class, () -> FgbgGrpc
        .newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
        .export(ExportRequest.newBuilder().setDataset("tiny").setEnd(4)
            .setDestination("../../etc/x").build()).forEachRemaining(p -> { })).getStatus();
    Status npy = refused("../../etc/x");
    assertEquals(npy.getCode(), noFormat.getCode());
    assertEquals(npy.getDescription(), noFormat.getDescription(), "the path's words");
  }

  @Test
  void aFolderNameNotInNfcIsRefusedNamingItsNfcForm() throws Exception {
    Status nfd = refused("runs/cafe\u0301");
    assertEquals(Status.Code.INVALID_ARGUMENT, nfd.getCode());
    assertEquals("export destination 'runs/cafe\u0301' has a folder name that is not in"
        + " Unicode NFC (composed) form, 'cafe\\u0301', which would look the same as"
        + " 'caf\\u00e9'; use its NFC form 'caf\u00e9' (Java: Normalizer.normalize(name,"
        + " Form.NFC); Python: unicodedata.normalize('NFC', name))", nfd.getDescription());
    assertTrue(Files.notExists(root.resolve("runs")), "nothing written");
    List<ExportProgress> p = export("runs/caf\u00e9");
    assertEquals("runs/caf\u00e9/manifest.json", p.get(p.size() - 1).getManifest());
    try (Stream<Path> s = Files.list(root.resolve("runs"))) {
      assertEquals(List.of("caf\u00e9"), s.map(f -> f.getFileName().toString()).toList());
    }
  }
}
