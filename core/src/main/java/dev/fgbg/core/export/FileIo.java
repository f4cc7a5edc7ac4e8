package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import dev.fgbg.common.DiskFull;
import dev.fgbg.common.InWords;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.regex.Pattern;

/** Whole-file writes that never leave a partial file under the final name. */
final class FileIo {
  /** The reason of a FileSystemException for ELOOP ("Too many levels of symbolic links"). */
  static final String ELOOP = "Too many levels of symbolic links";
  static final String TMP = ".tmp";
  /** What a name written in place until it is whole ends with (an array, a shard's folder). */
  static final String PARTIAL = ".partial";

  private FileIo() {}

  /** Writes {@code path} under a temporary name in its folder and renames it when whole. */
  static void writeAtomically(ExportStore store, String path, byte[] bytes) throws IOException {
    store.mkdirs(parent(path));
    String tmp = tmp(store, path);
    try {
      store.write(tmp, bytes);
      store.commit(tmp, path);
    } catch (IOException e) {
      store.deleteTree(tmp);
      throw e;
    }
  }

  /** The temporary name {@code path} is written under until it is whole. */
  static String tmp(ExportStore store, String path) {
    return path + store.tempTag() + TMP;
  }

  /**
   * A UTF-8 text writer to a new file of {@code store}. Its close closes the file even when the
   * last flush fails (the JDK's encoder does not when its final write throws, on a full disk).
   */
  static BufferedWriter textWriter(ExportStore store, String path) throws IOException {
    OutputStream file = store.create(path);
    return new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8)) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          file.close();
        }
      }
    };
  }

  /** The folder of a relative path ("" for the destination itself). */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /**
   * An I/O failure as a status-carrying exception that names the file and the cause: the file
   * that failed when the failure names one, else {@code what}.
   */
  static FgbgException failure(String what, IOException e) {
    if (e instanceof FileWriteException w && w.getCause() instanceof IOException cause) {
      return failure(finalName(w.file()), cause); // the file's own name, not the temporary
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (DiskFull.in(e)) {
      return new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED,
          // ENOSPC is also a file system out of inodes, with bytes free: df -i tells.
          "export stopped: disk full while writing " + what + " (" + msg + "): free "
          + "some space (or files, where `df -i` shows no inodes free) and run the same export "
          + "again: it resumes, keeping the shards already complete", e);
    }
    if (msg.contains(ELOOP)) {
      // Every export opens with NOFOLLOW, so the kernel's "loop" (ELOOP) means the name was a
      // link, swapped in while the export ran (one or a chain of them), never a loop followed.
      String file = e instanceof FileSystemException f ? f.getFile() : null;
      return failure(what, new LinkRefusedException(file == null ? what : file));
    }
    if (e instanceof MisplacedException m) {
      return FgbgException.failedPrecondition("export stopped: cannot write " + m.getFile()
          + ": " + m.getReason() + (m.getFile().endsWith("/" + what) ? "" : " (writing " + what
          + ")"));
    }
    if (e instanceof NotRegularFileException) {
      return FgbgException.failedPrecondition(msg + "; exports never open one: remove it and "
          + "run the export again (writing " + what + ")");
    }
    if (e instanceof LinkRefusedException) {
      return new FgbgException(FgbgException.Reason.PERMISSION_DENIED,
          "export stopped: " + msg + " (writing " + what + ")", e);
    }
    return FgbgException.failedPrecondition("export stopped: cannot write " + what + ": "
        + InWords.of(e));
  }

  /**
   * The name a temporary file is written for (a shard's hidden {@code .bg_NNN.partial} folder,
   * a {@code .tmp} or an array's {@code .partial}): the user never sees the temporary one.
   */
  static String finalName(String temporary) {
    String shard = PARTIAL_FOLDER.matcher(temporary).replaceAll("$1$2$3");
    return shard.equals(temporary)
        ? temporary.replaceFirst("(" + Pattern.quote(PARTIAL) + "|" + Pattern.quote(TMP) + ")$",
            "") : shard;
  }

  /** {@code .NAME.partial<tag>} (a shard's folder, renamed when the shard is whole). */
  private static final Pattern PARTIAL_FOLDER =
      Pattern.compile("(^|/)\\.([^/]+)" + Pattern.quote(PARTIAL) + "[^/]*(/|$)");

  /** Copies {@code n} bytes; fails when {@code in} ends sooner. */
  static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new IOException("an array ended early while joining it");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }
}
