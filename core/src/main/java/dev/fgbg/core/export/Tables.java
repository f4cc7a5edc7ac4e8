package dev.fgbg.core.export;

import dev.fgbg.common.Npy;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.SampleInfo;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * labels.csv: one row of meta per sample, in export order (placements are pure functions,
 * recomputed here), with the label names and the source files of the background and
 * foreground. RFC 4180 quoting (a field with a comma, quote or line break is quoted), '\n' line
 * ends. Npy exports also get labels.npy, the integer columns {@link #LABEL_COLUMNS} as int64
 * [samples, columns] (labels as indices into the manifest's label tables), from the same pass.
 * A scene dataset's exports also get instances.csv, one row per labelled object of each sample
 * (its meta's scene.instances, instance id = position + 1), so that per-object labels reach the
 * formats whose labels.csv has one row per sample; no sample byte changes.
 */
final class Tables {
  static final String HEADER = "index,name,bg,fg,flip,k,x,y,fg_width,fg_height,scale,"
      + "bbox_x0,bbox_y0,bbox_x1,bbox_y1,bg_label,fg_label,fg_depth,bg_file,fg_file";
  static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();
  static final List<String> LABEL_COLUMNS = List.of("index", "bg", "fg", "flip", "k", "x", "y",
      "fg_width", "fg_height", "bbox_x0", "bbox_y0", "bbox_x1", "bbox_y1", "bg_label",
      "fg_label");
  static final String CSV_FILE = "labels.csv";
  static final String NPY_FILE = "labels.npy";
  static final String INSTANCES_HEADER = "index,instance,fg,flip,x,y,fg_width,fg_height,scale,"
      + "bbox_x0,bbox_y0,bbox_x1,bbox_y1,visible_fraction,fg_label,fg_depth,fg_file";
  static final String INSTANCES_FILE = "instances.csv";

  private Tables() {}

  /** Writes labels.csv (and labels.npy with {@code array}); returns the files written. */
  static List<String> writeLabels(ExportStore dest, ExportJob job, boolean array)
      throws IOException {
    String csvTmp = FileIo.tmp(dest, CSV_FILE);
    String npyTmp = FileIo.tmp(dest, NPY_FILE);
    String instTmp = FileIo.tmp(dest, INSTANCES_FILE);
    Dataset d = job.dataset();
    boolean scene = d.spec().isScene();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    ByteBuffer row = ByteBuffer.allocate(8 * LABEL_COLUMNS.size()).order(ByteOrder.LITTLE_ENDIAN);
    try (BufferedWriter w = FileIo.textWriter(dest, csvTmp);
         CSVPrinter csv = new CSVPrinter(w, CSV);
         OutputStream file = array ? dest.create(npyTmp) : OutputStream.nullOutputStream();
         OutputStream npy = new BufferedOutputStream(file, 1 << 16);
         BufferedWriter iw = scene ? FileIo.textWriter(dest, instTmp)
             : new BufferedWriter(Writer.nullWriter());
         CSVPrinter inst = new CSVPrinter(iw, CSV)) {
      csv.printRecord((Object[]) HEADER.split(","));
      inst.printRecord((Object[]) INSTANCES_HEADER.split(","));
      npy.write(Npy.header("<i8", job.size(), LABEL_COLUMNS.size()));
      for (long p = 0; p < job.size(); p++) {
        long i = job.selection().indexAt(p);
        SampleInfo s = d.place(job.seed(), i);
        csv.printRecord(i, SampleNames.name(d.codec(), i), s.bg(), s.fg(), s.flip() ? 1 : 0,
            s.k(), s.x(), s.y(), s.fgWidth(), s.fgHeight(), Double.toString(s.scale()),
            s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1(), bgLabels.get(s.bgLabel()),
            fgLabels.get(s.fgLabel()), Float.toString(s.fgDepth()),
            d.assets().backgrounds().get(s.bg()).name(),
            d.assets().foregrounds().get(s.fg()).name());
        row.clear();
        for (long v : new long[] {i, s.bg(), s.fg(), s.flip() ? 1 : 0, s.k(), s.x(), s.y(),
            s.fgWidth(), s.fgHeight(), s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1(),
            s.bgLabel(), s.fgLabel()}) {
          row.putLong(v);
        }
        npy.write(row.array());
        int id = 1;
        for (InstanceInfo o : s.instances()) {
          inst.printRecord(i, id++, o.fg(), o.flip() ? 1 : 0, o.x(), o.y(), o.width(),
              o.height(), Double.toString(o.scale()), o.bboxX0(), o.bboxY0(), o.bboxX1(),
              o.bboxY1(), Double.toString(o.visibleFraction()), fgLabels.get(o.label()),
              Float.toString(o.depth()), d.assets().foregrounds().get(o.fg()).name());
        }
      }
    } catch (IOException e) {
      dest.deleteTree(csvTmp);
      dest.deleteTree(npyTmp);
      dest.deleteTree(instTmp);
      throw e;
    }
    List<String> out = new ArrayList<>();
    dest.commit(csvTmp, CSV_FILE);
    out.add(CSV_FILE);
    if (scene) {
      dest.commit(instTmp, INSTANCES_FILE);
      out.add(INSTANCES_FILE);
    }
    if (array) {
      dest.commit(npyTmp, NPY_FILE);
      out.add(NPY_FILE);
    }
    return out;
  }
}
