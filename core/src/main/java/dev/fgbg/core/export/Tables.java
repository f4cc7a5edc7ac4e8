package dev.fgbg.core.export;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.SampleInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** labels.csv: one row of meta per sample (placements are pure functions, recomputed here). */
final class Tables {
  static final String HEADER = "index,name,bg,fg,flip,k,x,y,fg_width,fg_height,scale,"
      + "bbox_x0,bbox_y0,bbox_x1,bbox_y1,bg_label,fg_label,fg_depth";

  private Tables() {}

  static String writeLabels(ExportStore dest, ExportJob job) throws IOException {
    String file = "labels.csv";
    String tmp = FileIo.tmp(dest, file);
    Dataset d = job.dataset();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    try (BufferedWriter w = FileIo.textWriter(dest, tmp)) {
      w.write(HEADER);
      w.write('\n');
      for (long i = job.start(); i < job.end(); i++) {
        SampleInfo s = d.place(job.seed(), i);
        w.write(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%d,%d,%d,%s,%s,%s%n",
            i, SampleNames.name(d.codec(), i), s.bg(), s.fg(), s.flip() ? 1 : 0, s.k(), s.x(),
            s.y(), s.fgWidth(), s.fgHeight(), Double.toString(s.scale()), s.bboxX0(), s.bboxY0(),
            s.bboxX1(), s.bboxY1(), bgLabels.get(s.bgLabel()), fgLabels.get(s.fgLabel()),
            Float.toString(s.fgDepth())));
      }
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, file);
    return file;
  }
}
