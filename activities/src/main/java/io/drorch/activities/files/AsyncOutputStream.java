package io.drorch.activities.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes to a sink on its own thread, through a bounded queue of chunks: a producer that also
 * does other work (tar, compression) keeps going while the sink is busy (an S3 part upload), and
 * waits only when {@code maxChunks} chunks are queued. Memory: at most {@code maxChunks} copies
 * of the written chunks. The sink's failure surfaces from the next {@code write} or from {@link
 * #finish()}; {@link #abort()} drops what is queued and writes nothing more.
 */
final class AsyncOutputStream extends OutputStream {
  private static final byte[] END = new byte[0];
  private final BlockingQueue<byte[]> queue;
  private final Thread writer;
  private volatile Throwable failure;
  private volatile boolean aborted;
  private boolean finished;

  AsyncOutputStream(OutputStream sink, int maxChunks, String name) {
    this.queue = new ArrayBlockingQueue<>(maxChunks);
    this.writer = new Thread(() -> {
      try {
        for (byte[] b = queue.take(); b != END; b = queue.take()) {
          if (!aborted) {
            sink.write(b, 0, b.length);
          }
        }
      } catch (Throwable t) {
        if (!aborted) {
          failure = t;
        }
        queue.clear();
      }
    }, name);
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("stream already finished");
    }
    if (len == 0) {
      return;
    }
    put(Arrays.copyOfRange(b, off, off + len));
  }

  /** Waits until every chunk reached the sink (the sink stays open). */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    put(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      abort();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
    rethrow();
  }

  /** Drops what is queued; nothing more reaches the sink. */
  void abort() {
    aborted = true;
    finished = true;
    queue.clear();
    writer.interrupt();
  }

  private void put(byte[] chunk) throws IOException {
    try {
      while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        rethrow();
        if (!writer.isAlive()) {
          throw new IOException("the writer thread ended");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
    rethrow();
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error er) {
      throw er;
    }
    throw new IOException(t);
  }
}
