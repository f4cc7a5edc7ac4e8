package dev.fgbg.server;

import dev.fgbg.common.Causes;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import java.io.IOException;

/** Why a port could not be listened on, in words that name the flag to change. */
final class ListenFailures {
  private ListenFailures() {}

  /** A port that cannot be listened on, in words (a taken port is the usual reason). */
  static FgbgException cannotListen(String where, String flag, IOException e) {
    if (FileLimit.outOfFiles(e)) { // EMFILE: the port is not at fault, the process's limit is
      return FgbgException.invalidConfig("cannot listen on " + where + ": the process is out of "
          + "file handles (its open-files limit, ulimit -n, is " + FileLimit.max() + "); raise "
          + "it to " + FileLimit.MIN_FILES + " or more", e);
    }
    if (Causes.chain(e).stream()
        .anyMatch(t -> String.valueOf(t.getMessage()).contains("Address already in use"))) {
      return FgbgException.invalidConfig("cannot listen on " + where + ": the address is in "
          + "use (another server there?); choose another " + flag, e);
    }
    return FgbgException.invalidConfig("cannot listen on " + where + ": " + InWords.of(e), e);
  }
}
