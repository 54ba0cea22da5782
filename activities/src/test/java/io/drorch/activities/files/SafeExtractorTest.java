package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malicious and awkward archives, built here with commons-compress. Layout of every test:
 * {@code tmp/outside/secret} (must never change), {@code tmp/a/b/work/staging} (the staging
 * directory), so that escapes by one or two levels land in {@code tmp} where they are seen.
 */
class SafeExtractorTest {
  private static final Instant T1 = Instant.parse("2024-02-03T04:05:06Z");
  private static final Instant T2 = Instant.parse("2019-07-08T09:10:11Z");

  @TempDir Path tmp;
  private Path outside;
  private Path secret;
  private Path work;
  private Path staging;
  private Map<String, String> before;

  @BeforeEach
  void setUp() throws IOException {
    outside = Files.createDirectories(tmp.resolve("outside"));
    secret = outside.resolve("secret");
    Files.writeString(secret, "original");
    work = Files.createDirectories(tmp.resolve("a/b/work"));
    staging = work.resolve("staging");
    before = contents(tmp);
  }

  // ---------------------------------------------------------------- refused entries

  @Test
  void refusesADotDotEntryAndWritesNothingAboveStaging() throws Exception {
    byte[] tar = new Tar().file("ok.txt", "fine").file("../evil", "x").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("../evil", e.entry());
    assertTrue(e.reason().contains("'..'"), e.reason());
    assertFalse(Files.exists(work.resolve("evil")));
  }

  @Test
  void refusesADotDotInTheMiddleOfAName() throws Exception {
    byte[] tar = new Tar().dir("x/").file("x/../../../../outside/secret", "pwned").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("x/../../../../outside/secret", e.entry());
  }

  @Test
  void refusesAnAbsolutePath() throws Exception {
    Path abs = outside.resolve("abs.txt");
    byte[] tar = new Tar().file(abs.toString(), "pwned").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals(abs.toString(), e.entry());
    assertTrue(e.reason().contains("absolute"), e.reason());
    assertFalse(Files.exists(abs));
  }

  @Test
  void refusesASymlinkToTheRootAndNeverWritesThroughIt() throws Exception {
    String unique = "drorch-test-" + UUID.randomUUID();
    byte[] tar = new Tar().symlink("link", "/").file("link/" + unique, "pwned").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("link", e.entry());
    assertTrue(e.reason().contains("absolute path /"), e.reason());
    assertFalse(Files.exists(Path.of("/" + unique)));
  }

  @Test
  void refusesASymlinkToAnAbsoluteDirectoryOutside() throws Exception {
    byte[] tar = new Tar().symlink("d", outside.toString()).file("d/x", "pwned").tarGz();
    assertEquals("d", refused(tar).entry());
    assertFalse(Files.exists(outside.resolve("x")));
  }

  @Test
  void refusesARelativeSymlinkThatClimbsOut() throws Exception {
    byte[] tar = new Tar().symlink("up", "../..").file("up/x", "pwned").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("up", e.entry());
    assertTrue(e.reason().contains("outside the staging directory"), e.reason());
    assertFalse(Files.exists(work.getParent().resolve("x")));
  }

  @Test
  void refusesASymlinkThatLeavesAndComesBackIn() throws Exception {
    // resolves inside today, but the staging directory is renamed to the target later
    byte[] tar = new Tar().file("f", "1").symlink("back", "../staging/f").tarGz();
    assertEquals("back", refused(tar).entry());
  }

  @Test
  void refusesASymlinkThatEscapesThroughAnEarlierSymlink() throws Exception {
    // a/up -> .. is fine (the root); a/up/.. is the root's parent
    byte[] tar = new Tar().dir("a/").symlink("a/up", "..").symlink("esc", "a/up/..").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("esc", e.entry());
  }

  @Test
  void refusesASymlinkMadeToEscapeByALaterEntry() throws Exception {
    // when esc is written a/b does not exist, so a/b/.. is a: fine; the later a/b -> .. makes
    // esc lead to the root's parent. Caught by the check after the last entry.
    byte[] tar = new Tar().symlink("esc", "a/b/../..").dir("a/").symlink("a/b", "..").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("esc", e.entry());
    assertTrue(e.reason().contains("once the whole archive is extracted"), e.reason());
  }

  @Test
  void refusesAnEntryBelowASymlinkEvenWhenTheLinkPointsInside() throws Exception {
    byte[] tar = new Tar().dir("sub/").symlink("d", "sub").file("d/x", "via link").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("d/x", e.entry());
    assertTrue(e.reason().contains("symbolic link d"), e.reason());
  }

  @Test
  void refusesADirectoryEntryOverASymlink() throws Exception {
    byte[] tar = new Tar().dir("sub/").symlink("d", "sub").dir("d/").tarGz();
    assertEquals("d/", refused(tar).entry());
  }

  @Test
  void refusesACharacterDevice() throws Exception {
    UnsafeArchiveException e = refused(new Tar().special("null0", TarConstants.LF_CHR).tarGz());
    assertEquals("null0", e.entry());
    assertTrue(e.reason().contains("character device"), e.reason());
  }

  @Test
  void refusesABlockDevice() throws Exception {
    UnsafeArchiveException e = refused(new Tar().special("sda", TarConstants.LF_BLK).tarGz());
    assertTrue(e.reason().contains("block device"), e.reason());
  }

  @Test
  void refusesAFifo() throws Exception {
    UnsafeArchiveException e = refused(new Tar().special("pipe", TarConstants.LF_FIFO).tarGz());
    assertTrue(e.reason().contains("fifo"), e.reason());
  }

  @Test
  void refusesAnUnknownEntryType() throws Exception {
    UnsafeArchiveException e = refused(new Tar().special("odd", (byte) 'Z').tarGz());
    assertTrue(e.reason().contains("unsupported entry type 'Z'"), e.reason());
  }

  @Test
  void refusesAHardLinkToAnAbsolutePath() throws Exception {
    byte[] tar = new Tar().hardLink("pw", "/etc/passwd").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("pw", e.entry());
    assertTrue(e.reason().contains("absolute"), e.reason());
  }

  @Test
  void refusesAHardLinkClimbingOut() throws Exception {
    byte[] tar = new Tar().hardLink("s", "../../../../outside/secret").tarGz();
    assertEquals("s", refused(tar).entry());
  }

  @Test
  void refusesAHardLinkThroughASymlink() throws Exception {
    // the link itself is refused when it points out; here it points inside, at a directory
    byte[] tar = new Tar().dir("sub/").file("sub/f", "x").symlink("l", "sub")
        .hardLink("h", "l/f").tarGz();
    UnsafeArchiveException e = refused(tar);
    assertEquals("h", e.entry());
  }

  @Test
  void refusesAHardLinkToAFileNotYetExtracted() throws Exception {
    assertEquals("h", refused(new Tar().hardLink("h", "later").file("later", "x").tarGz())
        .entry());
  }

  @Test
  void refusesAFileReplacingADirectory() throws Exception {
    byte[] tar = new Tar().dir("d/").file("d/x", "1").file("d", "replaces the dir").tarGz();
    assertEquals("d", refused(tar).entry());
  }

  // ---------------------------------------------------------------- accepted archives

  @Test
  void aFileReplacingAnEarlierSymlinkUnlinksItInsteadOfWritingThroughIt() throws Exception {
    byte[] tar = new Tar().file("target.txt", "original").symlink("f", "target.txt")
        .file("f", "new content").tarGz();
    SafeExtractor.extractTarGz(archive(tar), staging, null);
    assertEquals("original", Files.readString(staging.resolve("target.txt")));
    assertFalse(Files.isSymbolicLink(staging.resolve("f")));
    assertEquals("new content", Files.readString(staging.resolve("f")));
  }

  @Test
  void extractsFilesDirsLinksModesAndTimes() throws Exception {
    byte[] big = new byte[3 * 128 * 1024 + 5];
    Arrays.fill(big, (byte) 7);
    byte[] tar = new Tar()
        .dir("./")
        .dir("docs/", 0750, T2)
        .file("docs/a.txt", "alpha", 0640, T1)
        .file("docs/big.bin", big, 0600, T1)
        .dir("empty/", 0700, T1)
        .dir("ro/", 0555, T2)
        .file("ro/inside.txt", "in a read-only dir", 0444, T1)
        .file("implicit/parent/f.txt", "parents not in the archive", 0644, T1)
        .symlink("docs/link-up", "../empty")
        .symlink("dangling", "does/not/exist")
        .symlink("loop", "loop")
        .hardLink("docs/a-again", "docs/a.txt")
        .file("setuid", "x", 04755, T1)
        .tarGz();

    SafeExtractor.Summary s = SafeExtractor.extractTarGz(archive(tar), staging, null);

    assertEquals(5, s.files());
    assertEquals(3, s.directories());
    assertEquals(3, s.symlinks());
    assertEquals(1, s.hardLinks());
    assertEquals(5 + big.length + 18 + 26 + 1, s.bytes());
    assertEquals(13, s.entries());
    Map<String, String> snap = TestTrees.snapshot(staging);
    assertEquals("dir rwxr-x--- " + T2.getEpochSecond(), snap.get("docs"));
    assertTrue(snap.get("docs/a.txt").startsWith("file rw-r----- " + T1.getEpochSecond() + " 5 "),
        snap.get("docs/a.txt"));
    assertEquals("dir r-xr-xr-x " + T2.getEpochSecond(), snap.get("ro"));
    assertTrue(snap.get("ro/inside.txt").startsWith("file r--r--r-- "));
    assertEquals("dir rwx------ " + T1.getEpochSecond(), snap.get("empty"));
    assertEquals("symlink -> ../empty", snap.get("docs/link-up"));
    assertEquals("symlink -> does/not/exist", snap.get("dangling"));
    assertEquals("symlink -> loop", snap.get("loop"));
    assertEquals("parents not in the archive",
        Files.readString(staging.resolve("implicit/parent/f.txt")));
    assertTrue(Files.isSameFile(staging.resolve("docs/a.txt"), staging.resolve("docs/a-again")));
    assertEquals(big.length, Files.size(staging.resolve("docs/big.bin")));
    // setuid is not restored
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(staging.resolve("setuid"))));

    SafeExtractor.deleteTree(staging); // read-only directories included
    assertFalse(Files.exists(staging, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void roundTripsTheArchiverTreeAndItsListingVerifies() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    TestTrees.build(src);
    Path listing = tmp.resolve("listing.jsonl");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (OutputStream listingOut = Files.newOutputStream(listing);
        ListingEntry.Writer w = new ListingEntry.Writer(listingOut)) {
      TarArchiver.write(src, tar, w, TarArchiver.Progress.NONE);
    }
    SafeExtractor.extract(new java.io.ByteArrayInputStream(tar.toByteArray()), staging, null);
    assertEquals(TestTrees.snapshot(src), TestTrees.snapshot(staging));

    TreeVerifier.Result ok = TreeVerifier.verify(staging, listing, null);
    assertTrue(ok.ok(), ok.problems().toString());
    assertEquals(TestTrees.snapshot(src).size(), ok.entries());

    // now damage the tree in every way the verifier must notice
    Files.write(staging.resolve("docs/readme.txt"), "hellO\n".getBytes(StandardCharsets.UTF_8));
    Files.delete(staging.resolve("empty.txt"));
    Files.writeString(staging.resolve("extra.txt"), "not in the backup");
    Files.delete(staging.resolve("dangling"));
    Files.createSymbolicLink(staging.resolve("dangling"), Path.of("elsewhere"));
    Files.setPosixFilePermissions(staging.resolve("run.sh"),
        PosixFilePermissions.fromString("rwxrwxrwx"));
    TreeVerifier.Result bad = TreeVerifier.verify(staging, listing, null);
    assertEquals(5, bad.problemCount(), bad.problems().toString());
    String all = String.join("\n", bad.problems());
    assertTrue(all.contains("docs/readme.txt: SHA-256"), all);
    assertTrue(all.contains("empty.txt: missing"), all);
    assertTrue(all.contains("extra.txt: on disk but not in the listing"), all);
    assertTrue(all.contains("dangling: links to 'elsewhere'"), all);
    assertTrue(all.contains("run.sh: mode 777, the listing says 750"), all);
  }

  @Test
  void stagingMustNotExistYet() throws Exception {
    Files.createDirectory(staging);
    Files.writeString(staging.resolve("keep"), "x");
    assertThrows(FileAlreadyExistsException.class, () ->
        SafeExtractor.extractTarGz(archive(new Tar().file("f", "1").tarGz()), staging, null));
    assertTrue(Files.exists(staging.resolve("keep")));
  }

  @Test
  void aCorruptGzipIsCorruptArchiveAndLeavesNoStaging() throws Exception {
    byte[] tar = new Tar().file("f", "some content that is long enough to damage").tarGz();
    tar[tar.length / 2] ^= 0x55;
    assertThrows(SafeExtractor.CorruptArchiveException.class,
        () -> SafeExtractor.extractTarGz(archive(tar), staging, null));
    assertFalse(Files.exists(staging));
  }

  @Test
  void aTruncatedArchiveIsCorruptArchiveAndLeavesNoStaging() throws Exception {
    byte[] full = new Tar().file("f", new byte[100_000], 0644, T1).tar();
    byte[] cut = Arrays.copyOf(full, 30_000);
    assertThrows(SafeExtractor.CorruptArchiveException.class,
        () -> SafeExtractor.extract(new java.io.ByteArrayInputStream(cut), staging, null));
    assertFalse(Files.exists(staging));
  }

  // ---------------------------------------------------------------- helpers

  /** Extraction fails with UnsafeArchiveException, staging is gone, nothing else changed. */
  private UnsafeArchiveException refused(byte[] tarGz) throws IOException {
    Path archive = archive(tarGz);
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> SafeExtractor.extractTarGz(archive, staging, SafeExtractor.Progress.NONE));
    assertFalse(Files.exists(staging, LinkOption.NOFOLLOW_LINKS), "staging was not removed");
    Files.delete(archive);
    assertEquals(before, contents(tmp), "something changed outside staging");
    assertEquals("original", Files.readString(secret));
    return e;
  }

  /** Every path below root with its type and content (not times: staging's parent changes). */
  private static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "symlink -> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir");
        } else {
          out.put(rel, "file " + io.drorch.activities.storage.Sha256.hex(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  private Path archive(byte[] tarGz) throws IOException {
    return Files.write(tmp.resolve("archive.tar.gz"), tarGz);
  }

  /** Builds tar archives entry by entry, names and targets verbatim (absolute ones too). */
  private static final class Tar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream out;

    Tar() {
      out = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tar file(String name, String content) throws IOException {
      return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, T1);
    }

    Tar file(String name, String content, int mode, Instant mtime) throws IOException {
      return file(name, content.getBytes(StandardCharsets.UTF_8), mode, mtime);
    }

    Tar file(String name, byte[] content, int mode, Instant mtime) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
      e.setSize(content.length);
      e.setMode(0100000 | mode);
      e.setLastModifiedTime(FileTime.from(mtime));
      out.putArchiveEntry(e);
      out.write(content);
      out.closeArchiveEntry();
      return this;
    }

    Tar dir(String name) throws IOException {
      return dir(name, 0755, T1);
    }

    Tar dir(String name, int mode, Instant mtime) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
      e.setMode(040000 | mode);
      e.setLastModifiedTime(FileTime.from(mtime));
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
      return this;
    }

    Tar symlink(String name, String target) throws IOException {
      return link(name, target, TarConstants.LF_SYMLINK);
    }

    Tar hardLink(String name, String target) throws IOException {
      return link(name, target, TarConstants.LF_LINK);
    }

    private Tar link(String name, String target, byte type) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      e.setLinkName(target);
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
      return this;
    }

    Tar special(String name, byte type) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      e.setDevMajor(1);
      e.setDevMinor(3);
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
      return this;
    }

    byte[] tar() throws IOException {
      out.finish();
      return bytes.toByteArray();
    }

    byte[] tarGz() throws IOException {
      byte[] tar = tar();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
        z.write(tar);
      }
      return gz.toByteArray();
    }
  }
}
