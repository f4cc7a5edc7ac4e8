package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --disk-cache-gb} bounds the whole {@code --cache-dir}, the photo tier and the depth
 * tier together, through real starts on Netty serving a photo folder dataset with teacher
 * depth: the depth maps give way first, then the photos.
 */
class DiskBudgetStartUpTest {
  @TempDir
  Path dir;

  /** The bytes of the records under {@code p} (both tiers when it is the cache folder). */
  private static long bytes(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** One start with {@code --disk-cache-gb gb}: every sample of the folder dataset, depth too. */
  private void serve(Path model, Path cache, double gb) throws Exception {
    var o = Main.options("--builtin-size", "16", "--builtin-counts", "1:1", "--bg",
        dir.resolve("bg").toString(), "--fg", dir.resolve("fg").toString(), "--size", "32",
        "--depth-model", model.toString(), "--device", "cpu", "--cache-dir", cache.toString(),
        "--port", "0", "--disk-cache-gb", String.format(Locale.ROOT, "%.9f", gb));
    try (FgbgApplication app = FgbgApplication.create(o).start()) {
      String name = app.datasets().get(1).name();
      ManagedChannel ch = Grpc.newChannelBuilder("127.0.0.1:" + app.port(),
          InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build();
      try {
        var stub = FgbgGrpc.newBlockingStub(ch);
        long size = stub.describe(DescribeRequest.newBuilder().setDataset(name).build())
            .getSize();
        for (long from = 0; from < size; from += 64) {
          stub.getSamples(GetSamplesRequest.newBuilder().setDataset(name)
              .addAllIndices(LongStream.range(from, Math.min(size, from + 64)).boxed()
                  .toList()).addOutputs(Output.OUTPUT_DEPTH).build());
        }
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void oneLimitBoundsBothTiersDepthFirstAtEveryStart() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path cache = dir.resolve("cache");
    Path photos = cache.resolve("photos");
    serve(model, cache, 1);
    long photoBytes = bytes(photos);
    long depthBytes = bytes(cache) - photoBytes;
    assertTrue(photoBytes > 0 && depthBytes > 0, photoBytes + " + " + depthBytes);

    // Room for the photos and half the maps: each tier alone would fit, both do not.
    long limit = photoBytes + depthBytes / 2;
    serve(model, cache, limit / 1e9);
    assertTrue(bytes(cache) <= limit, bytes(cache) + " bytes over " + limit);
    assertEquals(photoBytes, bytes(photos), "depth maps give way before photos");

    // Less than the photos alone: a restart evicts across tiers, every map and then photos.
    long lower = photoBytes / 2;
    serve(model, cache, lower / 1e9);
    assertTrue(bytes(cache) <= lower, bytes(cache) + " bytes over " + lower);
    assertTrue(bytes(photos) > 0, "the newest photos stay");
  }
}
