package io.drorch.starter.plan;

import io.drorch.activities.plan.Cron;
import io.drorch.activities.plan.Durations;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the human DR plan (the shape of the team's written plan: Overview, RTO, RPO, Backup,
 * Recovery, Communication, Contacts, Escalation, Testing, Post-Recovery) from the same
 * {@link DrPlan} the automation runs on. The hand commands are complete, with the plan's real
 * bucket, prefix, host and paths, so someone can recover without the orchestrator.
 */
public final class PlanRenderer {
  /** The {@code dr} commands the document names; one place, to keep them in step with the CLI. */
  static final String CMD_VALIDATE = "dr plan validate --plan dr-plan.yaml";
  static final String CMD_RENDER = "dr plan render --plan dr-plan.yaml > DR-PLAN.md";
  static final String CMD_BACKUP_DB = "dr backup database";
  static final String CMD_BACKUP_FILES = "dr backup files";
  static final String CMD_BACKUP_LIST = "dr backups list";
  static final String CMD_SCHEDULES = "dr schedules apply";
  static final String CMD_RECOVER = "dr recover --incident INC-42 --scope database,files,application";
  static final String CMD_STATUS = "dr status INC-42";
  static final String CMD_APPROVE = "dr approve INC-42 --as NAME --key ~/.ssh/id_ed25519";
  static final String CMD_DRILL = "dr drill run";

  private PlanRenderer() {}

  /** Who may decide and how it is proven: signatures, keys, four eyes, approvers per step. */
  private static void approvals(StringBuilder md, DrPlan plan) {
    ApprovalSettings a = PlanDefaults.approvals(plan.approvals());
    line(md, "### Approvals");
    if (a.signaturesRequired()) {
      line(md, "- Every decision is signed with the approver's SSH key (`ssh-keygen -Y sign -n "
          + SshSignature.NAMESPACE + "`, which `dr approve` runs) and verified by the worker"
          + " against the keys in `" + (a.allowedSigners() == null ? "(no allowed_signers file)"
              : a.allowedSigners()) + "`; a signature binds the decision to the incident, the"
          + " recovery run, the step, the backup and the restored copy it approves.");
    } else {
      line(md, "- Signatures are optional: an unsigned decision is taken on the approver's word"
          + " (a signed one is still verified).");
    }
    for (AllowedSigner s : a.signers()) {
      line(md, "  - " + String.join(", ", s.principals()) + ": " + s.keyType() + " "
          + SshSignature.fingerprint(s.key()) + (s.comment() == null ? "" : " (" + s.comment() + ")"));
    }
    line(md, a.requesterMayApprove()
        ? "- Whoever starts a recovery may also approve it."
        : "- Four eyes: whoever starts a recovery may not approve it (they may still reject it).");
    a.minApprovers().entrySet().stream().filter(e -> e.getValue() > 1).sorted(
        java.util.Map.Entry.comparingByKey()).forEach(e -> line(md, "- `" + e.getKey()
            + "` needs " + e.getValue() + " distinct approvers; one rejection stops it."));
    line(md, "");
  }

  public static String markdown(DrPlan plan) {
    return markdown(plan, null);
  }

  /**
   * The written plan with {@code lastDrill} (one paragraph: the newest drill's result, or why it
   * could not be read) under "Testing Procedures"; null leaves the section out.
   */
  public static String markdown(DrPlan plan, String lastDrill) {
    StringBuilder md = new StringBuilder();
    StorageTarget s = plan.storage();
    DatabaseTarget db = plan.database();
    Objectives o = plan.objectives();
    ScheduleSettings sch = plan.schedules();
    RecoverySettings rec = plan.recovery() == null ? PlanDefaults.RECOVERY : plan.recovery();
    String root = "s3://" + s.bucket() + "/" + (s.prefix() == null || s.prefix().isEmpty() ? "" : s.prefix() + "/");
    String aws = s.endpoint() == null ? "aws s3" : "aws --endpoint-url " + s.endpoint() + " s3";

    line(md, "# Disaster Recovery Plan — " + plan.application());
    line(md, "");
    line(md, "> Generated from `dr-plan.yaml` by `dr plan render`. Edit the plan file, not this document:");
    line(md, "> the DR Orchestrator runs from the same file (`" + CMD_VALIDATE + "`).");
    line(md, "");

    line(md, "## Overview");
    line(md, "This document outlines the procedures for recovering from disaster scenarios in the "
        + plan.application() + " application. Every step a machine can do is automated by the DR"
        + " Orchestrator on Temporal; every destructive step waits for a human approval and is"
        + " escalated when nobody answers (see Escalation Procedures).");
    line(md, "");
    line(md, "| System | Where |");
    line(md, "|---|---|");
    line(md, "| Database | PostgreSQL database `" + db.name() + "` on `" + db.host() + ":" + db.port()
        + "`, user `" + db.user() + "` |");
    line(md, "| Files | uploads directory `" + plan.files().uploadsDir() + "` |");
    line(md, "| Backups | `" + root + "` in region `" + s.region() + "`"
        + (s.endpoint() == null ? " (AWS S3)" : " at `" + s.endpoint() + "`") + " |");
    line(md, "");

    line(md, "## Recovery Time Objectives (RTO)");
    line(md, "- Critical Systems: " + Durations.human(o.rtoCritical()));
    line(md, "- Non-Critical Systems: " + Durations.human(o.rtoNonCritical()));
    line(md, "");
    line(md, "## Recovery Point Objectives (RPO)");
    line(md, "- Database: " + Durations.human(o.rpoDatabase()));
    line(md, "- Files: " + Durations.human(o.rpoFiles()));
    line(md, "");

    line(md, "## Backup Procedures");
    line(md, "Backups are write-once. Each one is followed by a manifest (`<id>.manifest.json`, written"
        + " last) holding its size and SHA-256; a backup without a manifest, or whose data does not"
        + " match it, is not valid. Retention never deletes the newest valid backup of each kind,"
        + " nor the " + PlanDefaults.keepVerified(s) + " newest restore-verified backup(s) of each"
        + " kind, nor a backup a running recovery has leased; a read error stops it before it"
        + " deletes anything.");
    line(md, "");
    line(md, "### Database Backups");
    line(md, "- Automated backups using `pg_dump -Fc`" + ("zstd".equals(db.compression())
        ? " piped through `zstd`" : " (gzip)") + ", " + schedule(sch, sch.databaseBackup()));
    line(md, "- Backups stored in S3 at `" + root + "database/` with " + s.retentionDays()
        + "-day retention");
    Optional<Duration> dbEvery = interval(sch.databaseBackup());
    if (db.pitr() != null) {
      var p = db.pitr();
      line(md, "- Point-in-time recovery with pgBackRest: WAL archived continuously to `s3://"
          + s.bucket() + "/" + root + PlanDefaults.PITR_REPO_FOLDER + "` (stanza `" + p.stanza()
          + "`, archive_timeout at most " + Durations.human(p.archiveTimeoutMax())
          + "); base backups full " + schedule(sch, p.fullBackup()) + ", differential "
          + schedule(sch, p.diffBackup()) + "; full backups kept " + p.fullRetentionDays()
          + " days (pgBackRest's own retention). Set up with `dr pitr setup`");
    } else if (dbEvery.isEmpty() || dbEvery.get().compareTo(o.rpoDatabase()) > 0) {
      line(md, "- Point-in-time recovery (WAL archiving) is required to meet the "
          + Durations.human(o.rpoDatabase()) + " RPO: the scheduled dumps alone are up to "
          + dbEvery.map(Durations::human).orElse("months") + " apart");
    }
    line(md, "- Run one now: `" + CMD_BACKUP_DB + "`");
    line(md, "");
    line(md, "### File Backups");
    line(md, "- Automated backups of the uploads directory `" + plan.files().uploadsDir()
        + "` as " + ("zstd".equals(plan.files().compression()) ? "tar.zst" : "tar.gz")
        + " with a per-file SHA-256 listing, " + schedule(sch, sch.fileBackup()));
    line(md, "- Backups stored in S3 at `" + root + "files/` with " + s.retentionDays()
        + "-day retention");
    line(md, s.versioning()
        ? "- Versioning enabled on S3 bucket `" + s.bucket() + "`; noncurrent versions expire after "
            + s.noncurrentVersionDays() + " days"
        : "- Versioning is NOT enabled on S3 bucket `" + s.bucket() + "`");
    if (s.objectLock() != null) {
      line(md, "- S3 Object Lock (" + s.objectLock().mode().name().toLowerCase(Locale.ROOT)
          + " mode): every backup object is immutable for " + s.objectLock().days()
          + " days after it is written (`dr storage init` sets the bucket's default retention)");
    }
    line(md, "- Run one now: `" + CMD_BACKUP_FILES + "`");
    line(md, "");
    line(md, "### Schedules");
    line(md, "- Retention sweep: " + schedule(sch, sch.retention()));
    line(md, "- Runs missed while the system was down are made up within a catch-up window of "
        + Durations.human(sch.catchupWindow()));
    line(md, "- The schedules are Temporal Schedules (visible, pausable and back-fillable in the Web"
        + " UI), created or updated from this plan with `" + CMD_SCHEDULES + "`");
    line(md, "");

    line(md, "## Recovery Procedures");
    line(md, "Automated: `" + CMD_RECOVER + "` runs the database, file and application recoveries"
        + " below, asks for approval before each destructive step, and reports progress every "
        + Durations.human(plan.notifications().progressInterval()) + ". Follow it with `" + CMD_STATUS
        + "` or in the Temporal Web UI (workflow `recovery-INC-42`).");
    line(md, "");
    line(md, "By hand (when the orchestrator itself is unavailable), as follows.");
    line(md, "");
    line(md, "### Database Recovery");
    line(md, "1. Identify the most recent valid backup: `" + CMD_BACKUP_LIST + "`, or by hand the newest"
        + " `<id>` under `" + root + "database/` that has a `<id>.manifest.json`:");
    code(md, aws + " ls " + root + "database/");
    boolean zstd = "zstd".equals(db.compression());
    String dump = zstd ? "<id>.dump.zst" : "<id>.dump";
    String restore = "pg_restore -h " + db.host() + (db.port() == 5432 ? "" : " -p " + db.port())
        + " -U " + db.user() + " -d " + db.name();
    line(md, "2. Download the backup, check it against its manifest and restore it:");
    code(md,
        aws + " cp " + root + "database/" + dump + " .",
        aws + " cp " + root + "database/<id>.manifest.json .",
        "sha256sum " + dump + "   # must equal \"sha256\" in <id>.manifest.json",
        zstd ? "zstd -dc " + dump + " | " + restore : restore + " " + dump);
    line(md, "   The password comes from `PGPASSWORD` or `~/.pgpass`, never from the plan.");
    if (db.migrations() != null) {
      line(md, "3. Apply any pending migrations (Flyway location `" + db.migrations() + "`):");
      code(md, "flyway -url=" + db.jdbcUrl() + " -user=" + db.user() + " -locations="
          + db.migrations() + " migrate");
    } else {
      line(md, "3. Apply any pending migrations");
    }
    if (rec.integrityChecks().isEmpty()) {
      line(md, "4. Verify data integrity");
    } else {
      line(md, "4. Verify data integrity: each query must print `t`");
      String psql = "psql -h " + db.host() + (db.port() == 5432 ? "" : " -p " + db.port())
          + " -U " + db.user() + " -d " + db.name() + " -tAc ";
      code(md, rec.integrityChecks().stream().map(q -> psql + shellQuote(q)).toArray(String[]::new));
    }
    line(md, "");
    line(md, "The automated recovery restores into a new database, migrates and verifies it, and only"
        + " then swaps it in; the old database is kept.");
    line(md, "");
    line(md, "### File Recovery");
    line(md, "1. Download the backup from S3 and check it against its manifest:");
    boolean filesZstd = "zstd".equals(plan.files().compression());
    String archive = "<id>" + (filesZstd ? ".tar.zst" : ".tar.gz");
    code(md,
        aws + " cp " + root + "files/" + archive + " .",
        aws + " cp " + root + "files/<id>.manifest.json .",
        "sha256sum " + archive + "   # must equal \"sha256\" in <id>.manifest.json");
    line(md, "2. Extract the backup:");
    code(md, filesZstd
        ? "zstd -dc " + archive + " | tar -x -C " + plan.files().uploadsDir()
        : "tar -xzf " + archive + " -C " + plan.files().uploadsDir());
    line(md, "3. Verify file integrity (`<id>.listing.jsonl` holds every file's size and SHA-256)");
    line(md, "");
    line(md, "### Application Recovery");
    application(md, plan.deployment(), root, aws);
    line(md, "");

    line(md, "## Communication Plan");
    line(md, "1. Notify stakeholders of the incident (channels: " + channels(plan.notifications().channels()) + ")");
    line(md, "2. Provide regular updates on recovery progress: every "
        + Durations.human(plan.notifications().progressInterval()) + ", and when "
        + "50 %, 80 % and 100 % of the critical RTO (" + Durations.human(o.rtoCritical()) + ") is spent");
    line(md, "3. Document the incident and recovery process: each recovery writes a report (Markdown"
        + " and JSON) to `" + root + "reports/` with the achieved RTO and RPO");
    line(md, "4. Conduct a post-mortem analysis");
    line(md, "");

    contactInformation(md, plan);

    line(md, "## Escalation Procedures");
    line(md, "| Level | Who | Approvers | Contacts | Escalates after |");
    line(md, "|---|---|---|---|---|");
    for (EscalationLevel l : plan.escalation()) {
      line(md, "| " + l.level() + " | " + l.name() + " | " + String.join(", ", l.approvers()) + " | "
          + String.join(", ", l.contacts()) + " | " + Durations.human(l.timeout()) + " |");
    }
    line(md, "");
    int i = 1;
    for (EscalationLevel l : plan.escalation()) {
      line(md, i++ + ". Level " + l.level() + ": " + l.name());
    }
    line(md, "");
    line(md, "An approval request goes to level 1 first; when nobody answers within that level's"
        + " time it moves to the next level. Destructive steps are never approved automatically: "
        + (rec.abortWhenUnanswered()
            ? "when the last level does not answer either, the recovery is aborted."
            : "after the last level the request stays open and a reminder goes out every "
                + Durations.human(rec.reminderInterval()) + "."));
    line(md, "Approve with `" + CMD_APPROVE + "` (or send the decision from the Temporal CLI or Web UI).");
    line(md, "");
    approvals(md, plan);

    line(md, "## Testing Procedures");
    var drills = io.drorch.workflows.contracts.plan.PlanDefaults.drills(plan.drills());
    line(md, "1. Quarterly disaster recovery testing: `" + CMD_DRILL + "` restores the newest valid"
        + " backups (" + String.join(", ", drills.scope()) + ") into scratch targets that can never"
        + " be the live ones, runs the migrations and integrity checks and measures the achieved"
        + " RTO and RPO; scheduled " + schedule(sch, io.drorch.workflows.contracts.plan.PlanDefaults
            .drillSchedule(sch)) + " (`" + CMD_SCHEDULES + "`). A failed drill alerts levels 1 and"
        + " 2 and keeps its scratch targets " + Durations.human(drills.keepFailedFor())
        + " for inspection (`dr drill cleanup DRILL` removes them now)");
    line(md, "2. Document test results and improvements: each drill writes a report to `" + root
        + "drills/<drill>/`; `dr drills list` shows them with pass/fail and RTO/RPO");
    line(md, "3. Update recovery procedures based on test findings: edit `dr-plan.yaml`, check it with `"
        + CMD_VALIDATE + "` and re-render this document with `" + CMD_RENDER + "`");
    line(md, "4. Every backup proven restorable: verify-by-restore `"
        + drills.verifyByRestore().name().toLowerCase(java.util.Locale.ROOT) + "` (daily: the first"
        + " database backup of each day is restored into scratch after it commits and marked"
        + " VERIFIED-BY-RESTORE or FAILED-RESTORE; recoveries prefer verified backups)");
    line(md, "");
    if (lastDrill != null) {
      line(md, "### Last drill");
      line(md, lastDrill);
      line(md, "");
    }

    line(md, "## Post-Recovery Procedures");
    line(md, "1. Document the incident (start from the recovery report)");
    line(md, "2. Analyze root cause");
    line(md, "3. Implement preventive measures");
    line(md, "4. Update recovery procedures (`dr-plan.yaml`, then `" + CMD_RENDER + "`)");
    line(md, "5. Conduct team review");
    return md.toString();
  }

  /** The seed's "Contact Information": primary, secondary, the team's group; then per level. */
  private static void contactInformation(StringBuilder md, DrPlan plan) {
    line(md, "## Contact Information");
    Contacts contacts = plan.contacts();
    if (contacts == null) {
      line(md, "(The plan has no contact list: add `contacts` with primary, secondary and team.)");
    } else {
      for (Contacts.Entry e : contacts.entries()) {
        Contact c = e.contact();
        String role = e.role().equals("Primary contact") ? "Primary Contact"
            : e.role().equals("Secondary contact") ? "Secondary Contact" : e.role();
        boolean group = c == contacts.team();
        line(md, "- " + role + ": " + String.join(" - ", java.util.stream.Stream.of(
                group ? null : c.name(), c.phone(), c.email())
            .filter(x -> x != null && !x.isBlank()).toList()));
      }
    }
    line(md, "");
    line(md, "Notified at each escalation level (every approval request also names the contacts"
        + " above, to call):");
    for (EscalationLevel l : plan.escalation()) {
      line(md, "- Level " + l.level() + " " + l.name() + ": " + (l.contacts().isEmpty()
          ? "(no contact listed)" : String.join(", ", l.contacts())));
    }
    line(md, "");
  }

  private static void application(StringBuilder md, ApplicationTarget app, String root, String aws) {
    if (app == null) {
      line(md, "1. Deploy the latest version of the application");
      line(md, "2. Restore environment variables");
      line(md, "3. Verify application functionality");
      line(md, "4. Monitor for any issues");
      line(md, "");
      line(md, "Not automated: the plan has no `deployment` section (deploy hook, environment, health"
          + " check). Add one to let `dr recover` bring the application back as well.");
      return;
    }
    DeployHook d = app.deploy();
    line(md, "1. Deploy the latest version of the application (time limit "
        + Durations.human(d.timeout()) + "):");
    if (d.command() != null) {
      code(md, String.join(" ", d.command().stream().map(PlanRenderer::shellQuote).toList()));
    } else {
      code(md, "curl -fsS -X " + d.method() + " " + shellQuote(redacted(d.url())));
    }
    EnvironmentSource env = app.environment();
    if (env == null) {
      line(md, "2. Restore environment variables (no environment file in the plan)");
    } else {
      line(md, "2. Restore environment variables: the env file, readable by its owner only");
      String from = env.from().startsWith("s3:") ? null : env.from();
      code(md, from == null
          ? "(umask 077 && " + aws + " cp " + root + env.from().substring(3) + " " + env.to() + ")"
          : "install -m 600 " + from + " " + env.to());
    }
    HealthCheck h = app.health();
    line(md, "3. Verify application functionality: the health check must answer " + h.expectStatus()
        + " within " + Durations.human(h.timeout()));
    code(md, "curl -s -o /dev/null -w '%{http_code}\\n' " + shellQuote(redacted(h.url()))
        + "   # expect " + h.expectStatus());
    line(md, "4. Monitor for any issues: keep checking for " + Durations.human(app.monitorWindow())
        + " (the automated recovery checks every " + Durations.human(h.interval())
        + " and reports repeated failures)");
  }

  /** Single-quotes an argument for a POSIX shell when it needs it. */
  static String shellQuote(String arg) {
    if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** A URL for the document: its query (may carry a token) replaced by {@code ?…}. */
  private static String redacted(String url) {
    int q = url.indexOf('?');
    return PlanLoader.masked(q < 0 ? url : url.substring(0, q) + "?…");
  }

  private static String schedule(ScheduleSettings sch, String cron) {
    String text = "cron `" + cron + "` (" + sch.timezone() + ")";
    try {
      String described = Cron.parse(cron).describe();
      return described == null ? text : described + " " + sch.timezone() + " (cron `" + cron + "`)";
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static Optional<Duration> interval(String cron) {
    try {
      return Cron.parse(cron).maxInterval();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String channels(List<NotificationChannel> channels) {
    return String.join(", ", channels.stream().map(PlanRenderer::channel).toList());
  }

  private static String channel(NotificationChannel c) {
    if ("email".equals(c.type()) && c.smtp() != null) {
      return "e-mail to each level's contacts via `" + c.smtp().host() + ":" + c.smtp().port()
          + "`" + (c.smtp().startTls() ? " (STARTTLS)" : " (unencrypted)") + " from "
          + c.smtp().from();
    }
    if ("slack".equals(c.type()) && c.url() != null) {
      return "Slack incoming webhook at `" + PlanLoader.origin(c.url()) + "`";
    }
    return c.url() == null ? c.type() : c.type() + " to `" + PlanLoader.origin(c.url()) + "`";
  }

  private static void code(StringBuilder md, String... lines) {
    line(md, "   ```bash");
    for (String l : lines) {
      line(md, "   " + l);
    }
    line(md, "   ```");
  }

  private static void line(StringBuilder md, String text) {
    md.append(text).append('\n');
  }
}
