package io.drorch.activities.files;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip {@link OutputStream} that compresses on several threads, pigz-style: the input is cut
 * into blocks of {@link #DEFAULT_BLOCK_SIZE}, each block is compressed as its own complete gzip
 * member on a small pool, and the members are written to the underlying stream in input order.
 * Concatenated gzip members are one valid {@code .gz} file (RFC 1952 §2.2): {@code gzip -d},
 * {@code tar -xzf}, {@code pigz -d} and {@link java.util.zip.GZIPInputStream} read it whole.
 *
 * <p>Segments that do not compress (random data, files compressed already) are stored rather
 * than deflated: see {@link #incompressible}. That is where it beats {@code pigz}, which spends as
 * much CPU on such data as on text for nothing.
 *
 * <p>Memory is bounded whatever the input size: at most {@code 4 × threads} blocks are in flight
 * (each its input plus its compressed output) plus the block being filled. Compressing blocks
 * independently costs about 0.1–0.5 % of ratio against one long stream with 1 MiB blocks, a little
 * more with the default 256 KiB blocks. 256 KiB because with a small heap (the worker runs in
 * 256 MiB) G1's regions are 1 MiB and every array of 512 KiB or more is a "humongous" object,
 * allocated and collected at a high price: 1 MiB blocks and their 1 MiB outputs made the garbage
 * collector a noticeable share of a file backup's CPU.
 *
 * <p>All writes to the underlying stream happen on the caller's thread, so its exceptions (an S3
 * failure, say) surface from {@code write}/{@link #finish()} as they would without compression.
 * {@link #finish()} writes everything and leaves the underlying stream open; {@link #close()}
 * finishes and closes it; {@link #abort()} drops pending blocks and releases the threads without
 * writing anything more (use it on the failure path, where the sink must not be touched).
 */
public final class ParallelGzipOutputStream extends OutputStream {
  public static final int DEFAULT_BLOCK_SIZE = 256 * 1024;
  public static final int DEFAULT_THREADS = 2;

  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();
  /** Header of every member: magic, deflate, no flags, no mtime, no extra flags, OS unknown. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream out;
  private final int blockSize;
  private final int level;
  private final int maxInFlight;
  private final ExecutorService pool;
  private final ArrayDeque<Job> inFlight = new ArrayDeque<>();
  private final ArrayDeque<byte[]> freeBlocks = new ArrayDeque<>();
  private byte[] block;
  private int filled;
  private long bytesIn;
  private long bytesOut;
  private long members;
  private boolean finished;

  /** Two threads, 256 KiB blocks, gzip's default level 6. */
  public ParallelGzipOutputStream(OutputStream out) {
    this(out, DEFAULT_THREADS, DEFAULT_BLOCK_SIZE, Deflater.DEFAULT_COMPRESSION);
  }

  /**
   * @param threads compression threads (the pool is owned by this stream)
   * @param blockSize input bytes per gzip member
   * @param level {@link Deflater} level, 0–9 or {@link Deflater#DEFAULT_COMPRESSION}
   */
  public ParallelGzipOutputStream(OutputStream out, int threads, int blockSize, int level) {
    if (threads < 1 || blockSize < 1) {
      throw new IllegalArgumentException("threads and blockSize must be positive");
    }
    if (level != Deflater.DEFAULT_COMPRESSION && (level < 0 || level > 9)) {
      throw new IllegalArgumentException("level must be 0..9 or -1: " + level);
    }
    this.out = out;
    this.blockSize = blockSize;
    this.level = level;
    this.maxInFlight = 4 * threads;
    int poolId = POOL_NUMBER.incrementAndGet();
    AtomicInteger threadNo = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "pgzip-" + poolId + "-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Uncompressed bytes accepted so far. */
  public long bytesIn() {
    return bytesIn;
  }

  /** Compressed bytes written to the underlying stream so far. */
  public long bytesOut() {
    return bytesOut;
  }

  /** Gzip members written so far. */
  public long members() {
    return members;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    bytesIn += len;
    while (len > 0) {
      if (block == null) {
        block = freeBlocks.isEmpty() ? new byte[blockSize] : freeBlocks.pop();
        filled = 0;
      }
      int n = Math.min(len, blockSize - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == blockSize) {
        submitBlock();
      }
    }
  }

  /**
   * Writes the members that are already compressed and flushes the underlying stream. Like {@link
   * java.util.zip.GZIPOutputStream} without sync flush, it does not force out a partial block.
   */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    writeDoneMembers();
    out.flush();
  }

  /**
   * Compresses the last partial block, writes all members in order and stops the threads. The
   * underlying stream stays open. An empty input still gives one (empty) valid gzip member.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    try {
      if (filled > 0 || members + inFlight.size() == 0) {
        if (block == null) {
          block = new byte[0];
          filled = 0;
        }
        submitBlock();
      }
      while (!inFlight.isEmpty()) {
        writeMember(inFlight.peekFirst());
      }
      out.flush();
      finished = true;
    } finally {
      if (!finished) {
        abort();
      }
      pool.shutdown();
      block = null;
      freeBlocks.clear();
    }
  }

  /** Drops what is not yet written and releases the threads; the underlying stream is untouched. */
  public void abort() {
    finished = true;
    for (Job j : inFlight) {
      j.future.cancel(true);
    }
    inFlight.clear();
    pool.shutdownNow();
    block = null;
    freeBlocks.clear();
  }

  /** {@link #finish()}, then closes the underlying stream (even when finishing failed). */
  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (finished) {
      throw new IOException("gzip stream already finished");
    }
  }

  private void submitBlock() throws IOException {
    while (inFlight.size() >= maxInFlight) {
      writeMember(inFlight.peekFirst());
    }
    final byte[] input = block;
    final int length = filled;
    block = null;
    filled = 0;
    inFlight.addLast(new Job(input, pool.submit(() -> compress(input, length, level))));
    writeDoneMembers();
  }

  private void writeDoneMembers() throws IOException {
    while (!inFlight.isEmpty() && inFlight.peekFirst().future.isDone()) {
      writeMember(inFlight.peekFirst());
    }
  }

  /** Waits for the oldest job (the head of the queue), writes its member and recycles its block. */
  private void writeMember(Job job) throws IOException {
    Member m;
    try {
      m = job.future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("gzip compression failed: " + e.getCause(), e.getCause());
    }
    inFlight.removeFirst();
    out.write(m.data, 0, m.length);
    bytesOut += m.length;
    members++;
    if (job.input.length == blockSize) {
      freeBlocks.push(job.input);
    }
  }

  /** Each block is deflated in segments of this size, each at its own level (6 or stored). */
  static final int SEGMENT = 64 * 1024;
  /** Samples per segment tried by {@link #incompressible} and their size. */
  static final int SAMPLES = 2;
  static final int SAMPLE_SIZE = 2048;

  /**
   * True when every one of {@value #SAMPLES} samples spread over {@code input[off, off+len)}
   * shrinks by less than 3 % at level 1: random data, or data compressed already (images,
   * archives, PDFs' streams). Such a segment is stored (deflate level 0) instead of being searched
   * for matches it does not have, which at level 6 costs CPU and gains nothing. One sample that
   * does compress is enough to compress the whole segment normally, so a segment that mixes both
   * loses at most what its compressible part between the samples would have gained.
   */
  static boolean incompressible(Deflater probe, byte[] scratch, byte[] input, int off, int len) {
    if (len < SAMPLES * SAMPLE_SIZE) {
      return false;
    }
    int stride = (len - SAMPLE_SIZE) / (SAMPLES - 1);
    for (int i = 0; i < SAMPLES; i++) {
      probe.reset();
      probe.setInput(input, off + i * stride, SAMPLE_SIZE);
      probe.finish();
      int n = 0;
      while (!probe.finished() && n < scratch.length) {
        n += probe.deflate(scratch, n, scratch.length - n);
      }
      if (probe.finished() && n < SAMPLE_SIZE * 97 / 100) {
        return false;
      }
    }
    return true;
  }

  /** {@link #incompressible} over a whole array (for tests). */
  static boolean incompressible(byte[] input, int length) {
    Deflater probe = new Deflater(1, true);
    try {
      return incompressible(probe, new byte[SAMPLE_SIZE + 64], input, 0, length);
    } finally {
      probe.end();
    }
  }

  /**
   * One complete gzip member: header, raw deflate data, CRC-32 and length trailer. The block is
   * deflated as ONE stream (matches reach across segments) in {@value #SEGMENT}-byte segments;
   * a segment that looks {@link #incompressible} is stored (level 0), the others use {@code
   * level}. Short native calls also keep the JVM's GC locker from being held for a whole block.
   */
  static Member compress(byte[] input, int length, int level) {
    // zlib's deflateBound plus header and trailer: enough for incompressible input
    int bound = length + (length >>> 12) + (length >>> 14) + (length >>> 25) + 13 + 6 + 18;
    byte[] buf = new byte[bound];
    System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
    if (level == 9) {
      buf[8] = 2;
    } else if (level == 1) {
      buf[8] = 4;
    }
    int pos = HEADER.length;
    Deflater deflater = new Deflater(level, true);
    Deflater probe = level == 0 ? null : new Deflater(1, true);
    byte[] scratch = new byte[SAMPLE_SIZE + 64];
    try {
      int current = level;
      int off = 0;
      do {
        int n = Math.min(SEGMENT, length - off);
        int want = probe != null && incompressible(probe, scratch, input, off, n) ? 0 : level;
        if (want != current) {
          // zlib applies a new level only after deflating what input it already holds with the
          // old one: switch with no input pending, so this segment gets the new level
          deflater.setLevel(want);
          deflater.setInput(input, off, 0);
          if (buf.length - 8 - pos < 2 * SEGMENT) {
            buf = Arrays.copyOf(buf, buf.length + 2 * SEGMENT);
          }
          pos += deflater.deflate(buf, pos, buf.length - 8 - pos);
          current = want;
        }
        deflater.setInput(input, off, n);
        off += n;
        boolean last = off >= length;
        if (last) {
          deflater.finish();
        }
        while (last ? !deflater.finished() : !deflater.needsInput()) {
          if (buf.length - 8 - pos < 1024) {
            buf = Arrays.copyOf(buf, buf.length + 64 * 1024);
          }
          pos += deflater.deflate(buf, pos, buf.length - 8 - pos);
        }
      } while (off < length);
    } finally {
      deflater.end();
      if (probe != null) {
        probe.end();
      }
    }
    CRC32 crc = new CRC32();
    crc.update(input, 0, length);
    writeIntLe(buf, pos, (int) crc.getValue());
    writeIntLe(buf, pos + 4, length);
    return new Member(buf, pos + 8);
  }

  private static void writeIntLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  record Member(byte[] data, int length) {}

  private record Job(byte[] input, Future<Member> future) {}
}
