package dev.fgbg.core.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A write to a file that failed (a full disk, an I/O error), naming the file: the JDK's message
 * ("No space left on device") names none. The message is the cause's, so the failure is still
 * recognised by it.
 */
final class FileWriteException extends IOException {
  private final String file;

  FileWriteException(String file, IOException cause) {
    super(cause.getMessage(), cause);
    this.file = file;
  }

  /** The file being written (its full name, as the store describes it). */
  String file() {
    return file;
  }

  /** {@code e} naming {@code file}; {@code e} itself when it already names a file. */
  static FileWriteException of(String file, IOException e) {
    return e instanceof FileWriteException w ? w : new FileWriteException(file, e);
  }

  /** {@code out} with every failed write, flush and close naming {@code file}. */
  static OutputStream naming(String file, OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        try {
          out.write(b);
        } catch (IOException e) {
          throw of(file, e);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw of(file, e);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          out.flush();
        } catch (IOException e) {
          throw of(file, e);
        }
      }

      @Override
      public void close() throws IOException {
        try {
          out.close();
        } catch (IOException e) {
          throw of(file, e);
        }
      }
    };
  }
}
