package dev.fgbg.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port in front of a running server whose connections wait, unanswered, until
 * {@link #release}d, then carry bytes both ways: connecting that takes longer than a short
 * deadline, to a server that is up.
 */
final class HeldRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int backend;
  private final List<Socket> held = new ArrayList<>();
  private final List<Socket> open = new ArrayList<>();
  private boolean released;

  HeldRelay(int backend) throws IOException {
    this.backend = backend;
    this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    daemon(this::accept);
  }

  String target() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Lets the connections held, and those to come, through to the server. */
  synchronized void release() {
    released = true;
    held.forEach(this::relay);
    held.clear();
  }

  private void accept() {
    try {
      while (true) {
        Socket client = listener.accept();
        synchronized (this) {
          open.add(client);
          if (released) {
            relay(client);
          } else {
            held.add(client);
          }
        }
      }
    } catch (IOException closed) {
      // the relay closed
    }
  }

  private synchronized void relay(Socket client) {
    try {
      Socket server = new Socket(InetAddress.getLoopbackAddress(), backend);
      open.add(server);
      pipe(client.getInputStream(), server.getOutputStream());
      pipe(server.getInputStream(), client.getOutputStream());
    } catch (IOException e) {
      close(client);
    }
  }

  private static void pipe(InputStream in, OutputStream out) {
    daemon(() -> {
      try (in; out) {
        in.transferTo(out);
      } catch (IOException gone) {
        // either side closed: closing both ends the other direction too
      }
    });
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "held-relay");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public synchronized void close() throws IOException {
    listener.close();
    open.forEach(HeldRelay::close);
  }
}
