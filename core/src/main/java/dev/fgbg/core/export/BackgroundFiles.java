package dev.fgbg.core.export;

import dev.fgbg.common.Npy;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.IndexCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The backgrounds of an export (OUTPUT_BACKGROUND, OUTPUT_BACKGROUND_DEPTH), each written once,
 * when the shards are done, and referenced by its samples through their {@code bg}: loose
 * {@code bg/bg_NNN.png} (RGB, lossless) and {@code bg_depth/bg_NNN.png} (millimetres, as depth
 * maps) or {@code .npy} (float16, exact, with depth_npy) beside every layout but npy's, which
 * gets {@code backgrounds.npy} [B,H,W,3] uint8, {@code background_depths.npy} [B,H,W] float16
 * (row r: the r-th distinct background of the selection, ascending) and
 * {@code background_rows.npy} int64 [N], each sample's row.
 */
final class BackgroundFiles {
  static final String FOLDER = "bg";
  static final String DEPTH_FOLDER = "bg_depth";
  static final String PIXELS_NPY = "backgrounds.npy";
  static final String DEPTH_NPY = "background_depths.npy";
  static final String ROWS_NPY = "background_rows.npy";

  private BackgroundFiles() {}

  /** The distinct backgrounds of the selection, ascending (one binary search each). */
  static int[] used(ExportJob job) {
    Selection sel = job.selection();
    IndexCodec c = job.dataset().codec();
    long perBg = c.size() / c.backgrounds();
    List<Integer> out = new ArrayList<>();
    long p = 0;
    while (p < sel.size()) {
      int bg = c.bg(sel.indexAt(p));
      out.add(bg);
      p = sel.firstAtOrAfter((bg + 1) * perBg);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Loose files for the folder-like layouts; returns the files written (none when unasked). */
  static List<String> writeFiles(ExportStore dest, ExportJob job) throws IOException {
    List<String> out = new ArrayList<>();
    Dataset d = job.dataset();
    int w = d.spec().width();
    int h = d.spec().height();
    for (int bg : job.outputs().backgrounds() ? used(job) : new int[0]) {
      String name = SampleNames.bgFolder(bg);
      if (job.outputs().background()) {
        out.add(write(dest, FOLDER + "/" + name + ".png",
            Encoders.pngRgb8(d.backgroundRgb(bg), 0, w, h)));
      }
      if (job.outputs().backgroundDepth()) {
        byte[] depth = d.backgroundDepth(bg, DepthEncoding.FLOAT16).join();
        out.add(job.depthNpy()
            ? write(dest, DEPTH_FOLDER + "/" + name + ".npy",
                Npy.file("<f2", depth, 0, depth.length, h, w))
            : write(dest, DEPTH_FOLDER + "/" + name + ".png",
                Encoders.pngDepth16(depth, 0, w, h, DepthEncoding.FLOAT16)));
      }
    }
    return out;
  }

  private static String write(ExportStore dest, String path, byte[] bytes) throws IOException {
    FileIo.writeAtomically(dest, path, bytes);
    return path;
  }

  /** The npy layout's arrays; returns the files written (none when unasked). */
  static List<String> writeArrays(ExportStore dest, ExportJob job) throws IOException {
    if (!job.outputs().backgrounds()) {
      return List.of();
    }
    Dataset d = job.dataset();
    int w = d.spec().width();
    int h = d.spec().height();
    int[] used = used(job);
    List<String> out = new ArrayList<>();
    if (job.outputs().background()) {
      byte[] all = new byte[used.length * d.imageBytes()];
      for (int r = 0; r < used.length; r++) {
        System.arraycopy(d.backgroundRgb(used[r]), 0, all, r * d.imageBytes(), d.imageBytes());
      }
      out.add(write(dest, PIXELS_NPY, Npy.file("|u1", all, 0, all.length, used.length, h, w,
          3)));
    }
    if (job.outputs().backgroundDepth()) {
      int db = d.depthBytes(DepthEncoding.FLOAT16);
      byte[] all = new byte[used.length * db];
      for (int r = 0; r < used.length; r++) {
        System.arraycopy(d.backgroundDepth(used[r], DepthEncoding.FLOAT16).join(), 0, all,
            r * db, db);
      }
      out.add(write(dest, DEPTH_NPY, Npy.file("<f2", all, 0, all.length, used.length, h,
          w)));
    }
    out.add(writeRows(dest, job, used));
    return out;
  }

  private static String writeRows(ExportStore dest, ExportJob job, int[] used)
      throws IOException {
    String tmp = FileIo.tmp(dest, ROWS_NPY);
    IndexCodec c = job.dataset().codec();
    ByteBuffer row = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream npy = new BufferedOutputStream(dest.create(tmp), 1 << 16)) {
      npy.write(Npy.header("<i8", job.size()));
      int r = 0;
      for (long p = 0; p < job.size(); p++) {
        int bg = c.bg(job.selection().indexAt(p));
        while (used[r] != bg) {
          r++;
        }
        npy.write(row.clear().putLong(r).array());
      }
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, ROWS_NPY);
    return ROWS_NPY;
  }
}
