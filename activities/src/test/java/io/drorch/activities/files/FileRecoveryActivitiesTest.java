package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.TreeSnapshot;
import io.drorch.activities.storage.Sha256;
import io.drorch.local.SampleApplication;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.drorch.workflows.files.FileActivities;
import io.drorch.workflows.files.FileRecoveryActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The file recovery activities against an S3 protocol server, run by Temporal's activity harness:
 * back up with the real archive activity, restore into staging, swap.
 */
class FileRecoveryActivitiesTest extends ActivityTestBase {
  private static final String BUCKET = "act-file-restore";
  private static final String INCIDENT = "INC-7";

  @TempDir Path tmp;
  private FileActivities backup;
  private FileRecoveryActivities recovery;
  private static final AtomicInteger BACKUPS = new AtomicInteger();

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  @BeforeEach
  void setUp() {
    env.registerActivitiesImplementations(
        new FileActivitiesImpl(clients), new FileRecoveryActivitiesImpl(clients));
    backup = stub(FileActivities.class, Duration.ofMinutes(2));
    recovery = stub(FileRecoveryActivities.class, Duration.ofMinutes(2));
  }

  @Test
  void restoresTheBackupIntoStagingExactlyThenSwapsItInKeepingTheDamagedTree() throws Exception {
    Path uploads = sampleUploads();
    Map<String, String> original = TreeSnapshot.of(uploads);
    BackupManifest m = backUp(uploads);
    // the incident: files lost and overwritten after the backup
    Files.delete(uploads.resolve("users/empty.txt"));
    Files.writeString(uploads.resolve("users/u0/ransom.txt"), "pay up");
    Map<String, String> damaged = TreeSnapshot.of(uploads);

    Path staging = staging(uploads);
    long t0 = System.nanoTime();
    RestoreFilesResult r = recovery.restoreToStaging(restoreInput(uploads, m));
    long restoreMs = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(staging.toString(), r.stagingDir());
    assertEquals(m.backupId(), r.backupId());
    assertEquals(m.files().fileCount(), r.files());
    assertEquals(m.files().totalBytes(), r.bytes());
    assertEquals(original.size(), r.verifiedEntries());
    assertEquals(original, TreeSnapshot.of(staging));
    assertEquals(damaged, TreeSnapshot.of(uploads), "restoreToStaging touched the live directory");
    assertEquals(SwapMarker.text(INCIDENT, m.backupId(), m.files().listingSha256()), r.marker());
    assertEquals(r.marker(), Files.readString(staging.resolve(SwapMarker.NAME)));
    // the fingerprint the verifier computed is the one recomputed from disk, and the damaged
    // live tree has another
    assertEquals(64, r.fingerprint().length());
    assertEquals(TreeFingerprint.of(staging), r.fingerprint());
    assertFalse(r.fingerprint().equals(TreeFingerprint.of(uploads)));
    // downloads are removed after a verified restore
    try (Stream<Path> s = Files.list(workDir().resolve(INCIDENT))) {
      assertEquals(0, s.count());
    }

    Path keepAs = uploads.resolveSibling("uploads.before-" + INCIDENT);
    SwapDirectoryInput swap =
        new SwapDirectoryInput(uploads.toString(), staging.toString(), keepAs.toString());
    long t1 = System.nanoTime();
    SwapDirectoryResult s = recovery.swapDirectory(swap);
    long swapMs = (System.nanoTime() - t1) / 1_000_000;
    assertEquals(new SwapDirectoryResult(uploads.toString(), keepAs.toString()), s);
    assertEquals(original, TreeSnapshot.of(uploads));
    assertEquals(damaged, TreeSnapshot.of(keepAs));
    assertFalse(Files.exists(staging));
    assertEquals(r.marker(), Files.readString(uploads.resolve(SwapMarker.NAME)), "carried along");

    // a retry (e.g. the result was lost) confirms instead of failing or moving anything
    assertEquals(s, recovery.swapDirectory(swap));
    assertEquals(original, TreeSnapshot.of(uploads));
    assertEquals(damaged, TreeSnapshot.of(keepAs));
    System.out.printf("restore of %d files / %d bytes (%d bytes gzip): %d ms, swap: %d ms%n",
        r.files(), r.bytes(), m.sizeBytes(), restoreMs, swapMs);
  }

  /**
   * A zombie: attempt 1 still runs in another process (holds its lock file, writes into its
   * staging) after its heartbeat timed out. Attempt 2 extracts into its own staging and leaves the zombie's alone; a
   * colliding attempt on the zombie's staging and a swap while another holds the target's lock
   * give way (TARGET_BUSY). Once the zombie's lock is released, the next attempt deletes it.
   */
  @Test
  void aLaterAttemptNeverDeletesWhatAStillRunningEarlierAttemptOwns() throws Exception {
    Path uploads = sampleUploads();
    Map<String, String> original = TreeSnapshot.of(uploads);
    BackupManifest m = backUp(uploads);
    FileRecoveryActivitiesImpl impl = new FileRecoveryActivitiesImpl(clients);
    Path zombieStaging = staging(uploads);
    Files.createDirectories(zombieStaging);
    Files.writeString(zombieStaging.resolve("half-extracted.txt"), "zombie at work");
    Path zombieLock = zombieStaging.resolveSibling(zombieStaging.getFileName() + ".lock");
    Path swapLock = uploads.resolveSibling(uploads.getFileName() + ".swap.lock");
    try (LockHolder zombie = LockHolder.hold(zombieLock)) {
      RestoreFilesResult second = impl.restoreAttempt(restoreInput(uploads, m), 2);
      Path secondStaging = Path.of(second.stagingDir());
      assertEquals(uploads.getFileName() + ".restore-" + INCIDENT + ".a2",
          secondStaging.getFileName().toString());
      assertEquals(original, TreeSnapshot.of(secondStaging));
      assertEquals("zombie at work",
          Files.readString(zombieStaging.resolve("half-extracted.txt")), "zombie disturbed");

      ApplicationFailure busy = direct(() -> impl.restoreAttempt(restoreInput(uploads, m), 1));
      assertEquals("TARGET_BUSY", busy.getType());
      assertTrue(Files.exists(zombieStaging.resolve("half-extracted.txt")));

      try (LockHolder swapping = LockHolder.hold(swapLock)) {
        Map<String, String> live = TreeSnapshot.of(uploads);
        ApplicationFailure swapBusy = direct(() -> impl.swapDirectory(new SwapDirectoryInput(
            uploads.toString(), secondStaging.toString(), uploads + ".pre-zr")));
        assertEquals("TARGET_BUSY", swapBusy.getType());
        assertEquals(live, TreeSnapshot.of(uploads), "swapped anyway");
      }
    } // kill -9 of the zombie's process: its lock goes with it

    RestoreFilesResult third = impl.restoreAttempt(restoreInput(uploads, m), 3);
    assertFalse(Files.exists(zombieStaging), "what the dead attempt left is deleted");
    assertEquals(original, TreeSnapshot.of(Path.of(third.stagingDir())));
  }

  /** A backup larger than the free space is refused before anything is written. */
  @Test
  void notEnoughSpaceIsRefusedBeforeExtracting() throws Exception {
    Path uploads = sampleUploads();
    BackupManifest m = backUp(uploads);
    FileBackupDetails f = m.files();
    BackupManifest huge = withFiles(m, new FileBackupDetails(f.sourceDir(), f.listingKey(),
        f.listingSha256(), f.fileCount(), Long.MAX_VALUE / 4));
    ApplicationFailure af = failure(() -> recovery.restoreToStaging(restoreInput(uploads, huge)));
    assertEquals("INSUFFICIENT_SPACE", af.getType());
    assertTrue(af.getOriginalMessage().contains("Not enough free space to extract"),
        af.getOriginalMessage());
    assertTrue(af.getOriginalMessage().contains("recovery.work-dir"), af.getOriginalMessage());
    assertFalse(Files.exists(staging(uploads).resolve("users")), "extracted anyway");

    // and before a download bigger than the work directory's free space
    BackupManifest big = new BackupManifest(m.formatVersion(), m.backupId(), m.kind(),
        m.application(), m.dataKey(), m.format(), Long.MAX_VALUE / 4, m.sha256(), m.startedAt(),
        m.finishedAt(), m.workflowId(), m.database(), m.files());
    ApplicationFailure dl = failure(() -> recovery.restoreToStaging(restoreInput(uploads, big)));
    assertEquals("INSUFFICIENT_SPACE", dl.getType());
    assertTrue(dl.getOriginalMessage().contains("to download " + m.dataKey()),
        dl.getOriginalMessage());
    try (Stream<Path> left = Files.list(workDir().resolve(INCIDENT))) {
      assertEquals(java.util.List.of(), left.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(m.backupId() + ".") && n.endsWith(".part")).toList(),
          "nothing downloaded");
    }
  }

  @Test
  void restoresAZstdBackupIntoStagingExactly() throws Exception {
    Path uploads = sampleUploads();
    Map<String, String> original = TreeSnapshot.of(uploads);
    BackupManifest m = backUp(uploads, "zstd");
    assertEquals("tar+zstd", m.format());
    assertTrue(m.dataKey().endsWith(".tar.zst"), m.dataKey());
    Files.writeString(uploads.resolve("users/u0/ransom.txt"), "pay up");

    RestoreFilesResult r = recovery.restoreToStaging(restoreInput(uploads, m));
    assertEquals(m.files().fileCount(), r.files());
    assertEquals(original.size(), r.verifiedEntries());
    assertEquals(original, TreeSnapshot.of(staging(uploads)));
  }

  @Test
  void aCorruptZstdArchiveIsChecksumMismatchAndLeavesNoStaging() throws Exception {
    Path uploads = sampleUploads();
    BackupManifest m = backUp(uploads, "zstd");
    // a file that matches its manifest but is not zstd: stored broken at backup time
    byte[] junk = "not zstd at all".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String key = m.dataKey() + ".broken";
    s3.client().putObject(b -> b.bucket(BUCKET).key(key),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(junk));
    BackupManifest broken = new BackupManifest(m.formatVersion(), m.backupId(), m.kind(),
        m.application(), key, m.format(), junk.length,
        io.drorch.activities.storage.Sha256.hex(junk), m.startedAt(), m.finishedAt(), m.workflowId(), m.database(), m.files());
    ApplicationFailure f = failure(() -> recovery.restoreToStaging(restoreInput(uploads, broken)));
    assertEquals("CHECKSUM_MISMATCH", f.getType());
    assertFalse(Files.exists(staging(uploads)));
  }

  @Test
  void swapsIntoADeletedTargetAndARetryOfARestoreReplacesItsPartialStaging() throws Exception {
    Path uploads = sampleUploads();
    Map<String, String> original = TreeSnapshot.of(uploads);
    BackupManifest m = backUp(uploads);
    deleteTree(uploads); // the disaster took the whole directory
    Path staging = staging(uploads);
    Files.createDirectories(staging.resolve("half/written"));
    Files.writeString(staging.resolve("half/written/junk"), "from a crashed attempt");

    recovery.restoreToStaging(restoreInput(uploads, m));
    assertEquals(original, TreeSnapshot.of(staging));

    Path keepAs = uploads.resolveSibling("uploads.before-" + INCIDENT);
    SwapDirectoryInput swap =
        new SwapDirectoryInput(uploads.toString(), staging.toString(), keepAs.toString());
    SwapDirectoryResult s = recovery.swapDirectory(swap);
    assertEquals(uploads.toString(), s.liveDir());
    assertNull(s.previousKeptAs());
    assertEquals(original, TreeSnapshot.of(uploads));
    assertFalse(Files.exists(keepAs));
    assertEquals(s, recovery.swapDirectory(swap));
    assertEquals(original, TreeSnapshot.of(uploads));
  }

  @Test
  void aTakenKeepAsNameIsASwapConflictAndChangesNothing() throws Exception {
    Path uploads = sampleUploads();
    BackupManifest m = backUp(uploads);
    Path staging = staging(uploads);
    recovery.restoreToStaging(restoreInput(uploads, m));
    Path keepAs = Files.createDirectory(uploads.resolveSibling("uploads.kept"));
    Map<String, String> live = TreeSnapshot.of(uploads);

    ApplicationFailure af = failure(() -> recovery.swapDirectory(
        new SwapDirectoryInput(uploads.toString(), staging.toString(), keepAs.toString())));
    assertEquals(DrError.SWAP_CONFLICT.name(), af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains(keepAs.toString()), af.getOriginalMessage());
    assertEquals(live, TreeSnapshot.of(uploads));
    assertTrue(Files.isDirectory(staging));
  }

  @Test
  void aFlippedByteInTheArchiveIsChecksumMismatchAndLeavesNoStaging() throws Exception {
    Path uploads = sampleUploads();
    BackupManifest m = backUp(uploads);
    byte[] stored = s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(m.dataKey()))
        .asByteArray();
    stored[stored.length / 2] ^= 0x01;
    s3.client().putObject(b -> b.bucket(BUCKET).key(m.dataKey()), RequestBody.fromBytes(stored));

    ApplicationFailure af = failure(() -> recovery.restoreToStaging(restoreInput(uploads, m)));
    assertEquals(DrError.CHECKSUM_MISMATCH.name(), af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains(m.dataKey()), af.getOriginalMessage());
    assertFalse(Files.exists(staging(uploads)));
  }

  @Test
  void aTreeThatDoesNotMatchItsListingIsChecksumMismatchNamingTheFiles() throws Exception {
    Path uploads = sampleUploads();
    BackupManifest good = backUp(uploads);
    // a listing that disagrees with the archive about one file, stored with a matching manifest
    String listing = new String(s3.client().getObjectAsBytes(
        b -> b.bucket(BUCKET).key(good.files().listingKey())).asByteArray(),
        StandardCharsets.UTF_8);
    String wrong = listing.replace("\"path\":\"users/empty.txt\",\"type\":\"file\",\"size\":0",
        "\"path\":\"users/empty.txt\",\"type\":\"file\",\"size\":1");
    assertFalse(wrong.equals(listing));
    String key = "tampered/files/" + good.backupId() + ".listing.jsonl";
    byte[] bytes = wrong.getBytes(StandardCharsets.UTF_8);
    s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    BackupManifest m = withFiles(good, new FileBackupDetails(good.files().sourceDir(), key,
        Sha256.hex(bytes), good.files().fileCount(), good.files().totalBytes()));

    ApplicationFailure af = failure(() -> recovery.restoreToStaging(restoreInput(uploads, m)));
    assertEquals(DrError.CHECKSUM_MISMATCH.name(), af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains("users/empty.txt: 0 bytes, the listing says 1"),
        af.getOriginalMessage());
    assertFalse(Files.exists(staging(uploads)));
  }

  @Test
  void anUnsafeArchiveIsRefusedAndWritesNothingOutsideStaging() throws Exception {
    Path uploads = Files.createDirectories(tmp.resolve("srv/app/uploads"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Map<String, String> before = withoutDirTimes(TreeSnapshot.of(tmp));
    // a harmless file, then a link to a directory outside, then a file "inside" that link
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      TarArchiveEntry ok = new TarArchiveEntry("ok.txt");
      ok.setSize(2);
      tar.putArchiveEntry(ok);
      tar.write("ok".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry("d", TarConstants.LF_SYMLINK);
      link.setLinkName(outside.toString());
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      TarArchiveEntry evil = new TarArchiveEntry("d/planted.sh");
      evil.setSize(4);
      tar.putArchiveEntry(evil);
      tar.write("boom".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(tarBytes.toByteArray());
    }
    byte[] archive = gz.toByteArray();
    byte[] listing = String.join("\n",
        ListingEntry.file("ok.txt", 2, Sha256.hex("ok".getBytes(StandardCharsets.UTF_8)), 0644)
            .toJson(),
        ListingEntry.symlink("d", outside.toString()).toJson(), "")
        .getBytes(StandardCharsets.UTF_8);
    String id = "files-20261126T023000Z-bad000";
    String dataKey = "evil/files/" + id + ".tar.gz";
    String listingKey = "evil/files/" + id + ".listing.jsonl";
    s3.client().putObject(b -> b.bucket(BUCKET).key(dataKey), RequestBody.fromBytes(archive));
    s3.client().putObject(b -> b.bucket(BUCKET).key(listingKey), RequestBody.fromBytes(listing));
    BackupManifest m = new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupKind.FILES,
        "app", dataKey, FileActivitiesImpl.FORMAT, archive.length, Sha256.hex(archive),
        Instant.now(), Instant.now(), "backup-files-x", null,
        new FileBackupDetails(uploads.toString(), listingKey, Sha256.hex(listing), 1, 2));

    ApplicationFailure af = failure(() -> recovery.restoreToStaging(restoreInput(uploads, m)));
    assertEquals(DrError.UNSAFE_ARCHIVE.name(), af.getType());
    assertTrue(af.isNonRetryable());
    assertTrue(af.getOriginalMessage().contains("entry 'd'"), af.getOriginalMessage());
    assertFalse(Files.exists(staging(uploads), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(outside.resolve("planted.sh")));
    Map<String, String> after = withoutDirTimes(TreeSnapshot.of(tmp));
    after.keySet().removeIf(k -> k.startsWith("work")); // the kept download, for inspection
    assertEquals(before, after);
  }

  // ------------------------------------------------------------------ helpers

  private Path sampleUploads() throws IOException {
    Path uploads = tmp.resolve("srv/app/uploads");
    SampleApplication.createUploads(uploads, Integer.getInteger("restore.files", 60));
    Files.setPosixFilePermissions(uploads.resolve("users/u0"),
        PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(uploads.resolve("users/empty.txt"),
        PosixFilePermissions.fromString("rw-------"));
    return uploads;
  }

  private BackupManifest backUp(Path uploads) {
    return backUp(uploads, null);
  }

  private BackupManifest backUp(Path uploads, String compression) {
    String id = String.format("files-20261126T0230%02dZ-a1b2c3", BACKUPS.incrementAndGet());
    StorageTarget storage = storage();
    ArchiveFilesResult r = backup.archiveToStorage(
        new ArchiveFilesInput(id, new FilesTarget(uploads.toString(), compression), storage));
    return new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupKind.FILES, "app",
        r.dataKey(), r.format(), r.sizeBytes(), r.sha256(), r.startedAt(), r.finishedAt(),
        "backup-files-" + id, null, r.details());
  }

  private static BackupManifest withFiles(BackupManifest m, FileBackupDetails files) {
    return new BackupManifest(m.formatVersion(), m.backupId(), m.kind(), m.application(),
        m.dataKey(), m.format(), m.sizeBytes(), m.sha256(), m.startedAt(), m.finishedAt(),
        m.workflowId(), m.database(), files);
  }

  private RestoreFilesInput restoreInput(Path uploads, BackupManifest m) {
    return new RestoreFilesInput(INCIDENT, new FilesTarget(uploads.toString()),
        uploads.resolveSibling(uploads.getFileName() + ".restore-" + INCIDENT).toString(),
        storage(), m, workDir().toString());
  }

  /** Where attempt 1 extracts. */
  private static Path staging(Path uploads) {
    return uploads.resolveSibling(uploads.getFileName() + ".restore-" + INCIDENT + ".a1");
  }

  private Path workDir() {
    return tmp.resolve("work");
  }

  private StorageTarget storage() {
    return storage(BUCKET, "prod/app");
  }

  /** The failure of an activity called directly (not through a stub). */
  private static ApplicationFailure direct(Runnable call) {
    return org.junit.jupiter.api.Assertions.assertThrows(ApplicationFailure.class, call::run);
  }

  private static ApplicationFailure failure(Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, f.getCause());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Directory mtimes change when staging is created and removed beside them. */
  private static Map<String, String> withoutDirTimes(Map<String, String> snapshot) {
    snapshot.replaceAll((k, v) -> v.startsWith("dir ") ? v.substring(0, v.lastIndexOf(' ')) : v);
    return snapshot;
  }
}
