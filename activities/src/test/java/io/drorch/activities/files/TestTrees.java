package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drorch.activities.storage.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds the awkward test tree, snapshots trees independently of the archiver, runs commands. */
final class TestTrees {
  static final String UNICODE = "résumé 文件 Ünïcødé ✓.txt";
  static final String LONG_NAME = "n".repeat(180) + ".bin";
  static final String LONG_PATH =
      "deep-" + "a".repeat(60) + "/" + "b".repeat(70) + "/" + "c".repeat(40) + "/leaf.txt";

  private TestTrees() {}

  /** Nested dirs, binary files, an empty file and dir, unicode and long names, symlinks, modes. */
  static void build(Path root) throws IOException {
    Random rnd = new Random(42);
    Files.createDirectories(root.resolve("docs/2026/11"));
    Files.createDirectories(root.resolve("empty-dir"));
    Files.createDirectories(root.resolve("private"));
    Files.write(root.resolve("docs/readme.txt"), "hello\n".getBytes(StandardCharsets.UTF_8));
    Files.write(root.resolve("docs/2026/11/photo.bin"), bytes(rnd, 70_001));
    Files.write(root.resolve("empty.txt"), new byte[0]);
    Files.write(root.resolve("big.bin"), bytes(rnd, 3 * 1024 * 1024 + 123)); // several blocks
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 2_500_000; i++) {
      text.append("line ").append(i).append(" of a compressible log file\n");
    }
    Files.writeString(root.resolve("docs/log.txt"), text);
    Files.writeString(root.resolve(UNICODE), "unicode\n");
    Files.write(root.resolve(LONG_NAME), bytes(rnd, 1000));
    Files.createDirectories(root.resolve(LONG_PATH).getParent());
    Files.writeString(root.resolve(LONG_PATH), "deep\n");
    Files.writeString(root.resolve("with\"quote and\\backslash"), "q");
    Files.write(root.resolve("private/secret.key"), bytes(rnd, 32));
    Files.setPosixFilePermissions(root.resolve("private/secret.key"),
        PosixFilePermissions.fromString("rw-------"));
    Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(root.resolve("run.sh"),
        PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(root.resolve("private"),
        PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(root.resolve("link-to-photo"), Path.of("docs/2026/11/photo.bin"));
    Files.createSymbolicLink(root.resolve("docs/link-up"), Path.of("../empty-dir"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("does/not/exist"));
    Files.createSymbolicLink(root.resolve("long-target"), Path.of(LONG_PATH));
    Files.setLastModifiedTime(root.resolve("docs/readme.txt"),
        FileTime.from(Instant.parse("2001-09-09T01:46:40Z")));
  }

  static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /**
   * Every entry under root (not the root) described by type, permission bits, mtime in seconds,
   * size and SHA-256 (files) or target (symlinks). Computed with plain NIO, not the archiver.
   */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "symlink -> " + Files.readSymbolicLink(p));
          continue;
        }
        String mode = PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
            .getEpochSecond();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir " + mode + " " + mtime);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "file " + mode + " " + mtime + " " + Files.size(p) + " "
              + Sha256.hex(Files.readAllBytes(p)));
        } else {
          out.put(rel, "other");
        }
      }
    }
    return out;
  }

  /** Runs a command (argument list, no shell); fails the test with its stderr unless exit 0. */
  static byte[] run(Path cwd, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile("cmd-", ".err");
    try {
      Process p = new ProcessBuilder(List.of(command)).directory(cwd.toFile())
          .redirectError(err.toFile()).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      }
      int rc = p.waitFor();
      assertEquals(0, rc, String.join(" ", command) + " failed: " + Files.readString(err));
      return out.toByteArray();
    } finally {
      Files.deleteIfExists(err);
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
