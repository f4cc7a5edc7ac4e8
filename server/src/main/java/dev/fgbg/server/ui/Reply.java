package dev.fgbg.server.ui;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, a content type, headers and a body, either bytes or written as
 * it is produced (a stream of events).
 *
 * @param body the bytes, or null when {@code stream} writes the body
 */
record Reply(int status, String type, Map<String, String> headers, byte[] body, Stream stream) {
  /** A body written piece by piece, flushed as it goes; an IOException means the client left. */
  interface Stream {
    void write(OutputStream out) throws IOException;
  }

  static final String JSON = "application/json; charset=utf-8";
  static final String HTML = "text/html; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  static Reply bytes(int status, String type, byte[] body) {
    return new Reply(status, type, new LinkedHashMap<>(), body, null);
  }

  static Reply json(Object value) {
    return json(200, value);
  }

  static Reply json(int status, Object value) {
    String text = value instanceof JsonElement e ? Json.GSON.toJson(e) : Json.GSON.toJson(value);
    return bytes(status, JSON, text.getBytes(StandardCharsets.UTF_8));
  }

  static Reply html(int status, String html) {
    return bytes(status, HTML, html.getBytes(StandardCharsets.UTF_8));
  }

  static Reply text(int status, String text) {
    return bytes(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  static Reply stream(String type, Stream stream) {
    return new Reply(200, type, new LinkedHashMap<>(), null, stream);
  }

  /** This reply with one more header. */
  Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
