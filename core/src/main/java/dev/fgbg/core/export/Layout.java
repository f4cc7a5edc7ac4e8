package dev.fgbg.core.export;

import dev.fgbg.core.render.RenderedBatch;
import java.io.IOException;
import java.util.List;

/** What a format writes: per-sample entries, per-shard containers, and the final tables. */
interface Layout {
  /** The layout of {@code job}'s format, writing into {@code dest}. */
  static Layout of(ExportJob job, ExportStore dest) {
    SampleEncoder enc = new SampleEncoder(job);
    return switch (job.format()) {
      case FOLDERS -> new DirectoryLayout(dest, job, enc, false);
      case COCO -> new DirectoryLayout(dest, job, enc, true);
      case ZIP -> new ContainerLayout(dest, job, enc, false);
      case WEBDATASET -> new ContainerLayout(dest, job, enc, true);
      case NPY -> new NpyLayout(dest, job);
    };
  }

  /** Entries for one rendered chunk (sample order). */
  List<Entry> entries(RenderedBatch chunk) throws IOException;

  /** Opens the writer of one shard. */
  ShardWriter open(Shard shard) throws IOException;

  /** What verification reads for a shard, in order. */
  List<Item> items(Shard shard);

  /** Before any shard: e.g. pre-size array files. */
  default void prepare() throws IOException {}

  /**
   * After a failed or cancelled export: gives back the space that shards not in
   * {@code complete} hold outside their temporary files (those are removed when a shard fails).
   */
  default void giveBack(List<Shard> complete) throws IOException {}

  /** After every shard is complete: tables, renames. Returns the files written (relative). */
  List<String> finish() throws IOException;

  /**
   * Whether entries are written on the worker that encoded them (loose files, any order), rather
   * than in order by the shard writer (containers).
   */
  default boolean writesOnWorkers() {
    return false;
  }

  /** Writes entries as loose files (only when {@link #writesOnWorkers()}). */
  default void writeEntries(List<Entry> entries) throws IOException {
    throw new IllegalStateException("this layout writes through its ShardWriter");
  }

  /**
   * Writes one shard's chunks, in order; commit makes them visible as whole files and returns
   * the digest of the shard's items (as verification computes it); abort removes them.
   */
  interface ShardWriter {
    void write(RenderedBatch chunk, List<Entry> entries) throws IOException;

    ItemDigest commit() throws IOException;

    void abort();
  }
}
