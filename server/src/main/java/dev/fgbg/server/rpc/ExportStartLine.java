package dev.fgbg.server.rpc;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * An export's start line, said once: when the destination's manifest has told how many samples
 * a resume keeps already ("resuming: 800 samples kept already"), or just before the end line of
 * an export that ended before that (the destination locked by another, too little space).
 */
final class ExportStartLine {
  private static final Logger LOG = Logger.getLogger(ExportService.class.getName());

  private final String line;
  private final AtomicBoolean said = new AtomicBoolean();

  ExportStartLine(String line) {
    this.line = line;
  }

  /** Says the line, with {@code kept} samples kept already (0: a new export), unless said. */
  void say(long kept) {
    if (said.compareAndSet(false, true)) {
      LOG.info(line + (kept > 0 ? "; resuming: " + kept + " samples kept already (in complete"
          + " shards, each read back before it is kept)" : ""));
    }
  }
}
