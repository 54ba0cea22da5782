package io.drorch.activities.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalPitr;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.PitrCheck;
import io.drorch.workflows.contracts.values.PitrStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * {@code dr pitr setup|status} against a real PostgreSQL 15, real pgBackRest and the local S3
 * server over HTTPS (certificate verified): a fresh cluster gets the exact statements to run; those
 * statements, run as printed, make setup pass, with the stanza in the bucket under
 * PREFIX/pgbackrest.
 */
class PitrSetupTest {
  @TempDir static Path dir;
  static LocalPitr stack;
  static DatabaseTarget db;
  static StorageTarget storage;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalPitr.start(dir, "setuptest", "pitr-setup");
    db = stack.database("postgres");
    storage = stack.storage("acme/prod");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aFreshClusterIsToldExactlyWhatToChangeAndTheChangesMakeSetupPass() throws Exception {
    AwsBasicCredentials keys = AwsBasicCredentials.create(stack.s3().accessKey(),
        stack.s3().secretKey());
    PitrStatus first = PitrSetup.setup(db, storage, keys, Optional.of(stack.postgres().password()));
    Map<String, PitrCheck> checks = byName(first);
    assertFalse(first.ok(), first.toString());
    assertFalse(checks.get("archive_mode").ok());
    assertEquals("off", checks.get("archive_mode").found());
    assertTrue(checks.get("archive_mode").fix().startsWith("ALTER SYSTEM SET archive_mode = 'on';"));
    assertFalse(checks.get("archive_command").ok());
    String command = "pgbackrest --config=" + stack.configFile() + " --stanza=setuptest"
        + " archive-push %p";
    assertEquals("ALTER SYSTEM SET archive_command = '" + command + "'; SELECT pg_reload_conf();",
        checks.get("archive_command").fix());
    assertFalse(checks.get("archive_timeout").ok());
    assertTrue(checks.get("archive_timeout").fix().startsWith(
        "ALTER SYSTEM SET archive_timeout = '60s'; SELECT pg_reload_conf();"));
    assertTrue(checks.get("wal_level").ok());
    assertTrue(checks.get("data_directory").ok(), checks.get("data_directory").toString());
    assertTrue(checks.get("stanza").ok(), checks.get("stanza").toString());
    assertFalse(checks.get("pgbackrest check").ok());
    // the config file holds the keys: only its owner reads it
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stack.configFile())));

    // run the printed statements as they are (up to the restart advice), then restart
    List<String> statements = new ArrayList<>();
    for (PitrCheck c : first.checks()) {
      if (!c.ok() && c.fix().startsWith("ALTER SYSTEM")) {
        for (String part : c.fix().split(";")) {
          String s = part.strip();
          if (s.startsWith("ALTER SYSTEM") || s.startsWith("SELECT pg_reload_conf()")) {
            statements.add(s);
          }
        }
      }
    }
    stack.sql(statements);
    stack.postgres().restart();

    PitrStatus second = PitrSetup.setup(db, storage, keys, Optional.of(stack.postgres().password()));
    assertTrue(second.ok(), second.checks().toString());
    assertTrue(second.archiveMax() != null, "check archived a WAL segment: " + second);
    PitrStatus status = PitrSetup.status(db, storage, Optional.of(stack.postgres().password()));
    assertTrue(status.ok(), status.checks().toString());
    assertEquals("s3://pitr-setup/acme/prod/pgbackrest", status.repository());
    // the repository lives in the plan's bucket under PREFIX/pgbackrest
    var keysInBucket = stack.s3().client().listObjectsV2(b -> b.bucket("pitr-setup")).contents()
        .stream().map(o -> o.key()).toList();
    assertTrue(keysInBucket.contains("acme/prod/pgbackrest/backup/setuptest/backup.info"),
        keysInBucket.toString());
    assertTrue(keysInBucket.stream().anyMatch(k ->
        k.startsWith("acme/prod/pgbackrest/archive/setuptest/15-1/")), keysInBucket.toString());
  }

  static Map<String, PitrCheck> byName(PitrStatus s) {
    return s.checks().stream().collect(Collectors.toMap(PitrCheck::name, Function.identity(),
        (a, b) -> b));
  }
}
