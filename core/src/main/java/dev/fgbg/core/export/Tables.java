package dev.fgbg.core.export;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.SampleInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * labels.csv: one row of meta per sample (placements are pure functions, recomputed here), with
 * the label names and the source files of the background and foreground. RFC 4180 quoting (a
 * field with a comma, quote or line break is quoted), '\n' line ends.
 */
final class Tables {
  static final String HEADER = "index,name,bg,fg,flip,k,x,y,fg_width,fg_height,scale,"
      + "bbox_x0,bbox_y0,bbox_x1,bbox_y1,bg_label,fg_label,fg_depth,bg_file,fg_file";
  static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private Tables() {}

  static String writeLabels(ExportStore dest, ExportJob job) throws IOException {
    String file = "labels.csv";
    String tmp = FileIo.tmp(dest, file);
    Dataset d = job.dataset();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    try (BufferedWriter w = FileIo.textWriter(dest, tmp);
         CSVPrinter csv = new CSVPrinter(w, CSV)) {
      csv.printRecord((Object[]) HEADER.split(","));
      for (long i = job.start(); i < job.end(); i++) {
        SampleInfo s = d.place(job.seed(), i);
        csv.printRecord(i, SampleNames.name(d.codec(), i), s.bg(), s.fg(), s.flip() ? 1 : 0,
            s.k(), s.x(), s.y(), s.fgWidth(), s.fgHeight(), Double.toString(s.scale()),
            s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1(), bgLabels.get(s.bgLabel()),
            fgLabels.get(s.fgLabel()), Float.toString(s.fgDepth()),
            d.assets().backgrounds().get(s.bg()).name(),
            d.assets().foregrounds().get(s.fg()).name());
      }
    } catch (IOException e) {
      dest.deleteTree(tmp);
      throw e;
    }
    dest.commit(tmp, file);
    return file;
  }
}
