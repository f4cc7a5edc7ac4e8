package dev.fgbg.server.rpc;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * An export's start line, said once: when the destination's manifest has told how many samples
 * a resume found in complete shards ("resuming: 800 samples found in complete shards"; each is
 * read back before it is kept, and one that fails is redone: the end line counts those kept),
 * or just before the end line of an export that ended before that (too little space). An
 * export whose folder another export holds is refused before it starts: no line here.
 */
final class ExportStartLine {
  private static final Logger LOG = Logger.getLogger(ExportService.class.getName());

  private final String line;
  private final AtomicBoolean said = new AtomicBoolean();

  ExportStartLine(String line) {
    this.line = line;
  }

  /** Says the line, with {@code found} samples of a resume (0: a new export), unless said. */
  void say(long found) {
    if (said.compareAndSet(false, true)) {
      LOG.info(line + (found > 0 ? "; resuming: " + found + " samples found in complete shards"
          + " (each read back before it is kept)" : ""));
    }
  }
}
