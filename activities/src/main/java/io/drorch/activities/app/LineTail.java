package io.drorch.activities.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drains a stream (a child's output, an HTTP body) and keeps only its last {@code maxLines} lines,
 * each cut at {@link #MAX_LINE} characters: bounded whatever the other side prints. Draining runs
 * on its own daemon thread so a child never blocks on a full pipe.
 */
final class LineTail {
  static final int MAX_LINE = 500;

  private final int maxLines;
  private final Deque<String> lines = new ArrayDeque<>();
  private long total;
  private Thread thread;

  private LineTail(int maxLines) {
    this.maxLines = maxLines;
  }

  /** Starts draining {@code in} on a daemon thread. */
  static LineTail start(InputStream in, int maxLines, String threadName) {
    LineTail t = new LineTail(maxLines);
    t.thread = new Thread(() -> t.drain(in), threadName);
    t.thread.setDaemon(true);
    t.thread.start();
    return t;
  }

  /** Drains {@code in} on the calling thread. */
  static LineTail read(InputStream in, int maxLines) {
    LineTail t = new LineTail(maxLines);
    t.drain(in);
    return t;
  }

  private void drain(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = r.read()) >= 0) {
        if (c == '\n') {
          add(line);
          line.setLength(0);
        } else if (c != '\r' && line.length() < MAX_LINE) {
          line.append((char) c);
        } else if (c != '\r' && line.length() == MAX_LINE) {
          line.append('…');
        }
      }
      if (!line.isEmpty()) {
        add(line);
      }
    } catch (IOException e) {
      // the stream was closed under us (process destroyed): keep what we have
    }
  }

  private synchronized void add(CharSequence line) {
    total++;
    lines.addLast(line.toString());
    if (lines.size() > maxLines) {
      lines.removeFirst();
    }
  }

  /** Waits up to {@code wait} for the end of the stream, then returns the kept lines. */
  String text(Duration wait) {
    if (thread != null) {
      try {
        thread.join(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return snapshot();
  }

  synchronized String snapshot() {
    long omitted = total - lines.size();
    String body = String.join("\n", lines).strip();
    return omitted > 0 ? "[… " + omitted + " earlier lines omitted …]\n" + body : body;
  }
}
