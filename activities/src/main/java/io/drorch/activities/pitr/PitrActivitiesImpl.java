package io.drorch.activities.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.activities.common.Json;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.Sha256;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.PgBackRestBackupInput;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BaseBackupDetails;
import io.drorch.workflows.contracts.values.BaseBackupResult;
import io.drorch.workflows.pitr.PitrActivities;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** pgBackRest on the database host: base backups and the archive's state. */
public class PitrActivitiesImpl implements PitrActivities {
  private final S3Clients s3;

  public PitrActivitiesImpl(S3Clients s3) {
    this.s3 = s3;
  }

  @Override
  public BaseBackupResult baseBackup(PgBackRestBackupInput in) {
    BackupStore store = s3.store(in.storage());
    String key = BackupKeys.dataKey(in.storage(), BackupKind.BASE, in.backupId(),
        BackupKeys.BASE_RECORD_SUFFIX, 1);
    Optional<byte[]> done = store.readSmall(key);
    if (done.isPresent()) {
      return result(key, done.get());
    }
    PgBackRest pgbr = new PgBackRest(in.database(), in.storage());
    Set<String> before = new HashSet<>();
    JsonNode info = pgbr.info();
    if (info == null || info.path("status").path("code").asInt(-1) == 1) {
      throw DrError.BAD_INPUT.failure("pgBackRest has no stanza " + pgbr.stanza() + " in "
          + pgbr.repoUrl() + ": run `dr pitr setup` on the database host first");
    }
    info.path("backup").forEach(b -> before.add(b.path("label").asText()));
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    PgBackRest.Result r = pgbr.run(() -> "pgbackrest backup --type=" + in.type() + ": "
        + (System.nanoTime() - t0) / 1_000_000_000L + " s", "--type=" + in.type(), "backup");
    if (!r.ok()) {
      throw DrError.DUMP_FAILED.failure("pgbackrest backup --type=" + in.type() + " failed (exit "
          + r.exitCode() + "): " + r.tail());
    }
    JsonNode after = pgbr.info();
    JsonNode newest = null;
    for (JsonNode b : after.path("backup")) {
      if (!before.contains(b.path("label").asText())) {
        newest = b;
      }
    }
    if (newest == null) {
      throw DrError.DUMP_FAILED.failure("pgbackrest backup finished but pgbackrest info lists no"
          + " new backup of stanza " + pgbr.stanza() + ": " + r.tail());
    }
    BaseBackupDetails details = details(pgbr, newest);
    BaseBackupResult result = new BaseBackupResult(key, 0, null, started, Instant.now(), details);
    byte[] body = Json.bytes(result);
    if (!store.putIfAbsent(key, body, "application/json")) {
      return result(key, store.readSmall(key).orElse(body));
    }
    return result(key, body);
  }

  static BaseBackupDetails details(PgBackRest pgbr, JsonNode b) {
    String reference = b.path("prior").isNull() || b.path("prior").isMissingNode() ? null
        : b.path("prior").asText();
    return new BaseBackupDetails(pgbr.stanza(), b.path("label").asText(),
        b.path("type").asText(), "full".equals(b.path("type").asText()) ? null : reference,
        b.path("archive").path("start").asText(null), b.path("archive").path("stop").asText(null),
        Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()),
        Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()),
        b.path("info").path("size").asLong(), b.path("info").path("repository").path("delta")
            .asLong(), pgbr.repoUrl());
  }

  /** The stored record with its own size and SHA-256 (what the manifest states). */
  private static BaseBackupResult result(String key, byte[] body) {
    try {
      BaseBackupResult stored = Json.read(body, BaseBackupResult.class);
      return new BaseBackupResult(key, body.length, Sha256.hex(body), stored.startedAt(),
          stored.finishedAt(), stored.details());
    } catch (IOException e) {
      throw DrError.MANIFEST_CONFLICT.failure("the base backup record " + key + " is not"
          + " readable: " + e.getMessage());
    }
  }
}
