package dev.fgbg.spark;

import java.io.IOException;
import java.util.Set;

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

  /**
   * The temporaries in {@code dir} of the given files only (the depth job's shards: other jobs
   * may be writing other ranges of a shared store). A temporary is its file's name, the writer's
   * tag (two dash-separated parts, see {@link SparkJobs}) and {@code .tmp}.
   */
  static void sweep(HadoopStore store, String dir, Set<String> files) throws IOException {
    for (String name : store.list(dir)) {
      if (name.endsWith(".tmp")) {
        String tagged = name.substring(0, name.length() - ".tmp".length());
        int cut = tagged.lastIndexOf('-', tagged.lastIndexOf('-') - 1);
        if (cut > 0 && files.contains(tagged.substring(0, cut))) {
          store.deleteTree(dir + "/" + name);
        }
      }
    }
  }

  private static boolean temporary(String name) {
    return name.endsWith(".tmp") || name.contains(".partial-");
  }

  private static void sweep(HadoopStore store, String dir, int depth) throws IOException {
    for (String name : store.list(dir)) {
      String p = dir.isEmpty() ? name : dir + "/" + name;
      if (temporary(name)) {
        store.deleteTree(p);
      } else if (depth == 0 && store.isDirectory(p)) {
        sweep(store, p, depth + 1);
      }
    }
  }
}
