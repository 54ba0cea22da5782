package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarArchiverTest {
  @TempDir Path tmp;

  private record Written(ArchiveSummary summary, List<ListingEntry> listing, long members) {}

  private Written archive(Path root, Path tarGz) throws IOException {
    ByteArrayOutputStream listingBytes = new ByteArrayOutputStream();
    ArchiveSummary summary;
    long members;
    try (OutputStream file = Files.newOutputStream(tarGz);
        ListingEntry.Writer listing = new ListingEntry.Writer(listingBytes);
        ParallelGzipOutputStream gz = new ParallelGzipOutputStream(file)) {
      summary = TarArchiver.write(root, gz, listing, TarArchiver.Progress.NONE);
      gz.finish();
      members = gz.members();
    }
    List<ListingEntry> entries = new ArrayList<>();
    try (ListingEntry.Reader r =
        new ListingEntry.Reader(new java.io.ByteArrayInputStream(listingBytes.toByteArray()))) {
      r.forEachRemaining(entries::add);
    }
    return new Written(summary, entries, members);
  }

  @Test
  void systemTarRestoresTheTreeByteForByteWithModesLinksAndEmptyDirs() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    TestTrees.build(src);
    makeFifo(src);
    Path tarGz = tmp.resolve("files.tar.gz");

    Written w = archive(src, tarGz);

    TestTrees.run(tmp, "gzip", "-t", tarGz.toString());
    Path out = Files.createDirectory(tmp.resolve("restored"));
    TestTrees.run(out, "tar", "-xzf", tarGz.toString());
    Map<String, String> expected = TestTrees.snapshot(src);
    assertEquals("other", expected.remove("pipe"));
    assertEquals(expected, TestTrees.snapshot(out));
    assertTrue(Files.isDirectory(out.resolve("empty-dir")));
    assertEquals(Path.of("docs/2026/11/photo.bin"),
        Files.readSymbolicLink(out.resolve("link-to-photo")));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out.resolve("private/secret.key"))));
    assertTrue(w.members() >= 5, "several gzip members, got " + w.members());

    long files = expected.values().stream().filter(v -> v.startsWith("file")).count();
    assertEquals(files, w.summary().files());
    assertEquals(expected.values().stream().filter(v -> v.startsWith("symlink")).count(),
        w.summary().symlinks());
    assertEquals(expected.values().stream().filter(v -> v.startsWith("dir")).count(),
        w.summary().directories());
    assertEquals(1, w.summary().skipped());
  }

  /** A fifo in the tree: the archive must skip it (mkfifo is coreutils; its absence is a failure). */
  private static void makeFifo(Path dir) throws Exception {
    assertTrue(TestTrees.onPath("mkfifo"), "mkfifo (coreutils) is needed to test the fifo branch");
    TestTrees.run(dir, "mkfifo", "pipe");
  }

  @Test
  void listingDescribesEveryEntryOfTheTreeInArchiveOrder() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    TestTrees.build(src);
    makeFifo(src);
    Written w = archive(src, tmp.resolve("files.tar.gz"));

    Map<String, ListingEntry> byPath = new LinkedHashMap<>();
    for (ListingEntry e : w.listing()) {
      assertFalse(e.path().startsWith("/") || e.path().startsWith("./") || e.path().endsWith("/"),
          e.path());
      assertEquals(null, byPath.put(e.path(), e), "listed twice: " + e.path());
    }
    Map<String, String> snap = TestTrees.snapshot(src);
    assertEquals(snap.keySet(), new TreeMap<>(byPath).keySet());
    long total = 0;
    for (ListingEntry e : w.listing()) {
      Path p = src.resolve(e.path());
      switch (e.type()) {
        case FILE -> {
          assertEquals(Files.size(p), e.size());
          assertEquals(Sha256.hex(Files.readAllBytes(p)), e.sha256(), e.path());
          assertEquals(modeOf(p), e.modeBits(), e.path());
          total += e.size();
        }
        case DIR -> assertEquals(modeOf(p), e.modeBits(), e.path());
        case SYMLINK -> assertEquals(Files.readSymbolicLink(p).toString(), e.target());
        case SKIPPED -> assertEquals("fifo", e.reason());
      }
    }
    assertEquals(total, w.summary().totalBytes());
    assertEquals(ListingEntry.Type.DIR, byPath.get("docs").type());
    assertEquals(ListingEntry.Type.SKIPPED, byPath.get("pipe").type());
    assertEquals(ListingEntry.Type.FILE, byPath.get(TestTrees.UNICODE).type());
    assertEquals(0L, byPath.get("empty.txt").size());
    assertEquals(Sha256.hex(new byte[0]), byPath.get("empty.txt").sha256());
    // sorted, a directory before its contents
    List<String> order = w.listing().stream().map(ListingEntry::path).toList();
    assertTrue(order.indexOf("docs") < order.indexOf("docs/2026"));
    assertTrue(order.indexOf("big.bin") < order.indexOf("docs"));
  }

  @Test
  void archivingTheSameTreeTwiceGivesTheSameBytes() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    TestTrees.build(src);
    archive(src, tmp.resolve("one.tar.gz"));
    archive(src, tmp.resolve("two.tar.gz"));
    assertEquals(Sha256.hex(Files.readAllBytes(tmp.resolve("one.tar.gz"))),
        Sha256.hex(Files.readAllBytes(tmp.resolve("two.tar.gz"))));
  }

  @Test
  void aFileThatGrowsWhileItIsReadFailsTheArchiveNamingIt() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    Path growing = src.resolve("growing.log");
    Files.write(growing, new byte[1024 * 1024]);
    TarArchiver.Progress appendOnce = new TarArchiver.Progress() {
      boolean done;

      @Override
      public void update(long bytesRead, long entries) {
        if (!done && bytesRead > 0) {
          done = true;
          try {
            Files.write(growing, new byte[10], java.nio.file.StandardOpenOption.APPEND);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> TarArchiver.write(src, OutputStream.nullOutputStream(),
            new ListingEntry.Writer(OutputStream.nullOutputStream()), appendOnce));
    assertEquals(ArchiveException.Reason.CHANGED, e.reason());
    assertEquals("growing.log", e.path());
    assertTrue(e.getMessage().contains("growing.log"), e.getMessage());
  }

  @Test
  void aMissingRootIsRootMissing() {
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> TarArchiver.write(tmp.resolve("nope"), OutputStream.nullOutputStream(),
            new ListingEntry.Writer(OutputStream.nullOutputStream()), null));
    assertEquals(ArchiveException.Reason.ROOT_MISSING, e.reason());
  }

  @Test
  void anEmptyRootIsAValidEmptyArchive() throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    Path tarGz = tmp.resolve("empty.tar.gz");
    Written w = archive(src, tarGz);
    assertEquals(new ArchiveSummary(0, 0, 0, 0, 0, w.summary().tarBytes()), w.summary());
    assertEquals(List.of(), w.listing());
    assertEquals("", new String(TestTrees.run(tmp, "tar", "-tzf", tarGz.toString())));
  }

  @Test
  void listingLinesRoundTripAwkwardNames() throws Exception {
    List<ListingEntry> in = List.of(
        ListingEntry.file("a \"quoted\"\nnew\\line/ü✓", 5, "ab", 0644),
        ListingEntry.dir("d", 04755),
        ListingEntry.symlink("l", "../x y"),
        ListingEntry.skipped("s", "socket"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ListingEntry.Writer w = new ListingEntry.Writer(bytes)) {
      for (ListingEntry e : in) {
        w.write(e);
      }
    }
    String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(4, text.split("\n").length, text);
    assertTrue(text.contains("{\"path\":\"d\",\"type\":\"dir\",\"mode\":\"4755\"}"), text);
    List<ListingEntry> out = new ArrayList<>();
    try (ListingEntry.Reader r = new ListingEntry.Reader(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      r.forEachRemaining(out::add);
    }
    assertEquals(in, out);
    assertEquals(04755, out.get(1).modeBits());
  }

  private static int modeOf(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

}
