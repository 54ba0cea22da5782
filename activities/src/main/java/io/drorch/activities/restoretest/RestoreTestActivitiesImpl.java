package io.drorch.activities.restoretest;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.files.SafeExtractor;
import io.drorch.activities.files.ScratchDirectory;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.postgres.ScratchDatabase;
import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.CleanupScratchInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.CleanupScratchResult;
import io.drorch.workflows.contracts.values.FilesCompared;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.TableRows;
import io.drorch.workflows.restoretest.RestoreTestActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore tests on the recovery's own restore code ({@link ScratchDatabase}, {@link
 * ScratchDirectory}); see {@link RestoreTestActivities} for the contract. A failure whose type says
 * the BACKUP is bad becomes a FAILED_RESTORE verdict; every other failure is thrown.
 */
public class RestoreTestActivitiesImpl implements RestoreTestActivities {
  private static final Logger log = LoggerFactory.getLogger(RestoreTestActivitiesImpl.class);
  /** Failure types that are a fact about the backup, not about the machinery. */
  static final Set<String> BACKUP_FAULTS = Set.of(DrError.CHECKSUM_MISMATCH.name(),
      DrError.BACKUP_NOT_FOUND.name(), DrError.UNSAFE_ARCHIVE.name());
  static final int MAX_PROBLEMS = 10;
  private static final Pattern TEST_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

  private final ScratchDatabase databases;
  private final ScratchDirectory directories;

  public RestoreTestActivitiesImpl(DatabaseCredentials credentials, S3Clients s3) {
    this.databases = new ScratchDatabase(credentials, s3);
    this.directories = new ScratchDirectory(s3);
  }

  @Override
  public RestoreVerdict testDatabaseRestore(RestoreTestInput in) {
    BackupManifest m = check(in, BackupKind.DATABASE);
    if (in.liveDatabase() == null || m.database() == null || m.database().rowCounts() == null) {
      throw DrError.BAD_INPUT.failure("testDatabaseRestore needs the plan's database and a"
          + " database backup whose manifest holds row counts (" + m.backupId() + ")");
    }
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    List<TableRows> tables;
    try {
      tables = databases.restoreAndCount(in);
    } catch (ApplicationFailure f) {
      if (BACKUP_FAULTS.contains(f.getType())) {
        return failedBeforeComparing(in, started, t0, f);
      }
      throw f;
    }
    List<String> problems = new ArrayList<>();
    for (TableRows t : tables) {
      if (t.matches()) {
        continue;
      }
      problems.add(t.manifest() == null ? t.table() + ": " + t.restored()
          + " rows restored, but the manifest does not name the table"
          : t.restored() == null ? t.table() + ": missing from the restored copy (manifest: "
              + t.manifest() + " rows)"
          : t.table() + ": " + t.manifest() + " rows in the manifest, " + t.restored()
              + " restored");
    }
    long rows = tables.stream().mapToLong(t -> t.restored() == null ? 0 : t.restored()).sum();
    String compared = "exact row counts of " + tables.size() + " tables (" + rows
        + " rows restored) against the manifest";
    String reason = problems.isEmpty() ? null : problems.size() + " of " + tables.size()
        + " tables differ from the manifest: " + String.join("; ", first(problems));
    return verdict(in, started, t0, problems.isEmpty(), reason, compared, tables, null, problems);
  }

  @Override
  public RestoreVerdict testFilesRestore(RestoreTestInput in) {
    BackupManifest m = check(in, BackupKind.FILES);
    if (in.liveFiles() == null || m.files() == null) {
      throw DrError.BAD_INPUT.failure("testFilesRestore needs the plan's uploads directory and a"
          + " file backup (" + m.backupId() + ")");
    }
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    RestoreFilesResult r;
    try {
      r = directories.restoreAndVerify(in);
    } catch (ApplicationFailure f) {
      if (BACKUP_FAULTS.contains(f.getType())) {
        return failedBeforeComparing(in, started, t0, f);
      }
      throw f;
    }
    String compared = "every entry of the listing (" + r.verifiedEntries() + " entries, "
        + r.files() + " files, " + r.bytes() + " bytes) against the extracted tree: size,"
        + " SHA-256, mode, link targets, nothing extra";
    return verdict(in, started, t0, true, null, compared, List.of(),
        new FilesCompared(r.verifiedEntries(), r.files(), r.bytes(), 0), List.of());
  }

  @Override
  public CleanupScratchResult cleanupScratch(CleanupScratchInput in) {
    if (in == null || in.kind() == null || in.scratch() == null || in.testId() == null
        || !TEST_ID.matcher(in.testId()).matches()) {
      throw DrError.BAD_INPUT.failure("cleanupScratch needs the kind, the scratch target and a"
          + " test id of letters, digits, . _ - (got " + (in == null ? null : in.testId()) + ")");
    }
    boolean removed = in.kind() == BackupKind.DATABASE
        ? databases.drop(require(in.liveDatabase(), "the plan's database"), in.scratch())
        : directories.remove(require(in.liveFiles(), "the plan's uploads directory"),
            in.scratch());
    if (in.workDir() != null && !in.workDir().isBlank()) {
      Path downloads = Path.of(in.workDir()).resolve(in.testId());
      try {
        SafeExtractor.deleteTree(downloads);
      } catch (IOException e) {
        log.warn("could not delete the downloads {}: {}", downloads, e.toString());
      }
    }
    return new CleanupScratchResult(in.scratch(), removed);
  }

  private static <T> T require(T value, String what) {
    if (value == null) {
      throw DrError.BAD_INPUT.failure("cleanupScratch needs " + what);
    }
    return value;
  }

  private static BackupManifest check(RestoreTestInput in, BackupKind kind) {
    if (in == null || in.backup() == null || in.storage() == null || in.workDir() == null
        || in.scratch() == null) {
      throw DrError.BAD_INPUT.failure("a restore test needs the backup's manifest, the storage"
          + " section, the scratch target and the work directory");
    }
    if (in.testId() == null || !TEST_ID.matcher(in.testId()).matches()) {
      throw DrError.BAD_INPUT.failure("test id '" + in.testId() + "' must be letters, digits,"
          + " '.', '_' or '-' (it names the downloads' directory)");
    }
    if (in.backup().kind() != kind) {
      throw DrError.BAD_INPUT.failure("backup " + in.backup().backupId() + " is a "
          + in.backup().kind() + " backup, not " + kind);
    }
    return in.backup();
  }

  private RestoreVerdict failedBeforeComparing(RestoreTestInput in, Instant started, long t0,
      ApplicationFailure f) {
    String reason = f.getType() + ": " + f.getOriginalMessage();
    log.warn("restore test {} of {}: FAILED_RESTORE: {}", in.testId(), in.backup().backupId(),
        reason);
    return verdict(in, started, t0, false, reason, "nothing: the backup could not be restored",
        List.of(), null, List.of(reason));
  }

  private RestoreVerdict verdict(RestoreTestInput in, Instant started, long t0, boolean ok,
      String reason, String compared, List<TableRows> tables, FilesCompared files,
      List<String> problems) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    RestoreVerdict v = new RestoreVerdict(RestoreVerdict.FORMAT_VERSION, in.backup().backupId(),
        in.backup().kind(),
        ok ? RestoreTestOutcome.VERIFIED_BY_RESTORE : RestoreTestOutcome.FAILED_RESTORE, reason,
        started, started.plusMillis(ms), ms, workflowId(), in.scratch(), compared,
        List.copyOf(tables), files, List.copyOf(first(problems)));
    log.info("restore test {} of {} into {}: {} in {} ms ({})", in.testId(),
        in.backup().backupId(), in.scratch(), v.outcome(), ms, compared);
    return v;
  }

  private static List<String> first(List<String> problems) {
    return problems.size() <= MAX_PROBLEMS ? problems : problems.subList(0, MAX_PROBLEMS);
  }

  private static String workflowId() {
    return Heartbeats.context().map(c -> c.getInfo().getWorkflowId()).orElse(null);
  }
}
