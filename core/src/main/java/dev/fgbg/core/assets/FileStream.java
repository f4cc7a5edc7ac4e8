package dev.fgbg.core.assets;

import java.io.File;
import java.io.IOException;
import javax.imageio.stream.FileImageInputStream;

/**
 * A file's image stream that remembers a read of the file that failed (EIO, a network file
 * system's hiccup): the decoders wrap such an error as they wrap the bytes' own (ImageIO's
 * IIOException is an IOException too), so only the stream can tell that the host, not the
 * bytes, failed ({@link HostBound}). The end of the file is no failure: it reads as -1.
 */
class FileStream extends FileImageInputStream {
  /** Opens a file's stream: {@link FileStream#FileStream(File)}, or a test's. */
  interface Opener {
    FileStream open(File file) throws IOException;
  }

  private final byte[] one = new byte[1];
  private IOException failed;

  FileStream(File file) throws IOException {
    super(file);
  }

  /** The first read of the file that failed, or null. */
  final IOException failed() {
    return failed;
  }

  /** Reads the file itself; every read goes through here. */
  int fileRead(byte[] b, int off, int len) throws IOException {
    return super.read(b, off, len);
  }

  @Override
  public final int read() throws IOException {
    return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    try {
      return fileRead(b, off, len);
    } catch (IOException e) {
      if (failed == null) {
        failed = e;
      }
      throw e;
    }
  }
}
