package dev.fgbg.server.rpc;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.stats.Gallery;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.StatsRequest;

/**
 * The samples an Export, Stats or Gallery request covers, as a core {@link Selection}: end 0 is
 * the dataset's size, stride 0 is 1, sample 0 is all; INVALID_ARGUMENT names the field at fault.
 */
final class Selections {
  private Selections() {}

  static Selection of(Dataset d, long seed, long start, long end, long stride, long sample) {
    return Selection.requested(d.size(), d.name(), start, end, stride, sample, seed);
  }

  static Selection of(Dataset d, ExportRequest r) {
    return of(d, r.getSeed(), r.getStart(), r.getEnd(), r.getStride(), r.getSample());
  }

  static Selection of(Dataset d, StatsRequest r) {
    return of(d, r.getSeed(), r.getStart(), r.getEnd(), r.getStride(), r.getSample());
  }

  /** A gallery's rows: its indices, its selection, or the seeded default of distinct rows. */
  static long[] galleryRows(Dataset d, GalleryRequest r) {
    boolean selected = r.getStart() != 0 || r.getEnd() != 0 || r.getStride() != 0
        || r.getSample() != 0;
    if (selected && r.getIndicesCount() > 0) {
      throw FgbgException.invalidArgument("indices and a selection (start, end, stride, sample)"
          + " were both given; a gallery shows one or the other");
    }
    if (r.getIndicesCount() > 0) {
      return r.getIndicesList().stream().mapToLong(Long::longValue).toArray();
    }
    return selected ? Gallery.rows(of(d, r.getSeed(), r.getStart(), r.getEnd(), r.getStride(),
        r.getSample())) : Gallery.pick(d, r.getSeed(), r.getCount());
  }
}
