package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.TreeSnapshot;
import io.drorch.activities.storage.Sha256;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.files.FileActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The file archive activity against an S3 protocol server, run by Temporal's activity harness. */
class FileArchiveActivityTest extends ActivityTestBase {
  private static final String BUCKET = "act-file-archive";
  private static final String BACKUP_ID = "files-20261126T023000Z-77b0e2";

  @TempDir Path tmp;
  private FileActivities activities;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  @BeforeEach
  void setUp() {
    env.registerActivitiesImplementations(new FileActivitiesImpl(clients));
    activities = stub(FileActivities.class, Duration.ofMinutes(2));
  }

  @Test
  void archivesTheUploadsDirSoThatTarRestoresItExactly() throws Exception {
    Path src = buildTree(Files.createDirectory(tmp.resolve("uploads")));
    StorageTarget storage = storage(BUCKET, "prod/app");

    ArchiveFilesResult r = activities.archiveToStorage(
        new ArchiveFilesInput(BACKUP_ID, new FilesTarget(src.toString()), storage));

    assertEquals("prod/app/files/" + BACKUP_ID + ".tar.gz", r.dataKey());
    assertEquals("tar+gzip", r.format());
    assertEquals("prod/app/files/" + BACKUP_ID + ".listing.jsonl", r.details().listingKey());
    assertEquals(src.toRealPath().toString(), r.details().sourceDir());
    assertTrue(!r.finishedAt().isBefore(r.startedAt()));

    Path tarGz = tmp.resolve("download.tar.gz");
    assertEquals(r.sha256(), download(r.dataKey(), tarGz));
    assertEquals(r.sizeBytes(), Files.size(tarGz));

    Path listing = tmp.resolve("listing.jsonl");
    assertEquals(r.details().listingSha256(), download(r.details().listingKey(), listing));
    List<ListingEntry> entries = new ArrayList<>();
    try (ListingEntry.Reader reader = new ListingEntry.Reader(Files.newInputStream(listing))) {
      reader.forEachRemaining(entries::add);
    }
    Map<String, String> expected = TreeSnapshot.of(src);
    assertEquals(expected.size(), entries.size());
    long files = expected.values().stream().filter(v -> v.startsWith("file")).count();
    assertEquals(files, r.details().fileCount());
    assertEquals(entries.stream().filter(e -> e.type() == ListingEntry.Type.FILE)
        .mapToLong(ListingEntry::size).sum(), r.details().totalBytes());
    for (ListingEntry e : entries) {
      if (e.type() == ListingEntry.Type.FILE) {
        assertTrue(expected.get(e.path()).endsWith(" " + e.sha256()), e.path());
      }
    }

    Path out = Files.createDirectory(tmp.resolve("restored"));
    run(out, "tar", "-xzf", tarGz.toString());
    assertEquals(expected, TreeSnapshot.of(out));
  }

  @Test
  void zstdArchivesRestoreByHandWithZstdAndTarAndKeepTheSameListing() throws Exception {
    Path src = buildTree(Files.createDirectory(tmp.resolve("uploads")));
    StorageTarget storage = storage(BUCKET, "prod/zst");

    ArchiveFilesResult gz = activities.archiveToStorage(
        new ArchiveFilesInput(BACKUP_ID, new FilesTarget(src.toString(), "gzip"), storage));
    ArchiveFilesResult zst = activities.archiveToStorage(new ArchiveFilesInput(
        BACKUP_ID + "z", new FilesTarget(src.toString(), "zstd"), storage));

    assertEquals("prod/zst/files/" + BACKUP_ID + "z.tar.zst", zst.dataKey());
    assertEquals("tar+zstd", zst.format());
    assertEquals("tar+gzip", gz.format());
    Path archive = tmp.resolve("download.tar.zst");
    assertEquals(zst.sha256(), download(zst.dataKey(), archive));
    assertEquals(zst.sizeBytes(), Files.size(archive));
    // the listing is the same whatever the compression: same paths, sizes, modes and SHA-256s
    Path l1 = tmp.resolve("gz.listing.jsonl");
    Path l2 = tmp.resolve("zst.listing.jsonl");
    download(gz.details().listingKey(), l1);
    download(zst.details().listingKey(), l2);
    assertEquals(Files.readString(l1), Files.readString(l2));
    assertEquals(gz.details().fileCount(), zst.details().fileCount());
    assertEquals(gz.details().totalBytes(), zst.details().totalBytes());

    Path out = Files.createDirectory(tmp.resolve("restored"));
    run(out, "sh", "-c", "zstd -dc \"$1\" | tar -x", "sh", archive.toString());
    assertEquals(TreeSnapshot.of(src), TreeSnapshot.of(out));
  }

  @Test
  void anUnknownCompressionIsBadInput() {
    Path src = tmp.resolve("uploads-x");
    io.temporal.failure.ActivityFailure f = org.junit.jupiter.api.Assertions.assertThrows(
        io.temporal.failure.ActivityFailure.class, () -> activities.archiveToStorage(
            new ArchiveFilesInput(BACKUP_ID, new FilesTarget(src.toString(), "lz4"),
                storage(BUCKET, "prod/x"))));
    assertTrue(f.getCause().getMessage().contains("files.compression 'lz4'"),
        f.getCause().getMessage());
  }

  @Test
  void aMissingBucketIsBucketMissingAndWritesNothing() throws Exception {
    Path src = buildTree(Files.createDirectory(tmp.resolve("uploads")));
    ActivityFailure f = assertThrows(ActivityFailure.class, () -> activities.archiveToStorage(
        new ArchiveFilesInput(BACKUP_ID, new FilesTarget(src.toString()),
            storage("no-such-bucket", "x"))));
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(DrError.BUCKET_MISSING.name(), af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains("no-such-bucket"), af.getOriginalMessage());
    assertTrue(s3.client().listBuckets().buckets().stream()
        .noneMatch(b -> b.name().equals("no-such-bucket")));
  }

  @Test
  void aFileChangingWhileItIsArchivedFailsTheAttemptRetryablyAndLeavesNoObject()
      throws Exception {
    Path src = Files.createDirectory(tmp.resolve("uploads"));
    Path hot = src.resolve("hot.log");
    Files.write(hot, new byte[8 * 1024 * 1024]);
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        while (!stop.get()) {
          Files.write(hot, new byte[1], StandardOpenOption.APPEND); // as fast as it can
        }
      } catch (IOException e) {
        // test ends
      }
    });
    writer.start();
    while (Files.size(hot) < 8 * 1024 * 1024 + 100) { // the writer is really writing
      Thread.sleep(1);
    }
    StorageTarget storage = storage(BUCKET, "hot");
    try {
      ActivityFailure f = assertThrows(ActivityFailure.class, () -> activities.archiveToStorage(
          new ArchiveFilesInput(BACKUP_ID, new FilesTarget(src.toString()), storage)));
      ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
      assertEquals(DrError.ARCHIVE_FAILED.name(), af.getType());
      assertTrue(!af.isNonRetryable());
      assertTrue(af.getOriginalMessage().contains("hot.log"), af.getOriginalMessage());
    } finally {
      stop.set(true);
      writer.join();
    }
    List<S3Object> left =
        s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("hot/")).contents();
    assertEquals(List.of(), left);
    // the multipart upload was aborted, not left for the retention sweep
    assertEquals(List.of(), s3.client()
        .listMultipartUploads(b -> b.bucket(BUCKET).prefix("hot/")).uploads());
  }

  private String download(String key, Path to) throws IOException {
    MessageDigest d = Sha256.newDigest();
    try (InputStream in = new DigestInputStream(
        s3.client().getObject(b -> b.bucket(BUCKET).key(key)), d)) {
      Files.copy(in, to);
    }
    return Sha256.hex(d);
  }

  private static Path buildTree(Path root) throws IOException {
    Random rnd = new Random(7);
    Files.createDirectories(root.resolve("avatars/2026/11"));
    Files.createDirectories(root.resolve("empty"));
    byte[] big = new byte[2 * 1024 * 1024 + 17];
    rnd.nextBytes(big);
    Files.write(root.resolve("avatars/2026/11/big.bin"), big);
    Files.write(root.resolve("avatars/zero.bin"), new byte[0]);
    Files.writeString(root.resolve("Übersicht – 概要.txt"), "unicode name\n");
    Path deep = root.resolve("d".repeat(90) + "/" + "e".repeat(90) + "/file.txt");
    Files.createDirectories(deep.getParent());
    Files.writeString(deep, "deep\n");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append("row ").append(i).append('\n');
    }
    Files.writeString(root.resolve("avatars/log.txt"), text);
    Files.writeString(root.resolve("private.key"), "k");
    Files.setPosixFilePermissions(root.resolve("private.key"),
        PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(root.resolve("latest"), Path.of("avatars/2026/11/big.bin"));
    return root;
  }

  private static void run(Path cwd, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
  }
}
