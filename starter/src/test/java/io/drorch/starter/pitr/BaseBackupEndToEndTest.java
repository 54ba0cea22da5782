package io.drorch.starter.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.schedules.ScheduleSync;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.BaseBackupDetails;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Base backups as workflows against the real dev server, a real worker, real PostgreSQL 15 with
 * archiving, real pgBackRest and the S3 server over TLS: full then differential on the database
 * host's queue, recorded beside a logical backup in the catalog with their WAL ranges; the
 * schedules from the plan applied twice are identical.
 */
class BaseBackupEndToEndTest {

  @Test
  void fullThenDiffAreRecordedBesideTheLogicalBackupWithTheirWalRange() throws Exception {
    PitrStack ps = PitrStack.get();
    DrPlan plan = ps.plan();
    try (LocalWorker worker = LocalWorker.start(ps.stack.temporal.client(), ps.secrets(), plan,
        ps.stack.dir.resolve("plans/pitr-base/dr-plan.yaml"), "dr-test-pitr-base")) {
      var client = ps.stack.temporal.client();
      BackupResult full = BackupRuns.await(
          BackupRuns.startBase(client, worker.taskQueue(), "full", "test"));
      BackupResult diff = BackupRuns.await(
          BackupRuns.startBase(client, worker.taskQueue(), "diff", "test"));
      BackupResult dump = BackupRuns.await(
          BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      assertEquals(BackupKind.BASE, full.kind());
      assertEquals(BackupKind.DATABASE, dump.kind());

      BackupCatalog catalog;
      try (var clients = new io.drorch.activities.storage.S3Clients(ps.pitr.s3().credentials())) {
        catalog = StorageActivitiesImpl.catalog(clients.store(plan.storage()));
      }
      Map<String, StoredBackup> byId = catalog.backups().stream()
          .collect(Collectors.toMap(b -> b.manifest().backupId(), b -> b));
      StoredBackup f = byId.get(full.backupId());
      StoredBackup d = byId.get(diff.backupId());
      assertTrue(f.valid() && d.valid() && byId.get(dump.backupId()).valid(), catalog.toString());
      BaseBackupDetails fd = f.manifest().base();
      BaseBackupDetails dd = d.manifest().base();
      assertEquals("full", fd.type());
      assertNull(fd.reference());
      assertEquals("diff", dd.type());
      assertEquals(fd.label(), dd.reference(), "the differential depends on the full backup");
      assertTrue(fd.label().endsWith("F") && dd.label().startsWith(fd.label() + "_"), dd.label());
      assertTrue(fd.walStart().matches("[0-9A-F]{24}") && fd.walStop().compareTo(fd.walStart()) >= 0,
          fd.toString());
      assertTrue(dd.walStart().compareTo(fd.walStop()) > 0, "the diff's WAL comes after: " + dd);
      assertTrue(fd.databaseBytes() > 1_000_000, fd.toString());
      assertEquals("s3://pitr-e2e/ai-docs/pgbackrest", fd.repository());
      assertEquals("pgbackrest-full", f.manifest().format());
      // the record is a normal backup object: size and SHA-256 checked like any other
      try (var clients = new io.drorch.activities.storage.S3Clients(ps.pitr.s3().credentials())) {
        assertTrue(new BackupVerifier(clients.store(plan.storage()), b -> { })
            .verify(full.backupId()).valid());
      }
      // pgBackRest itself lists the same backups
      var info = new io.drorch.activities.pitr.PgBackRest(plan.database(), plan.storage()).info();
      List<String> labels = new java.util.ArrayList<>();
      info.path("backup").forEach(b -> labels.add(b.path("label").asText()));
      assertTrue(labels.containsAll(List.of(fd.label(), dd.label())), labels.toString());

      // `dr backups list` shows both kinds, the base ones with their WAL range
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BackupTable.print(BackupTable.filter(catalog, null), 0,
          new PrintStream(out, true, StandardCharsets.UTF_8));
      String table = out.toString(StandardCharsets.UTF_8);
      assertTrue(table.contains(full.backupId()) && table.contains(dump.backupId()), table);
      assertTrue(table.contains("pgBackRest full " + fd.label() + ", WAL " + fd.walStart() + ".."
          + fd.walStop()), table);
      assertTrue(table.contains(" base "), table);
      assertTrue(table.contains(" database "), table);
    }
  }

  @Test
  void theBaseBackupSchedulesFromThePlanAppliedTwiceAreIdentical() throws Exception {
    PitrStack ps = PitrStack.get();
    DrPlan plan = ps.plan();
    ScheduleClient client = ScheduleClient.newInstance(ps.stack.temporal.service());
    String queue = "dr-test-pitr-schedules";
    try {
      var first = ScheduleSync.apply(client, plan, "schedule", queue);
      Map<String, String> a = shapes(ScheduleSync.describe(client));
      var second = ScheduleSync.apply(client, plan, "schedule", queue);
      Map<String, String> b = shapes(ScheduleSync.describe(client));
      // database, files, retention, the drill, and the two base backups of database.pitr
      assertEquals(List.of(ScheduleSync.DATABASE_BACKUP, ScheduleSync.FILE_BACKUP,
              ScheduleSync.RETENTION, ScheduleSync.DRILL, ScheduleSync.BASE_FULL,
              ScheduleSync.BASE_DIFF),
          first.stream().map(ScheduleSync.Applied::scheduleId).toList(), first.toString());
      assertTrue(second.stream().allMatch(x -> x.action().equals("updated")), second.toString());
      assertEquals(a, b);
      assertTrue(a.get(ScheduleSync.BASE_FULL).startsWith("BaseBackupWorkflow|backup-base-full|"
          + queue + "|{type=full, requestedBy=schedule}|"), a.toString());
      assertTrue(a.get(ScheduleSync.BASE_DIFF).startsWith("BaseBackupWorkflow|backup-base-diff|"
          + queue + "|{type=diff, requestedBy=schedule}|"), a.toString());
      // the server keeps the crons as calendars: Sunday only / Monday to Saturday, at 01:00
      assertTrue(a.get(ScheduleSync.BASE_FULL).contains(
          "dayOfWeek=[ScheduleRange{start=0, end=0, step=1}]"), a.get(ScheduleSync.BASE_FULL));
      assertTrue(a.get(ScheduleSync.BASE_DIFF).contains(
          "dayOfWeek=[ScheduleRange{start=1, end=6, step=1}]"), a.get(ScheduleSync.BASE_DIFF));
      var next = client.getHandle(ScheduleSync.BASE_FULL).describe().getInfo()
          .getNextActionTimes().get(0).atZone(ZoneOffset.UTC);
      assertEquals(DayOfWeek.SUNDAY, next.getDayOfWeek());
      assertEquals(1, next.getHour());
      assertNotNull(client);
    } finally {
      for (ScheduleDescription d : ScheduleSync.describe(client)) {
        client.getHandle(d.getId()).delete();
      }
    }
  }

  private static Map<String, String> shapes(List<ScheduleDescription> all) {
    return all.stream().collect(Collectors.toMap(ScheduleDescription::getId, d -> {
      var action = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
      var spec = d.getSchedule().getSpec();
      return action.getWorkflowType() + "|" + action.getOptions().getWorkflowId() + "|"
          + action.getOptions().getTaskQueue() + "|" + action.getArguments().get(0, Object.class)
          + "|" + spec.getCronExpressions() + spec.getCalendars() + spec.getIntervals() + "|"
          + spec.getTimeZoneName() + "|" + d.getSchedule().getPolicy().getOverlap() + "|"
          + d.getSchedule().getPolicy().getCatchupWindow();
    }));
  }
}
