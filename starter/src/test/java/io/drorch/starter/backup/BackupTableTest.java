package io.drorch.starter.backup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerification;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `dr backups list`: the VERIFIED column and the JSON's verification. */
class BackupTableTest {
  private static final Instant T = Instant.parse("2026-11-26T02:30:00Z");

  private static StoredBackup backup(String id, RestoreVerification v) {
    BackupManifest m = new BackupManifest(1, id, BackupKind.FILES, "ai-docs",
        "p/files/" + id + ".tar.gz", "tar+gzip", 2048, "ab", T, T.plusSeconds(5), "wf",
        null, new FileBackupDetails("/app/uploads", "p/files/" + id + ".listing.jsonl", "cd", 3, 900));
    return new StoredBackup(m, "p/files/" + id + ".manifest.json", DataState.PRESENT, v);
  }

  @Test
  void verifiedColumnSaysRestoredFailedOrNotTested() {
    List<StoredBackup> rows = List.of(
        backup("files-a", new RestoreVerification(RestoreTestOutcome.VERIFIED_BY_RESTORE,
            T.plusSeconds(60), "verify-files-a", null)),
        backup("files-b", new RestoreVerification(RestoreTestOutcome.FAILED_RESTORE,
            T.plusSeconds(60), "verify-files-b", "CHECKSUM_MISMATCH: …")),
        backup("files-c", null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupTable.print(rows, 0, new PrintStream(out, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);

    assertTrue(table.lines().findFirst().orElseThrow().contains("VERIFIED"), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("files-a") && l.contains(" restored ")),
        table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("files-b") && l.contains(" FAILED ")),
        table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("files-c") && l.contains(" not tested ")),
        table);

    out.reset();
    BackupTable.printJson(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
    String json = out.toString(StandardCharsets.UTF_8);
    assertTrue(json.contains("\"outcome\" : \"FAILED_RESTORE\""), json);
    assertTrue(json.contains("\"reason\" : \"CHECKSUM_MISMATCH: …\""), json);
    assertTrue(json.contains("\"verification\" : null"), json);
  }
}
