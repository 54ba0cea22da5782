package io.drorch.activities.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.DrillSettings;
import io.drorch.workflows.contracts.plan.PostIncidentSettings;
import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.ObjectLockMode;
import io.drorch.workflows.contracts.plan.ObjectLockSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.PitrSettings;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.plan.SignatureMode;
import io.drorch.workflows.contracts.plan.SmtpSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.plan.VerifyByRestore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code dr-plan.yaml} into a {@link DrPlan}. The YAML is parsed into a tree and mapped by
 * hand so that every problem gets the path it has in the file; all problems are collected and
 * reported together in one {@link PlanException}.
 *
 * <p>Order of work: parse → reject secrets → substitute {@code ${VAR}} / {@code ${VAR:-default}}
 * in string values → validate and map → warnings (e.g. a backup schedule slower than its RPO).
 */
public final class PlanLoader {
  /** The file name commands look for when no {@code --plan} is given. */
  public static final String DEFAULT_FILE = "dr-plan.yaml";

  static final Set<String> COMPRESSIONS = Set.of("gzip", "zstd");
  private static final Pattern STANZA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Pattern REPO_OPTION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  /** repo1-* options the plan sets from its own keys. */
  private static final Set<String> PITR_OWN_OPTIONS = Set.of("type", "path", "s3-bucket",
      "s3-region", "s3-endpoint", "s3-key", "s3-key-secret", "storage-port", "retention-full",
      "retention-full-type");
  static final Set<String> CHANNEL_TYPES = Set.of("log", "webhook", "slack", "email");
  static final int ESCALATION_LEVELS = 4;
  static final Set<String> DEPLOY_METHODS = Set.of("GET", "POST", "PUT", "PATCH");
  static final Set<String> ON_UNANSWERED = Set.of("remind", "abort");
  static final Set<String> SIGNATURE_MODES = Set.of("required", "optional");
  static final Set<String> DRILL_SCOPES = Set.of("database", "files");
  static final Set<String> VERIFY_MODES = Set.of("daily", "every", "off");
  static final Set<String> OBJECT_LOCK_MODES = Set.of("governance", "compliance");
  private static final Set<String> SECRET_KEYS = Set.of(
      "password", "passwd", "pwd", "pgpassword", "secret", "secretkey", "secretaccesskey",
      "awssecretaccesskey", "accesskey", "accesskeyid", "awsaccesskeyid", "token", "apikey",
      "privatekey", "credentials");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  /** An address, or a display name with the address in angle brackets. */
  private static final Pattern SENDER =
      Pattern.compile("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+|[^<>@]*<[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+>");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().-]{3,30}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@+-]+");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d{1,10}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private PlanLoader() {}

  /** Loads and validates; warnings are dropped (use {@link #loadWithWarnings(Path)} to show them). */
  public static DrPlan load(Path file) {
    return loadWithWarnings(file).plan();
  }

  /** Loads and validates with the process environment for {@code ${VAR}} substitution. */
  public static ValidatedPlan loadWithWarnings(Path file) {
    return loadWithWarnings(file, System.getenv());
  }

  /** Loads and validates, taking {@code ${VAR}} values from {@code env}. */
  public static ValidatedPlan loadWithWarnings(Path file, Map<String, String> env) {
    return loadFile(file, env);
  }

  private static ValidatedPlan loadFile(Path file, Map<String, String> env) {
    if (!Files.exists(file)) {
      throw new PlanException(file, new PlanProblem("", null,
          "Plan file not found: " + file.toAbsolutePath().normalize()
              + ". Point the command at your plan with --plan FILE (check it with"
              + " `dr plan validate --plan FILE`), or copy the example " + DEFAULT_FILE
              + " from the repository root and edit it for your system."));
    }
    if (Files.isDirectory(file)) {
      Path inside = file.resolve(DEFAULT_FILE);
      if (Files.isRegularFile(inside)) {
        return loadWithWarnings(inside, env);
      }
      throw new PlanException(file, new PlanProblem("", null,
          file + " is a directory without a " + DEFAULT_FILE + "; pass the plan file itself with --plan FILE"
              + " (check it with `dr plan validate --plan FILE`)"));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PlanException(file, new PlanProblem("", null,
          "Plan file " + file + " cannot be read: " + e));
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file, env, sha256(bytes));
  }

  /**
   * Validates plan text (the file's content).
   *
   * @param source named in the exception message; may be null
   */
  public static ValidatedPlan parse(String yaml, Path source, Map<String, String> env) {
    return parse(yaml, source, env, sha256(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  private static ValidatedPlan parse(String yaml, Path source, Map<String, String> env,
      String sha256) {
    Path dir = source == null ? Path.of("").toAbsolutePath()
        : source.toAbsolutePath().normalize().getParent();
    Mapper mapper = new Mapper(env, dir);
    DrPlan plan = mapper.map(yaml);
    if (!mapper.errors.isEmpty()) {
      throw new PlanException(source, mapper.errors);
    }
    return new ValidatedPlan(plan, mapper.warnings, sha256);
  }

  /** SHA-256 of {@code bytes}, lowercase hex (what {@code sha256sum} prints). */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Mapper {
    final Map<String, String> env;
    /** The plan file's directory: relative paths in the plan (allowed-signers) start here. */
    final Path dir;
    final List<PlanProblem> errors = new ArrayList<>();
    final List<PlanProblem> warnings = new ArrayList<>();

    Mapper(Map<String, String> env, Path dir) {
      this.env = env;
      this.dir = dir;
    }

    DrPlan map(String yaml) {
      JsonNode root;
      try {
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        root = new ObjectMapper(factory).readTree(yaml);
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        errors.add(new PlanProblem("", null, "is not valid YAML" + where + ": " + e.getOriginalMessage()));
        return null;
      }
      if (root == null || root.isMissingNode() || root.isNull()) {
        errors.add(new PlanProblem("", null, "is empty; start from the example " + DEFAULT_FILE));
        return null;
      }
      if (!root.isObject()) {
        errors.add(new PlanProblem("", describe(root),
            "must be a mapping with the sections application, objectives, database, files, storage,"
                + " schedules, escalation, notifications"));
        return null;
      }
      rejectSecrets(root, "");
      root = substitute(root, "");

      Obj top = new Obj("", (ObjectNode) root);
      String application = top.string("application", true);
      Objectives objectives = objectives(top.obj("objectives"));
      DatabaseTarget database = database(top.obj("database"), application);
      FilesTarget files = files(top.obj("files"));
      StorageTarget storage = storage(top.obj("storage"));
      ScheduleSettings schedules = schedules(top.obj("schedules"));
      Contacts contacts = contacts(top.optionalObj("contacts"));
      List<EscalationLevel> escalation = escalation(top.list("escalation"), "escalation", contacts);
      NotificationSettings notifications = notifications(top.obj("notifications"));
      if (notifications != null && contacts != null) {
        notifications = notifications.withContacts(contacts);
      }
      ApplicationTarget deployment = deployment(top.optionalObj("deployment"));
      RecoverySettings recovery = recovery(top.optionalObj("recovery"));
      ApprovalSettings approvals = approvals(top.optionalObj("approvals"), escalation);
      DrillSettings drills = drills(top.optionalObj("drills"));
      PostIncidentSettings postIncident = postIncident(top.optionalObj("post-incident"),
          escalation);
      top.finish();

      warnings(objectives, schedules, escalation, storage, database);
      notificationWarnings(contacts, escalation, notifications);
      if (!errors.isEmpty()) {
        return null;
      }
      return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
          notifications, deployment, recovery, approvals, drills, postIncident);
    }

    /** Optional section: DR drills and verify-by-restore; missing means the defaults. */
    DrillSettings drills(Obj o) {
      if (o == null) {
        return PlanDefaults.DRILLS;
      }
      List<String> scope = o.strings("scope", false);
      List<String> cleanScope = new ArrayList<>();
      if (scope != null) {
        for (int i = 0; i < scope.size(); i++) {
          String v = scope.get(i) == null ? "" : scope.get(i).toLowerCase(Locale.ROOT);
          if (!DRILL_SCOPES.contains(v)) {
            o.error("scope[" + i + "]", scope.get(i), "must be database or files (a drill"
                + " restores data into scratch; the application is never deployed by a drill)"
                + suggestion(v, DRILL_SCOPES));
          } else if (!cleanScope.contains(v)) {
            cleanScope.add(v);
          }
        }
        if (scope.isEmpty()) {
          o.error("scope", "[]", "must name database and/or files (leave it out for both)");
        }
      }
      Duration keep = o.duration("keep-failed-for", PlanDefaults.DRILL_KEEP_FAILED_FOR);
      if (keep != null && (keep.isNegative() || keep.compareTo(Duration.ofDays(365)) > 0)) {
        o.error("keep-failed-for", Durations.compact(keep), "must be between 0s and 365d (how"
            + " long a failed drill's scratch targets are kept for inspection)");
      }
      String verify = o.string("verify-by-restore", false);
      VerifyByRestore mode = PlanDefaults.VERIFY_BY_RESTORE;
      if (verify != null) {
        if (!VERIFY_MODES.contains(verify.toLowerCase(Locale.ROOT))) {
          o.error("verify-by-restore", verify, "must be daily (the first database backup of each"
              + " day is restored into scratch), every (every backup) or off"
              + suggestion(verify, VERIFY_MODES));
        } else {
          mode = VerifyByRestore.valueOf(verify.toUpperCase(Locale.ROOT));
        }
      }
      o.finish();
      return new DrillSettings(cleanScope.isEmpty() ? PlanDefaults.DRILL_SCOPE
          : List.copyOf(cleanScope), keep == null ? PlanDefaults.DRILL_KEEP_FAILED_FOR : keep,
          mode);
    }

    /** Optional section: the post-mortem's owner, due dates and reminders. */
    PostIncidentSettings postIncident(Obj o, List<EscalationLevel> escalation) {
      if (o == null) {
        return PlanDefaults.postIncident(null);
      }
      String owner = o.string("owner", false);
      if (owner != null && escalation != null && escalation.stream()
          .noneMatch(l -> l.approvers() != null && l.approvers().contains(owner))) {
        o.error("owner", owner, "must be an approver of an escalation level (the post-mortem's"
            + " reminders escalate along the chain from there)");
      }
      Duration due = o.duration("due", PlanDefaults.POST_INCIDENT_DUE);
      Duration before = o.duration("remind-before", PlanDefaults.POST_INCIDENT_REMIND_BEFORE);
      Duration every = o.duration("reminder-interval",
          PlanDefaults.POST_INCIDENT_REMINDER_INTERVAL);
      if (due != null && due.compareTo(Duration.ofHours(1)) < 0) {
        o.error("due", Durations.compact(due), "must be at least 1h");
      }
      if (every != null && every.compareTo(Duration.ofMinutes(1)) < 0) {
        o.error("reminder-interval", Durations.compact(every), "must be at least 1m");
      }
      o.finish();
      return PlanDefaults.postIncident(new PostIncidentSettings(owner, due, before, every));
    }

    /**
     * Optional section; missing means the defaults (signatures required, no keys, no four-eyes
     * exception). When signatures are required, every approver of the escalation chain must have
     * a key: each one without is an error.
     */
    ApprovalSettings approvals(Obj o, List<EscalationLevel> escalation) {
      SignatureMode mode = PlanDefaults.SIGNATURES;
      String signersPath = null;
      String signersSha = null;
      List<AllowedSigner> signers = List.of();
      boolean requesterMayApprove = PlanDefaults.REQUESTER_MAY_APPROVE;
      Map<String, Integer> minApprovers = new java.util.LinkedHashMap<>();
      String where = "approvals.allowed-signers";
      if (o != null) {
        String given = o.string("signatures", false);
        if (given != null) {
          if (!SIGNATURE_MODES.contains(given.toLowerCase(Locale.ROOT))) {
            o.error("signatures", given, "must be required (every decision signed by the"
                + " approver's SSH key) or optional" + suggestion(given, SIGNATURE_MODES));
          } else {
            mode = SignatureMode.valueOf(given.toUpperCase(Locale.ROOT));
          }
        }
        signersPath = o.string("allowed-signers", false);
        Boolean may = o.bool("requester-may-approve", PlanDefaults.REQUESTER_MAY_APPROVE);
        requesterMayApprove = Boolean.TRUE.equals(may);
        Obj min = o.optionalObj("min-approvers");
        if (min != null) {
          for (Iterator<String> it = min.node.fieldNames(); it.hasNext(); ) {
            String step = it.next();
            Integer n = min.integer(step, null);
            if (n != null && (n < 1 || n > 4)) {
              min.error(step, String.valueOf(n), "must be between 1 and 4 distinct approvers");
            } else if (n != null) {
              minApprovers.put(step, n);
            }
          }
          min.finish();
        }
        o.finish();
      }
      if (signersPath != null) {
        String given = signersPath;
        Path file = dir.resolve(signersPath).normalize();
        try {
          byte[] bytes = Files.readAllBytes(file);
          signersSha = sha256(bytes);
          AllowedSigners.Parsed parsed =
              AllowedSigners.parse(new String(bytes, StandardCharsets.UTF_8));
          parsed.problems().forEach(p -> errors.add(new PlanProblem(where, given, p)));
          parsed.warnings().forEach(p -> warnings.add(new PlanProblem(where, given, p)));
          signers = parsed.signers();
        } catch (IOException e) {
          errors.add(new PlanProblem(where, signersPath, "cannot read " + file + " ("
              + e.getClass().getSimpleName() + "): an OpenSSH allowed_signers file, relative to"
              + " the plan file"));
        }
      }
      if (mode == SignatureMode.REQUIRED && escalation != null) {
        Set<String> withKey = new HashSet<>();
        for (AllowedSigner s : signers) {
          if (s.namespaces().isEmpty() || s.namespaces().contains(SshSignature.NAMESPACE)) {
            withKey.addAll(s.principals());
          }
        }
        Set<String> without = new LinkedHashSet<>();
        for (EscalationLevel l : escalation) {
          for (String a : l.approvers()) {
            if (a != null && !withKey.contains(a)) {
              without.add(a);
            }
          }
        }
        if (!without.isEmpty()) {
          errors.add(new PlanProblem(where, signersPath,
              "signatures are required but " + String.join(", ", without)
                  + (without.size() == 1 ? " has" : " have") + " no key: add a line per approver"
                  + " to the allowed_signers file (" + (signersPath == null
                      ? "set approvals.allowed-signers" : signersPath) + "), e.g. `"
                  + without.iterator().next() + " namespaces=\"" + SshSignature.NAMESPACE
                  + "\" ssh-ed25519 AAAA…` from their id_ed25519.pub"));
        }
      }
      return new ApprovalSettings(mode, signersPath, signersSha, signers, requesterMayApprove,
          Map.copyOf(minApprovers));
    }

    // --- sections -------------------------------------------------------------------------------

    Objectives objectives(Obj o) {
      if (o == null) {
        return null;
      }
      Obj rto = o.obj("rto");
      Obj rpo = o.obj("rpo");
      o.finish();
      Duration critical = null;
      Duration nonCritical = null;
      Duration database = null;
      Duration files = null;
      if (rto != null) {
        critical = rto.duration("critical", null);
        nonCritical = rto.duration("non-critical", null);
        rto.finish();
      }
      if (rpo != null) {
        database = rpo.duration("database", null);
        files = rpo.duration("files", null);
        rpo.finish();
      }
      return new Objectives(critical, nonCritical, database, files);
    }

    DatabaseTarget database(Obj o, String application) {
      if (o == null) {
        return null;
      }
      String host = o.string("host", true);
      if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
        o.error("host", host, "must be a host name or IP address without spaces");
      }
      Integer port = o.integer("port", PlanDefaults.POSTGRES_PORT);
      if (port != null && (port < 1 || port > 65535)) {
        o.error("port", String.valueOf(port), "must be a TCP port between 1 and 65535");
        port = null;
      }
      String name = o.string("name", true);
      if (name != null && name.length() > 63) {
        o.error("name", name, "PostgreSQL names are at most 63 characters");
      }
      String user = o.string("user", true);
      if (user != null && user.length() > 63) {
        o.error("user", user, "PostgreSQL names are at most 63 characters");
      }
      String migrations = o.string("migrations", false);
      if (migrations != null && !migrations.startsWith("filesystem:")
          && !migrations.startsWith("classpath:")) {
        o.error("migrations", migrations,
            "must be a Flyway location: filesystem:PATH or classpath:PACKAGE_PATH");
      }
      String compression = o.stringOr("compression", PlanDefaults.COMPRESSION);
      if (!COMPRESSIONS.contains(compression)) {
        o.error("compression", compression, "must be one of gzip, zstd" + suggestion(compression, COMPRESSIONS));
      }
      PitrSettings pitr = pitr(o.optionalObj("pitr"), application);
      o.finish();
      return new DatabaseTarget(host, port == null ? 0 : port, name, user, migrations, compression,
          pitr);
    }

    /** {@code database.pitr}: point-in-time recovery with pgBackRest; null when absent. */
    PitrSettings pitr(Obj o, String application) {
      if (o == null) {
        return null;
      }
      String stanza = o.string("stanza", false);
      if (stanza == null && application != null) {
        stanza = application.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-");
      }
      if (stanza != null && !STANZA.matcher(stanza).matches()) {
        o.error("stanza", stanza, "must be letters, digits, - and _ (pgBackRest's stanza name)");
      }
      String dataDirectory = o.string("data-directory", true);
      if (dataDirectory != null && !dataDirectory.startsWith("/")) {
        o.error("data-directory", dataDirectory, "must be the cluster's absolute data directory"
            + " (SHOW data_directory in psql)");
      }
      String socket = o.stringOr("socket-directory", PlanDefaults.PITR_SOCKET_DIRECTORY);
      if (!socket.startsWith("/")) {
        o.error("socket-directory", socket, "must be an absolute path (SHOW"
            + " unix_socket_directories in psql)");
      }
      String osUser = o.stringOr("os-user", PlanDefaults.PITR_OS_USER);
      if (!USER_NAME.matcher(osUser).matches()) {
        o.error("os-user", osUser, "must be the OS user that owns the cluster, e.g. postgres");
      }
      String endpoint = o.string("repo-endpoint", false);
      if (endpoint != null) {
        String problem = httpUrlProblem(endpoint);
        if (problem != null) {
          o.error("repo-endpoint", masked(endpoint), problem);
        } else if (!endpoint.toLowerCase(Locale.ROOT).startsWith("https://")) {
          o.error("repo-endpoint", masked(endpoint), "must be an https:// URL: pgBackRest's S3"
              + " driver speaks only HTTPS (serve the S3 server over TLS, see README)");
        }
      }
      Map<String, String> repoOptions = new java.util.TreeMap<>();
      Obj options = o.optionalObj("repo-options");
      if (options != null) {
        for (Iterator<String> it = options.node.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          String value = options.string(key, true);
          if (!REPO_OPTION.matcher(key).matches()) {
            options.error(key, value, "must be a pgBackRest repo1-* option without the repo1-"
                + " prefix, e.g. storage-ca-file, s3-uri-style, storage-verify-tls");
          } else if (PITR_OWN_OPTIONS.contains(key)) {
            options.error(key, value, "is set by the plan itself (storage.bucket, storage.region,"
                + " storage.prefix, database.pitr.repo-endpoint, full-retention-days)");
          } else if (value != null) {
            repoOptions.put(key, value);
          }
        }
        options.finish();
      }
      Integer retention = o.integer("full-retention-days", PlanDefaults.PITR_FULL_RETENTION_DAYS);
      if (retention != null && (retention < 1 || retention > 9999)) {
        o.error("full-retention-days", String.valueOf(retention), "must be between 1 and 9999"
            + " (days full backups are kept)");
      }
      String full = o.cronOr("full-backup", PlanDefaults.PITR_FULL_BACKUP);
      String diff = o.cronOr("diff-backup", PlanDefaults.PITR_DIFF_BACKUP);
      Duration archiveMax = o.duration("archive-timeout-max", PlanDefaults.PITR_ARCHIVE_TIMEOUT_MAX);
      if (archiveMax != null && (archiveMax.isNegative() || archiveMax.isZero())) {
        o.error("archive-timeout-max", Durations.compact(archiveMax), "must be positive");
      }
      String configFile = o.string("config-file", false);
      if (configFile != null && !configFile.startsWith("/")) {
        o.error("config-file", configFile, "must be an absolute path");
      }
      if (configFile == null && stanza != null) {
        configFile = PlanDefaults.pitrConfigFile(stanza);
      }
      o.finish();
      return new PitrSettings(stanza, dataDirectory, socket, osUser, endpoint,
          Map.copyOf(repoOptions), retention == null ? PlanDefaults.PITR_FULL_RETENTION_DAYS
              : retention, full, diff, archiveMax, configFile);
    }

    FilesTarget files(Obj o) {
      if (o == null) {
        return null;
      }
      String uploads = o.string("uploads", true);
      if (uploads != null) {
        if (!uploads.startsWith("/")) {
          o.error("uploads", uploads, "must be an absolute path (starting with /) on the worker's host");
        } else if (uploads.replaceAll("/+$", "").isEmpty()) {
          o.error("uploads", uploads, "must not be / itself: recovery replaces this directory");
        } else if (Path.of(uploads).normalize().toString().length() != uploads.replaceAll("/+$", "").length()) {
          o.error("uploads", uploads, "must be a normalized path (no . or .. segments, no //)");
        }
      }
      String compression = o.stringOr("compression", PlanDefaults.COMPRESSION);
      if (!COMPRESSIONS.contains(compression)) {
        o.error("compression", compression, "must be one of gzip, zstd" + suggestion(compression, COMPRESSIONS));
      }
      o.finish();
      return new FilesTarget(uploads == null ? null : uploads.replaceAll("(?<=.)/+$", ""),
          compression);
    }

    StorageTarget storage(Obj o) {
      if (o == null) {
        return null;
      }
      String bucket = o.string("bucket", true);
      if (bucket != null) {
        String problem = bucketProblem(bucket);
        if (problem != null) {
          o.error("bucket", bucket, problem);
        }
      }
      String prefix = o.string("prefix", false);
      if (prefix == null) {
        prefix = "";
      } else if (prefix.startsWith("/") || prefix.endsWith("/")) {
        o.error("prefix", prefix, "must not start or end with / (write ai-docs, not /ai-docs/)");
      } else if (List.of(prefix.split("/")).contains("..") || prefix.contains("//")) {
        o.error("prefix", prefix, "must not contain .. or empty segments");
      }
      String region = o.string("region", true);
      if (region != null && !REGION.matcher(region).matches()) {
        o.error("region", region, "must be a region name such as us-east-1 or eu-central-1");
      }
      String endpoint = o.string("endpoint", false);
      if (endpoint != null) {
        String problem = httpUrlProblem(endpoint);
        if (problem != null) {
          o.error("endpoint", masked(endpoint), problem + "; leave it out for AWS S3");
        }
      }
      Boolean pathStyle = o.bool("path-style", endpoint != null);
      Integer retentionDays = o.integer("retention-days", null);
      if (retentionDays != null && retentionDays < 1) {
        o.error("retention-days", String.valueOf(retentionDays), "must be at least 1 (days)");
      }
      Boolean versioning = o.bool("versioning", PlanDefaults.VERSIONING);
      Integer noncurrent = o.integer("noncurrent-version-days", retentionDays == null ? 30 : retentionDays);
      if (noncurrent != null && noncurrent < 1) {
        o.error("noncurrent-version-days", String.valueOf(noncurrent), "must be at least 1 (days)");
      }
      Integer keepVerified = o.integer("keep-verified", PlanDefaults.KEEP_VERIFIED);
      if (keepVerified != null && keepVerified < 0) {
        o.error("keep-verified", String.valueOf(keepVerified), "must be 0 or more (backups per kind)");
      }
      ObjectLockSettings objectLock = objectLock(o.optionalObj("object-lock"));
      if (objectLock != null && Boolean.FALSE.equals(versioning)) {
        o.error("versioning", "false", "must be true with object-lock: S3 Object Lock works on"
            + " versioned buckets only");
      }
      o.finish();
      return new StorageTarget(bucket, prefix, region, endpoint,
          Boolean.TRUE.equals(pathStyle), retentionDays == null ? 0 : retentionDays,
          Boolean.TRUE.equals(versioning), noncurrent == null ? 0 : noncurrent,
          keepVerified == null ? PlanDefaults.KEEP_VERIFIED : keepVerified, objectLock);
    }

    /** {@code storage.object-lock: {mode: governance|compliance, days: N}}; null when absent. */
    ObjectLockSettings objectLock(Obj o) {
      if (o == null) {
        return null;
      }
      String mode = o.string("mode", true);
      ObjectLockMode parsed = null;
      if (mode != null && !OBJECT_LOCK_MODES.contains(mode.toLowerCase(Locale.ROOT))) {
        o.error("mode", mode, "must be governance (privileged users can still delete) or"
            + " compliance (nobody can, until the date)" + suggestion(mode, OBJECT_LOCK_MODES));
      } else if (mode != null) {
        parsed = ObjectLockMode.valueOf(mode.toUpperCase(Locale.ROOT));
      }
      Integer days = o.integer("days", null);
      if (days != null && (days < 1 || days > 36500)) {
        o.error("days", String.valueOf(days), "must be between 1 and 36500 (days every backup"
            + " object stays immutable)");
      }
      o.finish();
      return parsed == null || days == null ? null : new ObjectLockSettings(parsed, days);
    }

    ScheduleSettings schedules(Obj o) {
      if (o == null) {
        return null;
      }
      String timezone = o.stringOr("timezone", PlanDefaults.TIMEZONE);
      if (!timezone.equals(PlanDefaults.TIMEZONE)) {
        try {
          ZoneId.of(timezone);
        } catch (DateTimeException e) {
          o.error("timezone", timezone, "is not a time zone; use an IANA name such as UTC or Europe/Berlin");
        }
      }
      String database = o.cron("database-backup");
      String files = o.cron("file-backup");
      String retention = o.cron("retention");
      Duration catchup = o.duration("catchup-window", PlanDefaults.CATCHUP_WINDOW);
      Duration rpoWatch = o.optionalDuration("rpo-watch");
      if (rpoWatch != null && rpoWatch.compareTo(Duration.ofSeconds(1)) < 0) {
        o.error("rpo-watch", Durations.compact(rpoWatch), "must be at least 1s (how often the"
            + " RPO watch runs, e.g. 5m)");
      }
      String drill = o.cronOr("drill", PlanDefaults.DRILL_SCHEDULE);
      o.finish();
      return new ScheduleSettings(timezone, database, files, retention, catchup, drill, rpoWatch);
    }

    /**
     * Optional section: the written plan's "Contact Information". Null (with a warning) when the
     * plan has none.
     */
    Contacts contacts(Obj o) {
      if (o == null) {
        return null;
      }
      Contact primary = contact(o.obj("primary"), true);
      Contact secondary = contact(o.optionalObj("secondary"), true);
      Contact team = contact(o.optionalObj("team"), false);
      o.finish();
      return new Contacts(primary, secondary, team);
    }

    /** A person (name, phone and e-mail required) or a group (e-mail required). */
    Contact contact(Obj c, boolean person) {
      if (c == null) {
        return null;
      }
      String name = c.string("name", person);
      String phone = c.string("phone", person);
      if (phone != null && !PHONE.matcher(phone).matches()) {
        c.error("phone", phone, "must be a phone number: digits, spaces and + ( ) - . only"
            + " (write it in quotes, e.g. \"+1 555 0100\")");
      }
      String email = c.string("email", true);
      if (email != null && !EMAIL.matcher(email).matches()) {
        c.error("email", email, "must be an email address");
      }
      c.finish();
      return new Contact(name == null && !person ? PlanDefaults.TEAM_NAME : name, phone, email);
    }

    /**
     * A level's contacts: e-mail addresses, or {@code primary} / {@code secondary} / {@code team}
     * of the contact list, resolved here to their addresses (so every consumer sees addresses).
     */
    List<String> levelContacts(Obj o, Contacts directory) {
      List<String> given = o.strings("contacts", false);
      if (given == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      Set<String> unique = new HashSet<>();
      for (int j = 0; j < given.size(); j++) {
        String v = given.get(j);
        String p = "contacts[" + j + "]";
        if (v == null) {
          continue;
        }
        String address = v;
        if (Contacts.REFERENCES.contains(v.toLowerCase(Locale.ROOT))) {
          Contact c = directory == null ? null : directory.resolve(v);
          if (c == null) {
            o.error(p, v, "names the contact list's " + v.toLowerCase(Locale.ROOT)
                + ", but the plan's contacts section has " + (directory == null ? "no such list"
                    : "no " + v.toLowerCase(Locale.ROOT) + " entry"));
            continue;
          }
          address = c.email();
        } else if (!EMAIL.matcher(v).matches()) {
          o.error(p, v, "must be an email address, or primary, secondary or team (from contacts)");
          continue;
        }
        if (address != null && !unique.add(address.toLowerCase(Locale.ROOT))) {
          o.error(p, v, "is listed twice");
          continue;
        }
        out.add(address);
      }
      return out;
    }

    List<EscalationLevel> escalation(ArrayNode list, String path, Contacts directory) {
      if (list == null) {
        return null;
      }
      List<EscalationLevel> levels = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      if (list.size() != ESCALATION_LEVELS) {
        errors.add(new PlanProblem(path, list.size() + " levels",
            "must list exactly " + ESCALATION_LEVELS + " levels, 1 to " + ESCALATION_LEVELS
                + " in order (e.g. infrastructure team, development team lead, CTO, CEO)"));
      }
      for (int i = 0; i < list.size(); i++) {
        String itemPath = path + "[" + i + "]";
        JsonNode item = list.get(i);
        if (!item.isObject()) {
          errors.add(new PlanProblem(itemPath, describe(item),
              "must be a mapping with level, name, approvers, contacts, timeout"));
          continue;
        }
        Obj o = new Obj(itemPath, (ObjectNode) item);
        Integer level = o.integer("level", null);
        if (level != null) {
          if (!seen.add(level)) {
            o.error("level", String.valueOf(level), "level " + level + " appears more than once");
          } else if (level != i + 1) {
            o.error("level", String.valueOf(level),
                "levels must run 1 to " + ESCALATION_LEVELS + " in order; this entry should be level " + (i + 1));
          }
        }
        String name = o.string("name", true);
        List<String> approvers = o.strings("approvers", true);
        if (approvers != null) {
          if (approvers.isEmpty()) {
            o.error("approvers", "[]", "needs at least one approver (a user name who may approve)");
          }
          checkEach(o, "approvers", approvers, USER_NAME,
              "must be a user name without spaces (the name given to `dr approve --as`)");
        }
        List<String> contacts = levelContacts(o, directory);
        Duration timeout = o.duration("timeout", null);
        o.finish();
        levels.add(new EscalationLevel(level == null ? 0 : level, name,
            approvers == null ? List.of() : approvers, contacts, timeout));
      }
      return levels;
    }

    void checkEach(Obj o, String key, List<String> values, Pattern pattern, String problem) {
      Set<String> unique = new HashSet<>();
      for (int j = 0; j < values.size(); j++) {
        String v = values.get(j);
        String p = key + "[" + j + "]";
        if (v == null) {
          continue;
        }
        if (!pattern.matcher(v).matches()) {
          o.error(p, v, problem);
        } else if (!unique.add(v.toLowerCase(Locale.ROOT))) {
          o.error(p, v, "is listed twice");
        }
      }
    }

    NotificationSettings notifications(Obj o) {
      if (o == null) {
        return null;
      }
      Duration progress = o.duration("progress-interval", PlanDefaults.PROGRESS_INTERVAL);
      ArrayNode list = o.list("channels");
      List<NotificationChannel> channels = new ArrayList<>();
      if (list != null) {
        if (list.isEmpty()) {
          o.error("channels", "[]", "needs at least one channel, e.g. - type: log");
        }
        for (int i = 0; i < list.size(); i++) {
          String itemPath = o.child("channels") + "[" + i + "]";
          JsonNode item = list.get(i);
          if (!item.isObject()) {
            errors.add(new PlanProblem(itemPath, describe(item),
                "must be a mapping: {type: log}, {type: webhook, url: https://...},"
                    + " {type: slack, url: https://hooks.slack.com/...} or {type: email, smtp: {...}}"));
            continue;
          }
          channels.add(channel(new Obj(itemPath, (ObjectNode) item)));
        }
      }
      o.finish();
      return new NotificationSettings(progress, channels);
    }

    /** One channel: log; webhook or slack with a url; email with its smtp server. */
    NotificationChannel channel(Obj c) {
      String type = c.string("type", true);
      String url = c.string("url", false);
      boolean web = "webhook".equals(type) || "slack".equals(type);
      if (type != null && !CHANNEL_TYPES.contains(type)) {
        c.error("type", type, "must be log, webhook, slack or email" + suggestion(type, CHANNEL_TYPES));
      } else if (web) {
        if (url == null) {
          c.error("url", c.node.has("url") ? "\"\"" : null,
              "a " + type + " channel needs a url (http:// or https://)");
        } else {
          String problem = httpUrlProblem(url);
          if (problem != null) {
            c.error("url", origin(url), problem);
          }
        }
      } else if (url != null) {
        c.error("url", PlanLoader.origin(url), "only webhook and slack channels take a url");
      }
      SmtpSettings smtp = null;
      if ("email".equals(type)) {
        boolean given = c.has("smtp");
        Obj section = c.optionalObj("smtp");
        if (!given) {
          c.error("smtp", null, "is required (a section)");
        }
        smtp = smtp(section);
      } else if (c.has("smtp")) {
        c.optionalObj("smtp");
        c.error("smtp", null, "only email channels take an smtp section");
      }
      c.finish();
      return new NotificationChannel(type, url, smtp);
    }

    /** The SMTP server of an email channel; the password comes from DR_SMTP_PASSWORD. */
    SmtpSettings smtp(Obj o) {
      if (o == null) {
        return null;
      }
      String host = o.string("host", true);
      if (host != null && !HOST.matcher(host).matches()) {
        o.error("host", host, "must be a host name or IP address (no scheme, no port)");
      }
      Integer port = o.integer("port", PlanDefaults.SMTP_PORT);
      if (port != null && (port < 1 || port > 65535)) {
        o.error("port", String.valueOf(port), "must be a TCP port between 1 and 65535");
      }
      String from = o.string("from", true);
      if (from != null && !SENDER.matcher(from).matches()) {
        o.error("from", from, "must be an email address, or a name and the address in angle"
            + " brackets: DR Orchestrator <dr@example.com>");
      }
      Boolean startTls = o.bool("starttls", PlanDefaults.SMTP_STARTTLS);
      String username = o.string("username", false);
      o.finish();
      return new SmtpSettings(host, port == null ? 0 : port, from,
          startTls == null ? PlanDefaults.SMTP_STARTTLS : startTls, username);
    }

    /** Optional section: null means the application is not recovered by the orchestrator. */
    ApplicationTarget deployment(Obj o) {
      if (o == null) {
        return null;
      }
      DeployHook deploy = deployHook(o.obj("deploy"));
      EnvironmentSource environment = environment(o.optionalObj("environment"));
      HealthCheck health = health(o.obj("health"));
      Duration monitorWindow = o.duration("monitor-window", PlanDefaults.MONITOR_WINDOW);
      o.finish();
      return new ApplicationTarget(deploy, environment, health, monitorWindow);
    }

    DeployHook deployHook(Obj o) {
      if (o == null) {
        return null;
      }
      boolean hasCommand = o.has("command");
      boolean hasUrl = o.has("url");
      List<String> command = null;
      String url = null;
      String method = null;
      if (hasCommand && o.node.get("command").isTextual()) {
        o.known.add("command");
        o.error("command", o.node.get("command").asText(), "must be a list of arguments, never a"
            + " shell string: write [\"/opt/app/deploy.sh\", \"--version\", \"latest\"]");
      } else if (hasCommand) {
        command = o.strings("command", false);
        if (command != null && command.isEmpty()) {
          o.error("command", "[]", "needs at least the program to run");
        } else if (command != null && command.get(0) != null) {
          String program = command.get(0);
          if (program.chars().anyMatch(Character::isWhitespace)) {
            o.error("command[0]", program, "is one argument; give each argument as its own list"
                + " item (the command never runs through a shell)");
          } else if (program.contains("/") && !program.startsWith("/")) {
            o.error("command[0]", program, "must be an absolute path (starting with /) or a"
                + " program name found on the worker's PATH");
          }
        }
      }
      if (hasUrl) {
        url = o.string("url", false);
        if (url == null) {
          o.error("url", "\"\"", "must not be empty");
        } else {
          String problem = httpUrlProblem(url);
          if (problem != null) {
            o.error("url", masked(url), problem);
          }
        }
      }
      if (hasCommand == hasUrl) {
        errors.add(new PlanProblem(o.path, hasCommand ? "command and url" : null,
            "needs exactly one of command (an argument list run on the worker's host) or url"
                + " (an http(s) deploy webhook)"));
      }
      if (o.has("method")) {
        String given = o.string("method", false);
        method = given == null ? (hasUrl ? PlanDefaults.DEPLOY_METHOD : null)
            : given.toUpperCase(Locale.ROOT);
        if (method != null) {
          if (!hasUrl) {
            o.error("method", method, "only a url deploy hook takes a method");
          } else if (!DEPLOY_METHODS.contains(method)) {
            String close = DEPLOY_METHODS.stream().filter(m -> levenshtein(m, given.toUpperCase(Locale.ROOT)) <= 2)
                .sorted().findFirst().map(m -> "; did you mean " + m + "?").orElse("");
            o.error("method", method, "must be one of GET, POST, PUT, PATCH" + close);
          }
        }
      } else if (hasUrl) {
        method = PlanDefaults.DEPLOY_METHOD;
      }
      Duration timeout = o.duration("timeout", PlanDefaults.DEPLOY_TIMEOUT);
      o.finish();
      return new DeployHook(command, url, method, timeout);
    }

    EnvironmentSource environment(Obj o) {
      if (o == null) {
        return null;
      }
      String from = o.string("from", true);
      if (from != null) {
        if (from.startsWith("s3:")) {
          String key = from.substring(3);
          if (key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            o.error("from", from, "s3: takes a key under the storage prefix, e.g. s3:config/app.env");
          } else if (List.of(key.split("/")).contains("..") || key.contains("//")) {
            o.error("from", from, "must not contain .. or empty segments");
          }
        } else {
          String problem = absoluteFileProblem(from);
          if (problem != null) {
            o.error("from", from, "must be s3:KEY (a key under the storage prefix) or " + problem);
          }
        }
      }
      String to = o.string("to", true);
      if (to != null) {
        String problem = absoluteFileProblem(to);
        if (problem != null) {
          o.error("to", to, "must be " + problem);
        }
      }
      o.finish();
      return new EnvironmentSource(from, to);
    }

    HealthCheck health(Obj o) {
      if (o == null) {
        return null;
      }
      String url = o.string("url", true);
      if (url != null) {
        String problem = httpUrlProblem(url);
        if (problem != null) {
          o.error("url", masked(url), problem);
        }
      }
      Integer status = o.integer("expect-status", PlanDefaults.HEALTH_STATUS);
      if (status != null && (status < 100 || status > 599)) {
        o.error("expect-status", String.valueOf(status), "must be an HTTP status between 100 and 599");
      }
      Duration timeout = o.duration("timeout", PlanDefaults.HEALTH_TIMEOUT);
      Duration interval = o.duration("interval", PlanDefaults.HEALTH_INTERVAL);
      if (timeout != null && interval != null && interval.compareTo(timeout) >= 0) {
        o.error("interval", Durations.compact(interval),
            "must be shorter than the timeout (" + Durations.compact(timeout) + ")");
      }
      o.finish();
      return new HealthCheck(url, status == null ? 0 : status, timeout, interval);
    }

    /** Optional section: missing means the defaults, never null. */
    RecoverySettings recovery(Obj o) {
      if (o == null) {
        return PlanDefaults.RECOVERY;
      }
      String workDir = o.string("work-dir", false);
      if (workDir == null) {
        workDir = PlanDefaults.WORK_DIR;
      } else {
        String problem = absoluteFileProblem(workDir);
        if (problem != null) {
          o.error("work-dir", workDir, "must be " + problem);
        }
      }
      Integer jobs = o.integer("restore-jobs", PlanDefaults.RESTORE_JOBS);
      if (jobs != null && (jobs < 1 || jobs > 64)) {
        o.error("restore-jobs", String.valueOf(jobs), "must be between 1 and 64 (pg_restore -j)");
      }
      List<String> checks = o.strings("integrity-checks", false);
      String given = o.string("on-unanswered", false);
      OnUnanswered onUnanswered = PlanDefaults.ON_UNANSWERED;
      if (given != null && !ON_UNANSWERED.contains(given.toLowerCase(Locale.ROOT))) {
        o.error("on-unanswered", given, "must be remind (keep waiting and reminding after the"
            + " last level) or abort" + suggestion(given, ON_UNANSWERED));
      } else if (given != null) {
        onUnanswered = OnUnanswered.valueOf(given.toUpperCase(Locale.ROOT));
      }
      Duration reminder = o.duration("reminder-interval", PlanDefaults.REMINDER_INTERVAL);
      String role = o.string("restore-role", false);
      if (role != null && !role.matches("[A-Za-z_][A-Za-z0-9_$-]{0,62}")) {
        o.error("restore-role", role, "must be a PostgreSQL role name (letters, digits, '_',"
            + " at most 63 characters), e.g. app_restore: pg_restore runs as --role=<it>");
      }
      Duration keep = o.duration("keep-copies", PlanDefaults.KEEP_COPIES);
      o.finish();
      return new RecoverySettings(workDir, jobs == null ? PlanDefaults.RESTORE_JOBS : jobs,
          checks == null ? List.of() : checks.stream().filter(c -> c != null).toList(),
          onUnanswered, reminder, role, keep == null ? PlanDefaults.KEEP_COPIES : keep);
    }

    // --- warnings -------------------------------------------------------------------------------

    void warnings(Objectives objectives, ScheduleSettings schedules, List<EscalationLevel> escalation,
        StorageTarget storage, DatabaseTarget database) {
      if (objectives != null && database != null && database.pitr() != null
          && database.pitr().archiveTimeoutMax() != null && objectives.rpoDatabase() != null
          && database.pitr().archiveTimeoutMax().compareTo(objectives.rpoDatabase()) > 0) {
        warnings.add(new PlanProblem("database.pitr.archive-timeout-max",
            Durations.compact(database.pitr().archiveTimeoutMax()), "is longer than the database"
                + " RPO (" + Durations.human(objectives.rpoDatabase()) + "): an idle server's"
                + " last changes may reach the archive too late"));
      }
      boolean pitr = database != null && database.pitr() != null;
      if (objectives != null && schedules != null && !pitr) {
        rpoWarning("schedules.database-backup", schedules.databaseBackup(),
            objectives.rpoDatabase(), "database",
            "a scheduled pg_dump alone cannot meet it: enable point-in-time recovery (WAL archiving,"
                + " e.g. pgBackRest or WAL-G) or schedule database backups at least every "
                + Durations.human(objectives.rpoDatabase() == null ? Duration.ZERO : objectives.rpoDatabase()));
      }
      if (objectives != null && schedules != null) {
        rpoWarning("schedules.file-backup", schedules.fileBackup(), objectives.rpoFiles(), "files",
            "schedule file backups at least every "
                + Durations.human(objectives.rpoFiles() == null ? Duration.ZERO : objectives.rpoFiles()));
      }
      if (objectives != null && objectives.rtoCritical() != null && objectives.rtoNonCritical() != null
          && objectives.rtoCritical().compareTo(objectives.rtoNonCritical()) > 0) {
        warnings.add(new PlanProblem("objectives.rto.critical", Durations.compact(objectives.rtoCritical()),
            "is longer than the non-critical RTO (" + Durations.compact(objectives.rtoNonCritical())
                + "); critical systems usually come back first"));
      }
      if (objectives != null && objectives.rtoCritical() != null && escalation != null
          && escalation.stream().allMatch(l -> l.timeout() != null)) {
        Duration total = escalation.stream().map(EscalationLevel::timeout).reduce(Duration.ZERO, Duration::plus);
        if (!escalation.isEmpty() && total.compareTo(objectives.rtoCritical()) >= 0) {
          warnings.add(new PlanProblem("escalation", Durations.compact(total),
              "the escalation timeouts add up to the critical RTO or more ("
                  + Durations.compact(objectives.rtoCritical())
                  + "): the last level is asked only after the RTO is spent"));
        }
      }
      if (storage != null && storage.objectLock() != null && storage.retentionDays() > 0
          && storage.objectLock().days() > storage.retentionDays()) {
        warnings.add(new PlanProblem("storage.object-lock.days",
            String.valueOf(storage.objectLock().days()),
            "is longer than retention-days (" + storage.retentionDays() + "): the sweep keeps"
                + " every backup until its lock ends, so backups live "
                + storage.objectLock().days() + " days"));
      }
      if (storage != null && !storage.versioning() && errors.stream()
          .noneMatch(p -> p.path().startsWith("storage"))) {
        warnings.add(new PlanProblem("storage.versioning", "false",
            "without bucket versioning a deleted or overwritten backup cannot be brought back;"
                + " noncurrent-version-days has no effect"));
      }
    }

    void notificationWarnings(Contacts contacts, List<EscalationLevel> escalation,
        NotificationSettings notifications) {
      if (contacts == null) {
        warnings.add(new PlanProblem("contacts", null, "the plan has no contact list: approval"
            + " requests cannot say who to call; add contacts with primary, secondary and team"
            + " (see the example dr-plan.yaml)"));
      }
      if (notifications == null || notifications.channels() == null) {
        return;
      }
      for (int i = 0; i < notifications.channels().size(); i++) {
        NotificationChannel ch = notifications.channels().get(i);
        if (!"email".equals(ch.type())) {
          continue;
        }
        if (ch.smtp() != null && !ch.smtp().startTls() && ch.smtp().username() != null) {
          warnings.add(new PlanProblem("notifications.channels[" + i + "].smtp.starttls", "false",
              "the SMTP password would cross the network unencrypted; use starttls: true"));
        }
        for (int l = 0; escalation != null && l < escalation.size(); l++) {
          if (escalation.get(l).contacts().isEmpty()) {
            warnings.add(new PlanProblem("escalation[" + l + "].contacts", "[]",
                "the email channel reaches nobody at level " + escalation.get(l).level()
                    + ": add the level's e-mail addresses (or primary, secondary, team)"));
          }
        }
        return;
      }
    }

    void rpoWarning(String path, String cron, Duration rpo, String kind, String advice) {
      if (cron == null || rpo == null) {
        return;
      }
      Optional<Duration> interval;
      try {
        interval = Cron.parse(cron).maxInterval();
      } catch (IllegalArgumentException e) {
        return; // reported as an error already
      }
      if (interval.isEmpty() || interval.get().compareTo(rpo) > 0) {
        String every = interval.map(d -> "up to " + Durations.human(d) + " apart")
            .orElse("less than once in two months");
        warnings.add(new PlanProblem(path, cron,
            "runs " + every + " but the " + kind + " RPO is " + Durations.human(rpo) + "; " + advice));
      }
    }

    // --- tree work ------------------------------------------------------------------------------

    void rejectSecrets(JsonNode node, String path) {
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
          if (isSecretKey(e.getKey())) {
            errors.add(new PlanProblem(child, null, secretAdvice(path)));
          } else {
            rejectSecrets(e.getValue(), child);
          }
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          rejectSecrets(node.get(i), path + "[" + i + "]");
        }
      }
    }

    JsonNode substitute(JsonNode node, String path) {
      if (node.isTextual()) {
        return TextNode.valueOf(EnvSubstitution.apply(node.textValue(), env, path, errors));
      }
      if (node.isObject()) {
        ObjectNode o = (ObjectNode) node;
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          if (!isSecretKey(name)) {
            o.set(name, substitute(o.get(name), path.isEmpty() ? name : path + "." + name));
          }
        }
      } else if (node.isArray()) {
        ArrayNode a = (ArrayNode) node;
        for (int i = 0; i < a.size(); i++) {
          a.set(i, substitute(a.get(i), path + "[" + i + "]"));
        }
      }
      return node;
    }

    // --- one mapping in the file ----------------------------------------------------------------

    /** A mapping at {@code path}; remembers which keys were read so the rest can be reported. */
    final class Obj {
      final String path;
      final ObjectNode node;
      final Set<String> known = new LinkedHashSet<>();

      Obj(String path, ObjectNode node) {
        this.path = path;
        this.node = node;
      }

      String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
      }

      void error(String key, String value, String problem) {
        errors.add(new PlanProblem(child(key), value, problem));
      }

      /** The declaration of {@code key} here, which must be of one of {@code types}. */
      private PlanKeys.Key declared(String key, PlanKeys.Type... types) {
        PlanKeys.Key k = PlanKeys.of(child(key));
        if (!List.of(types).contains(k.type())) {
          throw new IllegalStateException("the plan loader reads " + child(key) + " as "
              + List.of(types) + " but PlanKeys declares it " + k);
        }
        return k;
      }

      /** Checks a read's required-ness and default against the declaration. */
      private void expect(PlanKeys.Key k, boolean required, Object defaultValue) {
        expectRequired(k, required);
        expectDefault(k, defaultValue);
      }

      private void expectRequired(PlanKeys.Key k, boolean required) {
        if (k.required() != required) {
          throw new IllegalStateException("the plan loader reads " + k.path() + " as "
              + (required ? "required" : "optional") + " but PlanKeys declares it " + k);
        }
      }

      private void expectDefault(PlanKeys.Key k, Object defaultValue) {
        if (k.defaultValue() != null && !java.util.Objects.equals(
            PlanKeys.spelled(k.defaultValue()), PlanKeys.spelled(defaultValue))) {
          throw new IllegalStateException("the plan loader's default for " + k.path() + " is "
              + PlanKeys.spelled(defaultValue) + " but PlanKeys declares "
              + PlanKeys.spelled(k.defaultValue()) + " (defaults come from PlanDefaults)");
        }
      }

      private JsonNode raw(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
      }

      /** Text (or one of an enum's values). */
      String string(String key, boolean required) {
        expectRequired(declared(key, PlanKeys.Type.STRING, PlanKeys.Type.ENUM), required);
        return text(key, required);
      }

      /** Optional text, or its declared default when absent. */
      String stringOr(String key, String defaultValue) {
        PlanKeys.Key k = declared(key, PlanKeys.Type.STRING, PlanKeys.Type.ENUM);
        expect(k, false, defaultValue);
        String s = text(key, false);
        return s == null ? defaultValue : s;
      }

      private String text(String key, boolean required) {
        JsonNode v = raw(key);
        if (v == null) {
          if (required) {
            error(key, null, "is required");
          }
          return null;
        }
        if (!v.isValueNode()) {
          error(key, describe(v), "must be a single value, not " + describe(v));
          return null;
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
          if (required) {
            error(key, "\"\"", "must not be empty");
          }
          return null;
        }
        return s;
      }

      Integer integer(String key, Integer defaultValue) {
        expect(declared(key, PlanKeys.Type.INTEGER), defaultValue == null, defaultValue);
        JsonNode v = raw(key);
        if (v == null) {
          if (defaultValue == null) {
            error(key, null, "is required");
          }
          return defaultValue;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        if (v.isTextual() && WHOLE_NUMBER.matcher(v.textValue().trim()).matches()) {
          long n = Long.parseLong(v.textValue().trim().replace("+", ""));
          if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
            return (int) n;
          }
        }
        error(key, describe(v), "must be a whole number");
        return null;
      }

      Boolean bool(String key, Boolean defaultValue) {
        expect(declared(key, PlanKeys.Type.BOOLEAN), false, defaultValue);
        JsonNode v = raw(key);
        if (v == null) {
          return defaultValue;
        }
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        if (v.isTextual()) {
          String s = v.textValue().trim().toLowerCase(Locale.ROOT);
          if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
          }
          if (s.isEmpty()) {
            return defaultValue;
          }
        }
        error(key, describe(v), "must be true or false");
        return null;
      }

      Duration duration(String key, Duration defaultValue) {
        expect(declared(key, PlanKeys.Type.DURATION), defaultValue == null, defaultValue);
        return durationValue(key, defaultValue, defaultValue == null);
      }

      /** An optional duration without a default: null when absent. */
      Duration optionalDuration(String key) {
        expect(declared(key, PlanKeys.Type.DURATION), false, null);
        return durationValue(key, null, false);
      }

      private Duration durationValue(String key, Duration defaultValue, boolean required) {
        JsonNode v = raw(key);
        if (v == null) {
          if (required) {
            error(key, null, "is required (a duration such as 30m or 4h)");
          }
          return defaultValue;
        }
        if (v.isNumber()) {
          error(key, v.asText(), "needs a unit: " + Durations.FORMAT_HINT);
          return null;
        }
        String s = text(key, true);
        if (s == null) {
          return null;
        }
        try {
          return Durations.parse(s);
        } catch (IllegalArgumentException e) {
          error(key, s, e.getMessage());
          return null;
        }
      }

      String cron(String key) {
        expect(declared(key, PlanKeys.Type.CRON), true, null);
        return parsedCron(key);
      }

      /** An optional cron expression, or its declared default when absent. */
      String cronOr(String key, String defaultValue) {
        expect(declared(key, PlanKeys.Type.CRON), false, defaultValue);
        if (!has(key)) {
          known.add(key);
          return defaultValue;
        }
        return parsedCron(key);
      }

      private String parsedCron(String key) {
        String s = text(key, true);
        if (s != null) {
          try {
            Cron.parse(s);
          } catch (IllegalArgumentException e) {
            error(key, s, e.getMessage());
          }
        }
        return s;
      }

      List<String> strings(String key, boolean required) {
        expect(declared(key, PlanKeys.Type.STRINGS), required, null);
        ArrayNode list = rawList(key, required);
        if (list == null) {
          return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          JsonNode item = list.get(i);
          if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
            error(key + "[" + i + "]", describe(item), "must be a non-empty text value");
            out.add(null);
          } else {
            out.add(item.asText().trim());
          }
        }
        return out;
      }

      /** A required list of mappings. */
      ArrayNode list(String key) {
        expect(declared(key, PlanKeys.Type.LIST), true, null);
        return rawList(key, true);
      }

      private ArrayNode rawList(String key, boolean required) {
        JsonNode v = raw(key);
        if (v == null) {
          if (required) {
            error(key, null, "is required (a list)");
          }
          return null;
        }
        if (!v.isArray()) {
          error(key, describe(v), "must be a list (items start with \"- \")");
          return null;
        }
        return (ArrayNode) v;
      }

      boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
      }

      /** A section that may be left out: null when it is (no error). */
      Obj optionalObj(String key) {
        expect(declared(key, PlanKeys.Type.SECTION, PlanKeys.Type.MAP), false, null);
        if (!has(key)) {
          known.add(key);
          return null;
        }
        return section(key);
      }

      /** A required section. */
      Obj obj(String key) {
        expect(declared(key, PlanKeys.Type.SECTION), true, null);
        return section(key);
      }

      private Obj section(String key) {
        JsonNode v = raw(key);
        if (v == null) {
          error(key, null, "is required (a section)");
          return null;
        }
        if (!v.isObject()) {
          error(key, describe(v), "must be a section (a mapping of keys)");
          return null;
        }
        return new Obj(child(key), (ObjectNode) v);
      }

      /** Reports keys nobody read: typos get a "did you mean". */
      void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (known.contains(key) || isSecretKey(key)) {
            continue;
          }
          String hint = suggestion(key, known);
          error(key, describe(node.get(key)), "unknown key" + (hint.isEmpty()
              ? "; expected one of: " + String.join(", ", known) : hint));
        }
      }
    }
  }

  // --- rules ---------------------------------------------------------------------------------------

  static boolean isSecretKey(String key) {
    return SECRET_KEYS.contains(normalize(key));
  }

  private static String secretAdvice(String section) {
    String where;
    if (section.startsWith("database")) {
      where = "the worker takes the database password from its environment: PGPASSWORD, or ~/.pgpass"
          + " of the user the worker runs as";
    } else if (section.startsWith("notifications") && section.endsWith("smtp")) {
      where = "the worker takes the SMTP password from DR_SMTP_PASSWORD in its environment";
    } else if (section.startsWith("storage")) {
      where = "the worker takes S3 credentials from the AWS default credential chain:"
          + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials or an instance/task role";
    } else {
      where = "give it to the worker through its environment (e.g. an env var or secret store),"
          + " not through the plan";
    }
    return "secrets never go in the plan (it is passed to workflows and visible in Temporal"
        + " history); remove this key: " + where;
  }

  /** S3 bucket naming rules (general purpose buckets); null when the name is fine. */
  static String bucketProblem(String b) {
    if (b.length() < 3 || b.length() > 63) {
      return "S3 bucket names are 3 to 63 characters long";
    }
    if (!b.matches("[a-z0-9.-]+")) {
      return "S3 bucket names use only lowercase letters, digits, dots and hyphens";
    }
    if (!Character.isLetterOrDigit(b.charAt(0)) || !Character.isLetterOrDigit(b.charAt(b.length() - 1))) {
      return "S3 bucket names begin and end with a letter or digit";
    }
    if (b.contains("..") || b.contains(".-") || b.contains("-.")) {
      return "S3 bucket names must not have two dots, or a dot next to a hyphen, in a row";
    }
    if (IPV4.matcher(b).matches()) {
      return "S3 bucket names must not look like an IP address";
    }
    if (b.startsWith("xn--") || b.startsWith("sthree-") || b.endsWith("-s3alias")
        || b.endsWith("--ol-s3") || b.endsWith(".mrap") || b.endsWith("--x-s3")) {
      return "S3 reserves this bucket name prefix/suffix (xn--, sthree-, -s3alias, --ol-s3, --x-s3, .mrap)";
    }
    return null;
  }

  /** null when {@code path} is an absolute, normalized path of a file; else what is wrong. */
  static String absoluteFileProblem(String path) {
    if (!path.startsWith("/")) {
      return "an absolute path (starting with /) on the worker's host";
    }
    if (path.endsWith("/") || path.contains("//") || List.of(path.split("/")).contains("..")
        || List.of(path.split("/")).contains(".")) {
      return "a normalized absolute path (no . or .. segments, no //, no trailing /)";
    }
    return null;
  }

  /** null when {@code url} is an absolute http(s) URL with a host. */
  static String httpUrlProblem(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null
          || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
        return "must be an http:// or https:// URL";
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        return "must be an http:// or https:// URL with a host";
      }
      if (uri.getRawUserInfo() != null) {
        return "must not carry credentials (user:password@): secrets never go in the plan";
      }
      return null;
    } catch (URISyntaxException e) {
      return "is not a URL: " + e.getReason();
    }
  }

  /** {@code scheme://host:port/…}: a webhook's path is often its secret (Slack), so it is not echoed. */
  public static String origin(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null) {
        return "(a URL)";
      }
      return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
          + (u.getRawPath() != null && u.getRawPath().length() > 1 ? "/…" : "");
    } catch (URISyntaxException e) {
      return "(a URL)";
    }
  }

  /** The URL with any {@code user:password@} part hidden, fit to echo in a message. */
  public static String masked(String url) {
    return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1***@");
  }

  /** {@code "; did you mean X?"}, or empty when nothing is close. */
  static String suggestion(String given, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String g = normalize(given);
    for (String c : candidates) {
      int d = normalize(c).equals(g) ? 0 : levenshtein(given.toLowerCase(Locale.ROOT), c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int allowed = given.length() <= 4 ? 1 : given.length() <= 8 ? 2 : 3;
    return best != null && bestDistance <= allowed ? "; did you mean " + best + "?" : "";
  }

  private static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String describe(JsonNode v) {
    if (v == null) {
      return null;
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.asText();
  }
}
