package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleMeta;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cut-out kept on its photo's 1000x1000 canvas, served by a real server with
 * {@code --position ground --no-flip}: every placement is drawn at {@code --fg-scale} and the
 * object stands in the ground band, as the cut-out saved trimmed would.
 */
class CutOutServingTest {
  @TempDir
  Path root;

  @Test
  void aCutOutOnItsPhotosCanvasIsServedAtFgScaleStandingInTheGroundBand() throws Exception {
    Fixtures.write(Fixtures.rgb(224, 224, 1), root.resolve("bg/street.png"));
    BufferedImage canvas = new BufferedImage(1000, 1000, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 400; y++) {
      for (int x = 0; x < 160; x++) {
        double dx = (x + 0.5) / 160 - 0.5;
        double dy = (y + 0.5) / 400 - 0.5;
        canvas.setRGB(420 + x, 300 + y, dx * dx + dy * dy <= 0.25 ? 0xFF4080C0 : 0);
      }
    }
    Fixtures.write(canvas, root.resolve("fg/person.png"));
    List<Dataset> ds;
    try (LogCapture log = new LogCapture()) {
      ds = FlagDatasets.of("--bg", root.resolve("bg").toString(), "--fg",
          root.resolve("fg").toString(), "--position", "ground", "--no-flip");
      assertEquals(List.of("dataset 'folder': 1 of 1 foregrounds have transparent margins and "
          + "are trimmed to their visible pixels (e.g. person.png: 1000x1000 -> 400x160)"),
          log.records().stream().map(LogRecord::getMessage).filter(m -> m.contains("trimmed"))
              .toList());
    }
    try (TestServer s = TestServer.netty(new DatasetRegistry(ds), 2)) {
      FgbgGrpc.FgbgBlockingStub stub = FgbgGrpc.newBlockingStub(s.channel());
      String name = ds.get(ds.size() - 1).name();
      long size = stub.describe(DescribeRequest.newBuilder().setDataset(name).build()).getSize();
      assertEquals(20, size);
      List<SampleMeta> meta = stub.getSamples(GetSamplesRequest.newBuilder().setDataset(name)
          .addAllIndices(LongStream.range(0, size).boxed().toList())
          .addOutputs(Output.OUTPUT_META).build()).getMetaList();
      Spec spec = ds.get(ds.size() - 1).spec();
      for (SampleMeta m : meta) {
        assertTrue(m.getFgHeight() >= Math.round(0.3 * 224) && m.getFgHeight()
            <= Math.round(0.6 * 224), "drawn at --fg-scale: " + m);
        int foot = m.getBbox().getY1() - 1; // the visible object's lowest row
        assertTrue(foot >= spec.groundTopRow() - 1 && foot <= spec.groundBottomRow(),
            "stands in the ground band: " + m);
        assertEquals(m.getFgHeight(), m.getBbox().getY1() - m.getBbox().getY0(), 2,
            "fg_height is the object's: " + m);
      }
    }
  }
}
