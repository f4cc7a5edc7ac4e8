package dev.fgbg.server.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Clients of a JDK HTTP server that send part of a request's head and then nothing (dribblers),
 * all connected at once. They connect in parallel: the metrics port's listen backlog is the
 * Prometheus exporter's 3, so one at a time each dropped SYN cost its 1 s resend in turn (100
 * took 20 s, by which time the first had long been closed).
 */
public final class HalfHeads {
  private HalfHeads() {}

  /** {@code n} connections to 127.0.0.1:{@code port}, each having sent {@code head}. */
  public static List<Socket> open(int port, int n, String head) throws Exception {
    byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<Socket>> connecting = new ArrayList<>();
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        connecting.add(pool.submit(() -> {
          Socket s = new Socket("127.0.0.1", port);
          s.getOutputStream().write(bytes);
          return s;
        }));
      }
      for (Future<Socket> f : connecting) {
        open.add(f.get(2, TimeUnit.MINUTES));
      }
      return open;
    } catch (Exception e) {
      close(open);
      throw e;
    } finally {
      pool.shutdown();
    }
  }

  /** Closes them all. */
  public static void close(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }
}
