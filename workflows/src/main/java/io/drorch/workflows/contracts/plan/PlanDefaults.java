package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every default of the plan, in one place: the plan loader fills them in when a key is absent,
 * and workflows fall back on the same values when a section is missing.
 */
public final class PlanDefaults {
  private PlanDefaults() {}

  public static final Duration RTO_CRITICAL = Duration.ofHours(4);
  public static final Duration RTO_NON_CRITICAL = Duration.ofHours(24);
  public static final Duration LEVEL_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration REMINDER_INTERVAL = Duration.ofHours(1);
  public static final Duration PROGRESS_INTERVAL = Duration.ofMinutes(15);
  /**
   * Quiet waits: reminders after the last level come at the plan's interval this many times, then
   * the interval doubles up to {@link #QUIET_INTERVAL}; while a decision is pending, progress
   * notifications come every {@link #QUIET_INTERVAL} (the reminders say the rest).
   */
  public static final int FULL_REMINDERS = 3;
  public static final Duration QUIET_INTERVAL = Duration.ofDays(1);
  public static final Duration CATCHUP_WINDOW = Duration.ofHours(1);
  public static final String WORK_DIR = "/var/tmp/dr-orchestrator";
  public static final int RESTORE_JOBS = 2;
  public static final OnUnanswered ON_UNANSWERED = OnUnanswered.REMIND;
  public static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration HEALTH_INTERVAL = Duration.ofSeconds(2);
  public static final Duration MONITOR_WINDOW = Duration.ofMinutes(15);
  /** What the contact list calls the team's e-mail group when the plan gives it no name. */
  public static final String TEAM_NAME = "Infrastructure Team";
  /** SMTP submission port (STARTTLS). */
  public static final int SMTP_PORT = 587;
  /** E-mail is sent over STARTTLS unless the plan says {@code starttls: false}. */
  public static final boolean SMTP_STARTTLS = true;
  /** {@code database.port}: PostgreSQL's port. */
  public static final int POSTGRES_PORT = 5432;
  /** {@code database.compression} and {@code files.compression}. */
  public static final String COMPRESSION = "gzip";
  /** {@code storage.versioning}. */
  public static final boolean VERSIONING = true;
  /** {@code schedules.timezone}. */
  public static final String TIMEZONE = "UTC";
  /** {@code deployment.deploy.method} of a url deploy hook. */
  public static final String DEPLOY_METHOD = "POST";
  /** {@code deployment.health.expect-status}. */
  public static final int HEALTH_STATUS = 200;
  /** {@code storage.keep-verified}: the newest restore-verified backups kept per kind. */
  public static final int KEEP_VERIFIED = 1;

  /** {@code database.pitr}: the cluster's OS user, pgBackRest runs as it. */
  public static final String PITR_OS_USER = "postgres";
  /** {@code database.pitr.socket-directory}: Debian's. */
  public static final String PITR_SOCKET_DIRECTORY = "/var/run/postgresql";
  /** {@code database.pitr.full-retention-days}: full backups kept (pgBackRest time retention). */
  public static final int PITR_FULL_RETENTION_DAYS = 14;
  /** {@code database.pitr.full-backup}: weekly, Sunday 01:00. */
  public static final String PITR_FULL_BACKUP = "0 1 * * 0";
  /** {@code database.pitr.diff-backup}: daily except Sunday, 01:00. */
  public static final String PITR_DIFF_BACKUP = "0 1 * * 1-6";
  /** {@code database.pitr.archive-timeout-max}: an idle server's WAL reaches S3 within this. */
  public static final Duration PITR_ARCHIVE_TIMEOUT_MAX = Duration.ofSeconds(60);
  /** The folder of the pgBackRest repository under the storage prefix. */
  public static final String PITR_REPO_FOLDER = "pgbackrest";

  /** {@code database.pitr.config-file} when the plan gives none. */
  public static String pitrConfigFile(String stanza) {
    return WORK_DIR + "/pgbackrest/" + stanza + ".conf";
  }

  public static final SignatureMode SIGNATURES = SignatureMode.REQUIRED;
  public static final boolean REQUESTER_MAY_APPROVE = false;
  /** How long a decision signed by {@code dr approve} stays valid ({@code --expires}). */
  public static final Duration SIGNATURE_VALIDITY = Duration.ofHours(1);
  /** Clock difference tolerated between an approver's machine and the workflow's time. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** The approvals section of a plan that has none: signatures required, nobody has a key. */
  public static final ApprovalSettings APPROVALS = new ApprovalSettings(
      SIGNATURES, null, null, List.of(), REQUESTER_MAY_APPROVE, Map.of());

  /** {@code settings} with every missing value replaced by its default (null: all defaults). */
  public static ApprovalSettings approvals(ApprovalSettings a) {
    if (a == null) {
      return APPROVALS;
    }
    return new ApprovalSettings(
        a.signatures() == null ? SIGNATURES : a.signatures(),
        a.allowedSigners(), a.allowedSignersSha256(),
        a.signers() == null ? List.of() : a.signers(),
        a.requesterMayApprove(),
        a.minApprovers() == null ? Map.of() : a.minApprovers());
  }

  /** {@code recovery.keep-copies}: kept copies of a recovery live this long before cleanup. */
  public static final Duration KEEP_COPIES = Duration.ofDays(7);

  /** The recovery section of a plan that has none. */
  public static final RecoverySettings RECOVERY = new RecoverySettings(
      WORK_DIR, RESTORE_JOBS, List.of(), ON_UNANSWERED, REMINDER_INTERVAL, null, KEEP_COPIES);

  /** The plan's {@code storage.keep-verified}, or its default. */
  public static int keepVerified(StorageTarget storage) {
    return storage == null || storage.keepVerified() == null ? KEEP_VERIFIED
        : Math.max(0, storage.keepVerified());
  }

  /** {@code settings} with every missing value replaced by its default (null: all defaults). */
  public static RecoverySettings recovery(RecoverySettings r) {
    if (r == null) {
      return RECOVERY;
    }
    return new RecoverySettings(
        r.workDir() == null ? WORK_DIR : r.workDir(),
        r.restoreJobs() <= 0 ? RESTORE_JOBS : r.restoreJobs(),
        r.integrityChecks() == null ? List.of() : r.integrityChecks(),
        r.onUnanswered() == null ? ON_UNANSWERED : r.onUnanswered(),
        r.reminderInterval() == null ? REMINDER_INTERVAL : r.reminderInterval(),
        r.restoreRole() == null || r.restoreRole().isBlank() ? null : r.restoreRole(),
        r.keepCopies() == null ? KEEP_COPIES : r.keepCopies());
  }

  // ---- drills and post-incident (issue 11) ----------------------------------------------------

  /** {@code schedules.drill}: quarterly, 03:00 on the first day of January, April, July, October. */
  public static final String DRILL_SCHEDULE = "0 3 1 1,4,7,10 *";
  /** {@code drills.scope}: a drill restores both kinds of data. */
  public static final List<String> DRILL_SCOPE = List.of("database", "files");
  /** {@code drills.keep-failed-for}: a failed drill's scratch targets are kept a week. */
  public static final Duration DRILL_KEEP_FAILED_FOR = Duration.ofDays(7);
  /** {@code drills.verify-by-restore}: the newest database backup of each day. */
  public static final VerifyByRestore VERIFY_BY_RESTORE = VerifyByRestore.DAILY;

  /** The drills section of a plan that has none. */
  public static final DrillSettings DRILLS =
      new DrillSettings(DRILL_SCOPE, DRILL_KEEP_FAILED_FOR, VERIFY_BY_RESTORE);

  /** {@code settings} with every missing value replaced by its default (null: all defaults). */
  public static DrillSettings drills(DrillSettings d) {
    if (d == null) {
      return DRILLS;
    }
    return new DrillSettings(
        d.scope() == null || d.scope().isEmpty() ? DRILL_SCOPE : d.scope(),
        d.keepFailedFor() == null ? DRILL_KEEP_FAILED_FOR : d.keepFailedFor(),
        d.verifyByRestore() == null ? VERIFY_BY_RESTORE : d.verifyByRestore());
  }

  /** The plan's drill schedule, or the quarterly default. */
  public static String drillSchedule(ScheduleSettings s) {
    return s == null || s.drill() == null || s.drill().isBlank() ? DRILL_SCHEDULE : s.drill();
  }

  /** {@code post-incident.due}: every post-mortem item is due a week after the recovery. */
  public static final Duration POST_INCIDENT_DUE = Duration.ofDays(7);
  /** {@code post-incident.remind-before}: a day before an item is due. */
  public static final Duration POST_INCIDENT_REMIND_BEFORE = Duration.ofDays(1);
  /** {@code post-incident.reminder-interval}: overdue items are reminded daily, a level higher. */
  public static final Duration POST_INCIDENT_REMINDER_INTERVAL = Duration.ofDays(1);

  /** {@code settings} with every missing value replaced by its default (null: all defaults). */
  public static PostIncidentSettings postIncident(PostIncidentSettings p) {
    if (p == null) {
      return new PostIncidentSettings(null, POST_INCIDENT_DUE, POST_INCIDENT_REMIND_BEFORE,
          POST_INCIDENT_REMINDER_INTERVAL);
    }
    return new PostIncidentSettings(p.owner(),
        p.due() == null ? POST_INCIDENT_DUE : p.due(),
        p.remindBefore() == null ? POST_INCIDENT_REMIND_BEFORE : p.remindBefore(),
        p.reminderInterval() == null ? POST_INCIDENT_REMINDER_INTERVAL : p.reminderInterval());
  }
}
