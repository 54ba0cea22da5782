package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
  private static final int BLOCK = 64 * 1024;

  @TempDir Path tmp;

  /** Half random, half repetitive text: exercises both stored-like and well-compressed blocks. */
  private static byte[] data(int n) {
    byte[] b = new byte[n];
    Random r = new Random(n);
    r.nextBytes(b);
    byte[] text = "the quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = n / 2; i < n; i++) {
      b[i] = text[i % text.length];
    }
    return b;
  }

  private static byte[] compress(byte[] in, int threads, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, threads, BLOCK, level)) {
      // odd chunk sizes so writes straddle block boundaries
      int off = 0;
      int step = 1;
      while (off < in.length) {
        int n = Math.min(step, in.length - off);
        gz.write(in, off, n);
        off += n;
        step = step * 3 + 7;
        if (step > 3 * BLOCK) {
          step = 1;
        }
      }
      if (in.length > 0) {
        gz.write(in[in.length - 1] & 0xff); // and the single-byte path
      }
    }
    return out.toByteArray();
  }

  private static byte[] expected(byte[] in) {
    if (in.length == 0) {
      return in;
    }
    byte[] e = java.util.Arrays.copyOf(in, in.length + 1);
    e[in.length] = in[in.length - 1];
    return e;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, BLOCK - 2, BLOCK - 1, BLOCK, 10 * BLOCK + 5, 37 * BLOCK + 12_345})
  void javaAndSystemGzipReadWhatItWrites(int size) throws Exception {
    byte[] in = data(size);
    byte[] gz = compress(in, 2, Deflater.DEFAULT_COMPRESSION);

    try (GZIPInputStream r = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertArrayEquals(expected(in), r.readAllBytes());
    }
    Path f = tmp.resolve("x.gz");
    Files.write(f, gz);
    TestTrees.run(tmp, "gzip", "-t", f.toString());
    assertArrayEquals(expected(in), TestTrees.run(tmp, "gzip", "-dc", f.toString()));
  }

  @Test
  void writesOneMemberPerBlockInOrderWithAnyThreadCountAndLevel() throws Exception {
    byte[] in = data(20 * BLOCK + 1);
    byte[] reference = compress(in, 1, 6);
    for (int threads : new int[] {1, 2, 4}) {
      for (int level : new int[] {0, 1, 6, 9}) {
        byte[] gz = compress(in, threads, level);
        try (GZIPInputStream r = new GZIPInputStream(new ByteArrayInputStream(gz))) {
          assertArrayEquals(expected(in), r.readAllBytes(), threads + " threads, level " + level);
        }
        if (level == 6) {
          assertArrayEquals(reference, gz, "output must not depend on the thread count");
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 2, BLOCK, 6)) {
      gz.write(in);
      gz.finish();
      assertEquals(21, gz.members());
      assertEquals(in.length, gz.bytesIn());
      assertEquals(out.size(), gz.bytesOut());
    }
  }

  @Test
  void randomBlocksAreStoredTextBlocksCompressedAndBothReadBack() throws Exception {
    byte[] random = new byte[8 * BLOCK];
    new Random(7).nextBytes(random);
    byte[] text = new byte[8 * BLOCK];
    byte[] words = "backup restore incident upload quarter report \n".getBytes(StandardCharsets.US_ASCII);
    Random r = new Random(8);
    for (int i = 0; i < text.length; i++) {
      text[i] = words[(i + r.nextInt(3)) % words.length];
    }
    assertTrue(ParallelGzipOutputStream.incompressible(random, random.length));
    assertTrue(!ParallelGzipOutputStream.incompressible(text, text.length));
    // random data with a compressible stretch in the middle: that stretch is still compressed
    byte[] mixed = random.clone();
    System.arraycopy(text, 0, mixed, 3 * BLOCK, 2 * BLOCK);
    ParallelGzipOutputStream.Member m = ParallelGzipOutputStream.compress(mixed, mixed.length,
        Deflater.DEFAULT_COMPRESSION);
    assertTrue(m.length() < mixed.length - BLOCK, m.length() + "");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(
        java.util.Arrays.copyOf(m.data(), m.length())))) {
      assertArrayEquals(mixed, in.readAllBytes());
    }

    ParallelGzipOutputStream.Member stored = ParallelGzipOutputStream.compress(random, random.length,
        Deflater.DEFAULT_COMPRESSION);
    // stored deflate: 5 bytes per 64 KiB block of overhead, never more than the input + framing
    assertTrue(stored.length() <= random.length + random.length / 1000 + 64, stored.length() + "");
    ParallelGzipOutputStream.Member packed = ParallelGzipOutputStream.compress(text, text.length,
        Deflater.DEFAULT_COMPRESSION);
    assertTrue(packed.length() < text.length / 2, packed.length() + "");
    for (var member : java.util.List.of(stored, packed)) {
      Path f = tmp.resolve("m.gz");
      Files.write(f, java.util.Arrays.copyOf(member.data(), member.length()));
      TestTrees.run(tmp, "gzip", "-t", f.toString());
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(
        java.util.Arrays.copyOf(stored.data(), stored.length())))) {
      assertArrayEquals(random, in.readAllBytes());
    }
  }

  @Test
  void aFailingSinkSurfacesFromWriteOrFinishAndAbortWritesNothingMore() {
    class Failing extends OutputStream {
      int writes;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writes++;
        throw new IOException("sink is gone");
      }
    }
    Failing sink = new Failing();
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(sink, 2, BLOCK, 6);
    IOException e = assertThrows(IOException.class, () -> {
      gz.write(data(10 * BLOCK));
      gz.finish();
    });
    assertEquals("sink is gone", e.getMessage());
    gz.abort();
    int writes = sink.writes;
    assertThrows(IOException.class, () -> gz.write(1));
    assertEquals(writes, sink.writes);
  }

  @Test
  void abortBeforeFinishLeavesTheSinkUntouched() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 2, BLOCK, 6);
    gz.write(new byte[BLOCK / 2]);
    gz.abort();
    gz.finish(); // no-op after abort
    assertEquals(0, out.size());
    assertTrue(gz.members() == 0);
  }
}
