package io.drorch.activities.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drains a child's output stream on its own daemon thread (so the child never blocks on a full
 * pipe) and keeps only its first and last {@link #KEEP} bytes: enough for an error message, bounded
 * whatever the child prints.
 */
public final class BoundedCapture {
  public static final int KEEP = 8 * 1024;

  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final byte[] tail = new byte[KEEP];
  private long tailWritten;
  private long total;
  private final Thread thread;

  private BoundedCapture(InputStream in, String name) {
    thread = new Thread(() -> drain(in), name);
    thread.setDaemon(true);
  }

  /** Starts draining {@code in} now. */
  public static BoundedCapture start(InputStream in, String threadName) {
    BoundedCapture c = new BoundedCapture(in, threadName);
    c.thread.start();
    return c;
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[4096];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        append(buf, n);
      }
    } catch (IOException e) {
      // the stream was closed under us (process destroyed): keep what we have
    }
  }

  private synchronized void append(byte[] buf, int n) {
    int off = 0;
    if (head.size() < KEEP) {
      int h = Math.min(n, KEEP - head.size());
      head.write(buf, 0, h);
      off = h;
    }
    for (int i = off; i < n; i++) {
      tail[(int) (tailWritten++ % KEEP)] = buf[i];
    }
    total += n;
  }

  /** Waits up to {@code wait} for the stream's end, then returns what was kept (trimmed). */
  public String text(Duration wait) {
    try {
      thread.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return snapshot();
  }

  /** What was kept so far, without waiting. */
  public synchronized String snapshot() {
    StringBuilder sb = new StringBuilder(head.toString(StandardCharsets.UTF_8));
    if (tailWritten > 0) {
      long omitted = total - head.size() - Math.min(tailWritten, KEEP);
      if (omitted > 0) {
        sb.append("\n[... ").append(omitted).append(" bytes omitted ...]\n");
      }
      int len = (int) Math.min(tailWritten, KEEP);
      byte[] t = new byte[len];
      long start = tailWritten - len;
      for (int i = 0; i < len; i++) {
        t[i] = tail[(int) ((start + i) % KEEP)];
      }
      sb.append(new String(t, StandardCharsets.UTF_8));
    }
    return sb.toString().strip();
  }
}
