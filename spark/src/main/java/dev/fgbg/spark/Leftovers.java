package dev.fgbg.spark;

import java.io.IOException;

/**
 * Clears what a job's tasks leave in the destination besides its files: the shard markers, and
 * the temporary files and folders of attempts that died (a killed executor cannot abort). Only
 * the destination and its top-level folders are listed, never the shards' own folders.
 */
final class Leftovers {
  private Leftovers() {}

  static void sweep(HadoopStore store) throws IOException {
    store.deleteTree(ExportTask.MARKERS);
    sweep(store, "", 0);
  }

  private static void sweep(HadoopStore store, String dir, int depth) throws IOException {
    for (String name : store.list(dir)) {
      String p = dir.isEmpty() ? name : dir + "/" + name;
      if (name.endsWith(".tmp") || name.contains(".partial-")) {
        store.deleteTree(p);
      } else if (depth == 0 && store.isDirectory(p)) {
        sweep(store, p, depth + 1);
      }
    }
  }
}
