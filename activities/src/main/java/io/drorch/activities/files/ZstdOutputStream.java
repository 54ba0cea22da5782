package io.drorch.activities.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * zstd compression by the system's {@code zstd} binary, as an {@link OutputStream}: what is
 * written goes to {@code zstd -q -T<threads> -<level> -c}'s stdin, and one pump thread copies its
 * stdout into the sink. The binary rather than a JNI library because the database's zstd dumps
 * already require it on the worker (one tool, one version, multi-threaded), and it keeps native
 * code out of the worker's JVM. Memory is bounded: the OS pipes and one 1 MiB buffer.
 *
 * <p>The sink is written by the pump thread only, never concurrently; its failure (say S3) kills
 * zstd, so the writer sees it at its next write or at {@link #finish()}. {@link #finish()} waits
 * for everything to reach the sink and leaves the sink open; {@link #abort()} stops zstd and the
 * pump without writing anything more.
 */
final class ZstdOutputStream extends OutputStream {
  static final int BUFFER = 1 << 20;
  private static final int STDERR_LIMIT = 8 * 1024;

  private final Process zstd;
  private final OutputStream stdin;
  private final Thread pump;
  private final Thread stderrReader;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private volatile Throwable sinkFailure;
  private volatile boolean aborted;
  private boolean finished;

  ZstdOutputStream(Path zstdBinary, OutputStream sink, int threads, int level) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(zstdBinary.toString(), "-q",
        "-T" + Math.max(1, threads), "-" + level, "-c"));
    zstd = pb.start();
    stdin = zstd.getOutputStream();
    pump = new Thread(() -> {
      byte[] buf = new byte[BUFFER];
      try (InputStream in = zstd.getInputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (aborted) {
            return;
          }
          sink.write(buf, 0, n);
        }
      } catch (Throwable t) {
        if (!aborted) {
          sinkFailure = t;
        }
        zstd.destroyForcibly();
      }
    }, "zstd-pump-" + zstd.pid());
    stderrReader = new Thread(() -> {
      byte[] buf = new byte[4096];
      try (InputStream in = zstd.getErrorStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          synchronized (stderr) {
            if (stderr.size() < STDERR_LIMIT) {
              stderr.write(buf, 0, Math.min(n, STDERR_LIMIT - stderr.size()));
            }
          }
        }
      } catch (IOException ignored) {
        // the process went away
      }
    }, "zstd-stderr-" + zstd.pid());
    pump.setDaemon(true);
    stderrReader.setDaemon(true);
    pump.start();
    stderrReader.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    try {
      stdin.write(b, off, len);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Ends the input, waits until zstd exited 0 and all its output is in the sink. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      stdin.close();
    } catch (IOException e) {
      throw failure(e);
    }
    try {
      pump.join();
      if (!zstd.waitFor(60, TimeUnit.SECONDS)) {
        zstd.destroyForcibly();
        throw new IOException("zstd did not exit after its input ended");
      }
      stderrReader.join(5000);
    } catch (InterruptedException e) {
      abort();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for zstd");
    }
    if (sinkFailure != null || zstd.exitValue() != 0) {
      throw failure(null);
    }
  }

  /** Stops zstd and the pump; nothing more reaches the sink. */
  void abort() {
    aborted = true;
    finished = true;
    zstd.destroyForcibly();
    pump.interrupt();
  }

  @Override
  public void close() throws IOException {
    finish();
  }

  private void ensureOpen() throws IOException {
    if (finished) {
      throw new IOException("zstd stream already finished");
    }
  }

  /** The sink's own failure when there was one (e.g. S3), else zstd's exit and stderr. */
  private IOException failure(IOException cause) {
    Throwable sink = sinkFailure;
    if (sink instanceof IOException io) {
      return io;
    }
    if (sink instanceof RuntimeException re) {
      throw re; // e.g. the S3 client's own exception: the caller translates it
    }
    if (sink instanceof Error er) {
      throw er;
    }
    if (sink != null) {
      return new IOException(sink.getMessage(), sink);
    }
    String err;
    synchronized (stderr) {
      err = stderr.toString(StandardCharsets.UTF_8).strip();
    }
    String exit = zstd.isAlive() ? "running" : "exit code " + zstd.exitValue();
    return new IOException("zstd failed (" + exit + ")" + (err.isEmpty() ? "" : ": " + err),
        cause);
  }
}
