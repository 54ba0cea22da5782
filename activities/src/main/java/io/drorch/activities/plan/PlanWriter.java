package io.drorch.activities.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.PitrSettings;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.DrillSettings;
import io.drorch.workflows.contracts.plan.PostIncidentSettings;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.plan.SmtpSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link DrPlan} as a plan file that {@link PlanLoader} reads back to the same plan, and
 * its approvers' public keys as the allowed_signers file beside it. For plans made by programs —
 * the local drill, the tests' own workers — which hand a worker a plan file like any other.
 */
public final class PlanWriter {
  /** The allowed_signers file written beside the plan when the plan's approvals name none. */
  public static final String SIGNERS_FILE = "allowed_signers";

  private PlanWriter() {}

  /**
   * Writes {@code plan} to {@code file}, its allowed_signers and the plan's JSON Schema beside it
   * (the file's first line names the schema for editors); returns the file.
   */
  public static Path write(DrPlan plan, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    ApprovalSettings a = plan.approvals();
    if (a != null && a.signers() != null && !a.signers().isEmpty()) {
      String name = a.allowedSigners() == null || a.allowedSigners().isBlank()
          ? SIGNERS_FILE : a.allowedSigners();
      StringBuilder lines = new StringBuilder("# written by the DR Orchestrator with its plan\n");
      for (AllowedSigner s : a.signers()) {
        lines.append(AllowedSigners.format(s)).append('\n');
      }
      Files.writeString(dir.resolve(name), lines.toString());
      plan = plan.withApprovals(new ApprovalSettings(a.signatures(), name, null, a.signers(),
          a.requesterMayApprove(), a.minApprovers()));
    }
    // editors check the written plan against the schema of the code that wrote it
    Files.writeString(dir.resolve(PlanSchema.FILE), PlanSchema.json());
    Files.writeString(file, PlanSchema.modeline(PlanSchema.FILE) + "\n" + yaml(plan));
    return file;
  }

  /** The plan as YAML (the allowed-signers file it names is not written). */
  public static String yaml(DrPlan plan) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("application", s(plan.application()));
    Objectives o = plan.objectives();
    if (o != null) {
      root.put("objectives", map(
          "rto", map("critical", d(o.rtoCritical()), "non-critical", d(o.rtoNonCritical())),
          "rpo", map("database", d(o.rpoDatabase()), "files", d(o.rpoFiles()))));
    }
    DatabaseTarget db = plan.database();
    if (db != null) {
      root.put("database", map("host", s(db.host()), "port", db.port(), "name", s(db.name()),
          "user", s(db.user()), "migrations", s(db.migrations()),
          "compression", s(db.compression()), "pitr", pitr(db.pitr())));
    }
    if (plan.files() != null) {
      root.put("files", map("uploads", s(plan.files().uploadsDir()),
          "compression", s(plan.files().compression())));
    }
    StorageTarget st = plan.storage();
    if (st != null) {
      root.put("storage", map("bucket", s(st.bucket()), "prefix", s(st.prefix()),
          "region", s(st.region()), "endpoint", s(st.endpoint()), "path-style", st.pathStyle(),
          "retention-days", st.retentionDays(), "versioning", st.versioning(),
          "noncurrent-version-days", st.noncurrentVersionDays(),
          "keep-verified", st.keepVerified(),
          "object-lock", st.objectLock() == null ? null : map(
              "mode", st.objectLock().mode().name().toLowerCase(Locale.ROOT),
              "days", st.objectLock().days())));
    }
    ScheduleSettings sch = plan.schedules();
    if (sch != null) {
      root.put("schedules", map("timezone", s(sch.timezone()),
          "database-backup", s(sch.databaseBackup()), "file-backup", s(sch.fileBackup()),
          "retention", s(sch.retention()), "catchup-window", d(sch.catchupWindow()),
          "drill", s(sch.drill()), "rpo-watch", d(sch.rpoWatch())));
    }
    Contacts contacts = plan.contacts();
    if (contacts != null) {
      root.put("contacts", map("primary", contact(contacts.primary()),
          "secondary", contact(contacts.secondary()), "team", contact(contacts.team())));
    }
    if (plan.escalation() != null) {
      List<Object> levels = new ArrayList<>();
      for (EscalationLevel l : plan.escalation()) {
        levels.add(map("level", l.level(), "name", s(l.name()),
            "approvers", strings(l.approvers()),
            "contacts", l.contacts() == null || l.contacts().isEmpty() ? null
                : strings(l.contacts()),
            "timeout", d(l.timeout())));
      }
      root.put("escalation", levels);
    }
    if (plan.notifications() != null) {
      List<Object> channels = new ArrayList<>();
      for (NotificationChannel c : plan.notifications().channels()) {
        SmtpSettings m = c.smtp();
        channels.add(map("type", s(c.type()), "url", s(c.url()), "smtp", m == null ? null
            : map("host", s(m.host()), "port", m.port(), "from", s(m.from()),
                "starttls", m.startTls(), "username", s(m.username()))));
      }
      root.put("notifications", map(
          "progress-interval", d(plan.notifications().progressInterval()), "channels", channels));
    }
    ApplicationTarget app = plan.deployment();
    if (app != null) {
      DeployHook h = app.deploy();
      HealthCheck hc = app.health();
      root.put("deployment", map(
          "deploy", h == null ? null : map("command", h.command() == null ? null
                  : strings(h.command()), "url", s(h.url()),
              "method", h.url() == null ? null : s(h.method()), "timeout", d(h.timeout())),
          "environment", app.environment() == null ? null : map(
              "from", s(app.environment().from()), "to", s(app.environment().to())),
          "health", hc == null ? null : map("url", s(hc.url()),
              "expect-status", hc.expectStatus(), "timeout", d(hc.timeout()),
              "interval", d(hc.interval())),
          "monitor-window", d(app.monitorWindow())));
    }
    RecoverySettings r = plan.recovery();
    if (r != null) {
      root.put("recovery", map("work-dir", s(r.workDir()), "restore-jobs", r.restoreJobs(),
          "integrity-checks", r.integrityChecks() == null || r.integrityChecks().isEmpty() ? null
              : strings(r.integrityChecks()),
          "on-unanswered", r.onUnanswered() == null ? null
              : r.onUnanswered().name().toLowerCase(Locale.ROOT),
          "reminder-interval", d(r.reminderInterval()),
          "restore-role", s(r.restoreRole()),
          "keep-copies", d(r.keepCopies())));
    }
    ApprovalSettings a = plan.approvals();
    if (a != null) {
      Map<String, Object> min = new LinkedHashMap<>();
      if (a.minApprovers() != null) {
        a.minApprovers().forEach((step, n) -> min.put(step, n));
      }
      root.put("approvals", map(
          "signatures", a.signatures() == null ? null
              : a.signatures().name().toLowerCase(Locale.ROOT),
          "allowed-signers", s(a.allowedSigners()),
          "requester-may-approve", a.requesterMayApprove(),
          "min-approvers", min.isEmpty() ? null : min));
    }
    DrillSettings dr = plan.drills();
    if (dr != null) {
      root.put("drills", map("scope", dr.scope() == null ? null : strings(dr.scope()),
          "keep-failed-for", d(dr.keepFailedFor()),
          "verify-by-restore", dr.verifyByRestore() == null ? null
              : dr.verifyByRestore().name().toLowerCase(Locale.ROOT)));
    }
    PostIncidentSettings pi = plan.postIncident();
    if (pi != null) {
      root.put("post-incident", map("owner", s(pi.owner()), "due", d(pi.due()),
          "remind-before", d(pi.remindBefore()), "reminder-interval", d(pi.reminderInterval())));
    }
    try {
      return "# written by the DR Orchestrator; check it with `dr plan validate --plan FILE`\n"
          + new ObjectMapper(YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build()).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan always has a YAML form", e);
    }
  }

  private static Map<String, Object> contact(Contact c) {
    return c == null ? null
        : map("name", s(c.name()), "phone", s(c.phone()), "email", s(c.email()));
  }

  /** Keys in order; null values are left out (the loader then uses its default). */
  private static Map<String, Object> pitr(PitrSettings p) {
    if (p == null) {
      return null;
    }
    return map("stanza", s(p.stanza()), "data-directory", s(p.dataDirectory()),
        "socket-directory", s(p.socketDirectory()), "os-user", s(p.osUser()),
        "repo-endpoint", s(p.repoEndpoint()),
        "repo-options", p.repoOptions() == null || p.repoOptions().isEmpty() ? null
            : new LinkedHashMap<>(new java.util.TreeMap<>(p.repoOptions())),
        "full-retention-days", p.fullRetentionDays(), "full-backup", s(p.fullBackup()),
        "diff-backup", s(p.diffBackup()), "archive-timeout-max", d(p.archiveTimeoutMax()),
        "config-file", s(p.configFile()));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  /** {@code $} is written {@code $$}: the loader substitutes ${VAR} in every string. */
  private static String s(String v) {
    return v == null ? null : v.replace("$", "$$");
  }

  private static List<String> strings(List<String> values) {
    return values.stream().map(PlanWriter::s).toList();
  }

  private static String d(Duration d) {
    return d == null ? null : Durations.compact(d);
  }
}
