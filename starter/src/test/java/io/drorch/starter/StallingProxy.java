package io.drorch.starter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A TCP proxy in front of a server (here: S3) that can stall: while stalled, no byte moves in
 * either direction on any connection (new ones are accepted and held), as when a network path or
 * a server hangs mid-read. Connections resume when it is released. It can also arm itself to
 * stall at one request ({@link #stallAt}): the first request whose first line matches is held
 * before it reaches the server, and everything else with it.
 */
public final class StallingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final AtomicBoolean stalled = new AtomicBoolean();
  /** Reads that found the proxy stalled and wait: something is stuck on it. */
  private final AtomicInteger waiting = new AtomicInteger();
  private final Object gate = new Object();
  private volatile boolean closed;
  private volatile Predicate<String> stallAt;

  public StallingProxy(String upstreamUrl) throws IOException {
    URI u = URI.create(upstreamUrl);
    this.upstream = new InetSocketAddress(u.getHost(), u.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "stalling-proxy");
    t.setDaemon(true);
    t.start();
  }

  /** The proxy's URL, to use in place of the upstream's. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public void stall() {
    stalled.set(true);
  }

  /**
   * Stalls (as {@link #stall()}) when the first request whose request line (e.g. {@code GET
   * /bucket/key HTTP/1.1}) matches passes, holding that request; once.
   */
  public void stallAt(Predicate<String> requestLine) {
    stallAt = requestLine;
  }

  public void release() {
    synchronized (gate) {
      stalled.set(false);
      gate.notifyAll();
    }
  }

  /** How many transfers are held by the stall right now. */
  public int held() {
    return waiting.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket up = new Socket();
        up.connect(upstream, 10_000);
        pump(client, up, true);
        pump(up, client, false);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean requests) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          if (requests) {
            armedStall(buf, n);
          }
          awaitRelease();
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // a side closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }, "stalling-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Stalls when the armed request line is the first line of this chunk. */
  private void armedStall(byte[] buf, int n) {
    Predicate<String> armed = stallAt;
    if (armed == null) {
      return;
    }
    String head = new String(buf, 0, Math.min(n, 2048), StandardCharsets.ISO_8859_1);
    int eol = head.indexOf("\r\n");
    if (armed.test(eol < 0 ? head : head.substring(0, eol))) {
      synchronized (gate) {
        if (stallAt == armed) {
          stallAt = null;
          stalled.set(true);
        }
      }
    }
  }

  private void awaitRelease() throws InterruptedException {
    if (!stalled.get()) {
      return;
    }
    waiting.incrementAndGet();
    try {
      synchronized (gate) {
        while (stalled.get() && !closed) {
          gate.wait(1000);
        }
      }
    } finally {
      waiting.decrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    release();
    server.close();
  }
}
