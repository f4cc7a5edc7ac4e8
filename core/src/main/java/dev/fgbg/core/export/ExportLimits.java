package dev.fgbg.core.export;

/**
 * How much an export may write: bytes per export and bytes under the whole export root (what
 * earlier exports left counts). Checked against an export's estimated size before it starts.
 *
 * @param perExportBytes the most one export may write ({@link Long#MAX_VALUE}: no limit)
 * @param totalBytes the most all exports under the root may hold together
 */
public record ExportLimits(long perExportBytes, long totalBytes) {
  /** No quota (the free-space check still applies). */
  public static final ExportLimits NONE = new ExportLimits(Long.MAX_VALUE, Long.MAX_VALUE);

  /** The flag each quota is set with, for messages. */
  static final String PER_EXPORT_FLAG = "--export-quota-gb";
  static final String TOTAL_FLAG = "--export-total-gb";

  public ExportLimits {
    if (perExportBytes < 1) {
      throw new IllegalArgumentException("perExportBytes = " + perExportBytes
          + " must be at least 1");
    }
    if (totalBytes < 1) {
      throw new IllegalArgumentException("totalBytes = " + totalBytes + " must be at least 1");
    }
  }

  /** Quotas in decimal gigabytes, as the flags give them; 0 means no limit. */
  public static ExportLimits ofGigabytes(double perExport, double total) {
    return new ExportLimits(bytes(PER_EXPORT_FLAG, perExport), bytes(TOTAL_FLAG, total));
  }

  private static long bytes(String what, double gb) {
    if (!(gb >= 0) || Double.isInfinite(gb)) {
      throw new IllegalArgumentException(what + " " + gb + " must be 0 (no limit) or"
          + " positive");
    }
    return gb == 0 ? Long.MAX_VALUE : Math.max(1, (long) (gb * 1e9));
  }
}
