package dev.fgbg.core.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** A store that passes every call to another: tests override what they change. */
class ForwardingStore implements ExportStore {
  final ExportStore inner;

  ForwardingStore(ExportStore inner) {
    this.inner = inner;
  }

  @Override
  public String describe(String path) {
    return inner.describe(path);
  }

  @Override
  public boolean exists(String path) throws IOException {
    return inner.exists(path);
  }

  @Override
  public boolean isDirectory(String path) throws IOException {
    return inner.isDirectory(path);
  }

  @Override
  public long size(String path) throws IOException {
    return inner.size(path);
  }

  @Override
  public List<String> list(String dir) throws IOException {
    return inner.list(dir);
  }

  @Override
  public InputStream open(String path) throws IOException {
    return inner.open(path);
  }

  @Override
  public OutputStream create(String path) throws IOException {
    return inner.create(path);
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    inner.mkdirs(dir);
  }

  @Override
  public void deleteTree(String path) throws IOException {
    inner.deleteTree(path);
  }

  @Override
  public void commit(String from, String to) throws IOException {
    inner.commit(from, to);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
