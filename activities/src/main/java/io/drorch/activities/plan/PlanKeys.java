package io.drorch.activities.plan;

import io.drorch.workflows.contracts.plan.PlanDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every key of {@code dr-plan.yaml}, declared once: its path, type, whether it is required, its
 * default (always taken from {@link PlanDefaults}) and a description for people and editors.
 *
 * <p>{@link PlanLoader} reads only declared keys and checks every read against its declaration
 * (type, required, default): reading an undeclared key, or reading one differently from its
 * declaration, is a programming error that fails the first load. {@link PlanSchema} generates
 * the JSON Schema ({@code dr plan schema}, {@code dr-plan.schema.json}) from the same list.
 *
 * <p>Paths: {@code database.port}; {@code escalation[].level} for a key of every list item;
 * {@code approvals.min-approvers.*} for every value of a free-keyed mapping.
 *
 * <p>A new plan key: declare it here (after its section), then read it in {@link PlanLoader} with
 * the accessor of its type; regenerate the schema with {@code ./dr plan schema >
 * dr-plan.schema.json} ({@code PlanSchemaTest} fails until the checked-in file matches).
 */
public final class PlanKeys {

  /** What a key holds. */
  public enum Type {
    /** A mapping of declared keys. */
    SECTION,
    /** A list of mappings (each item's keys declared under {@code path[]}). */
    LIST,
    /** A mapping with free keys, each value declared under {@code path.*}. */
    MAP,
    /** Text. */
    STRING,
    /** One of {@link Key#values()}. */
    ENUM,
    /** A whole number. */
    INTEGER,
    /** true or false. */
    BOOLEAN,
    /** A duration: 90s, 30m, 4h, 1d, 1h30m. */
    DURATION,
    /** A 5-field cron expression or a macro such as @daily. */
    CRON,
    /** A list of text values. */
    STRINGS
  }

  /** One declared key. Built only by this class's static initialiser, then never changed. */
  public static final class Key {
    private final String path;
    private final Type type;
    private boolean required;
    private Object defaultValue;
    private String description = "";
    private List<String> values = List.of();
    private boolean caseInsensitive;
    private Long min;
    private Long max;
    private String pattern;
    private Integer maxLength;
    private Integer minItems;
    private Integer maxItems;
    private List<String> exactlyOneOf = List.of();
    private final Map<String, String> dependsOn = new LinkedHashMap<>();
    private final List<Condition> conditions = new ArrayList<>();

    private Key(String path, Type type) {
      this.path = path;
      this.type = type;
    }

    public String path() {
      return path;
    }

    public Type type() {
      return type;
    }

    public boolean required() {
      return required;
    }

    /** The default (from {@link PlanDefaults}), or null when there is none or it depends on other keys. */
    public Object defaultValue() {
      return defaultValue;
    }

    public String description() {
      return description;
    }

    /** An {@link Type#ENUM}'s values, in lower case when {@link #caseInsensitive()}. */
    public List<String> values() {
      return values;
    }

    public boolean caseInsensitive() {
      return caseInsensitive;
    }

    public Long min() {
      return min;
    }

    public Long max() {
      return max;
    }

    /** A regular expression (Java and ECMA 262 alike) a text value must match; null: any text. */
    public String pattern() {
      return pattern;
    }

    public Integer maxLength() {
      return maxLength;
    }

    public Integer minItems() {
      return minItems;
    }

    public Integer maxItems() {
      return maxItems;
    }

    /** A section's keys of which exactly one must be given. */
    public List<String> exactlyOneOf() {
      return exactlyOneOf;
    }

    /** A section's keys that may be given only together with another key (key → needed key). */
    public Map<String, String> dependsOn() {
      return Collections.unmodifiableMap(dependsOn);
    }

    /** A section's keys required when another of its keys has one of some values. */
    public List<Condition> conditions() {
      return List.copyOf(conditions);
    }

    /** The last segment of the path ({@code port}, {@code level}, {@code *}). */
    public String name() {
      String p = path.endsWith("[]") ? path.substring(0, path.length() - 2) : path;
      return p.substring(p.lastIndexOf('.') + 1);
    }

    /** The declared path of the mapping or list this key is in; "" for top-level keys. */
    public String parent() {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? "" : path.substring(0, dot);
    }

    Key mandatory() {
      this.required = true;
      return this;
    }

    Key optional(Object defaultValue) {
      this.required = false;
      this.defaultValue = defaultValue;
      return this;
    }

    Key describe(String text) {
      this.description = text;
      return this;
    }

    Key values(String... values) {
      this.values = List.of(values);
      return this;
    }

    Key anyCase() {
      this.caseInsensitive = true;
      return this;
    }

    Key range(long min, long max) {
      this.min = min;
      this.max = max;
      return this;
    }

    Key pattern(String regex) {
      this.pattern = regex;
      return this;
    }

    Key maxLength(int n) {
      this.maxLength = n;
      return this;
    }

    Key items(int min, Integer max) {
      this.minItems = min;
      this.maxItems = max;
      return this;
    }

    Key exactlyOneOf(String... keys) {
      this.exactlyOneOf = List.of(keys);
      return this;
    }

    Key dependsOn(String key, String needed) {
      this.dependsOn.put(key, needed);
      return this;
    }

    Key requiresWhen(String key, String whenKey, String... whenValues) {
      this.conditions.add(new Condition(key, whenKey, List.of(whenValues)));
      return this;
    }

    @Override
    public String toString() {
      return path + " (" + type.name().toLowerCase(Locale.ROOT) + (required ? ", required" : "") + ")";
    }
  }

  /** In a section: {@code key} is required when {@code whenKey} is one of {@code whenValues}. */
  public record Condition(String key, String whenKey, List<String> whenValues) {}

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  // Patterns shared by several keys (they must mean the same in Java and in ECMA 262).
  static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";
  static final String HTTP_URL = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^/\\s?#@]+([/?#]\\S*)?\\s*$";
  static final String ABSOLUTE_PATH = "^\\s*/";
  static final String HTTPS_URL = "^\\s*[Hh][Tt][Tt][Pp][Ss]://[^/\\s?#@]+([/?#]\\S*)?\\s*$";
  static final String STANZA = "^\\s*[A-Za-z0-9][A-Za-z0-9_-]{0,62}\\s*$";
  static final String PG_ROLE = "^\\s*[A-Za-z_][A-Za-z0-9_$-]{0,62}\\s*$";
  static final String PERSON_PHONE = "^\\s*\\+?[0-9][0-9 ().-]{3,30}\\s*$";

  static {
    key("application", Type.STRING).mandatory()
        .describe("The application this plan recovers; named in every report, notification and"
            + " in the written plan (dr plan render).");

    section("objectives", true, "Recovery objectives: how long a recovery may take (RTO) and how"
        + " much data may be lost (RPO).");
    section("objectives.rto", true, "Recovery Time Objectives.");
    key("objectives.rto.critical", Type.DURATION).mandatory()
        .describe("RTO of critical systems, e.g. 4h: progress lines count down from it.");
    key("objectives.rto.non-critical", Type.DURATION).mandatory()
        .describe("RTO of non-critical systems, e.g. 24h.");
    section("objectives.rpo", true, "Recovery Point Objectives.");
    key("objectives.rpo.database", Type.DURATION).mandatory()
        .describe("Database RPO, e.g. 1h; the loader warns when database-backup runs less often.");
    key("objectives.rpo.files", Type.DURATION).mandatory()
        .describe("Uploaded files RPO, e.g. 24h; the loader warns when file-backup runs less often.");

    section("database", true, "The PostgreSQL database backed up with pg_dump and restored with"
        + " pg_restore. The password is never here: the worker reads PGPASSWORD or ~/.pgpass.");
    key("database.host", Type.STRING).mandatory().pattern("^\\s*[^\\s]+\\s*$")
        .describe("Host name or IP address of the PostgreSQL server (no spaces).");
    key("database.port", Type.INTEGER).optional(PlanDefaults.POSTGRES_PORT).range(1, 65535)
        .describe("TCP port of the PostgreSQL server.");
    key("database.name", Type.STRING).mandatory().maxLength(63)
        .describe("Database name (PostgreSQL names are at most 63 characters).");
    key("database.user", Type.STRING).mandatory().maxLength(63)
        .describe("User the worker connects as (PostgreSQL names are at most 63 characters).");
    key("database.migrations", Type.STRING).optional(null)
        .pattern("^\\s*(filesystem|classpath):")
        .describe("Flyway location of the application's migrations (filesystem:PATH or"
            + " classpath:PACKAGE_PATH), applied to a restored copy before it goes live.");
    key("database.compression", Type.ENUM).optional(PlanDefaults.COMPRESSION).values("gzip", "zstd")
        .describe("gzip (pg_dump -Fc) or zstd (pg_dump -Fc -Z0 | zstd).");

    section("database.pitr", false, "Point-in-time recovery with pgBackRest: WAL archived"
        + " continuously into storage.bucket under PREFIX/pgbackrest, physical base backups on"
        + " the schedules below. Run `dr pitr setup` on the database host after enabling it.");
    key("database.pitr.stanza", Type.STRING).optional(null).pattern(STANZA)
        .describe("pgBackRest's name for this cluster; default: the application name, lower case,"
            + " other characters replaced by -.");
    key("database.pitr.data-directory", Type.STRING).mandatory().pattern(ABSOLUTE_PATH)
        .describe("The cluster's absolute data directory (SHOW data_directory in psql).");
    key("database.pitr.socket-directory", Type.STRING)
        .optional(PlanDefaults.PITR_SOCKET_DIRECTORY).pattern(ABSOLUTE_PATH)
        .describe("The server's Unix socket directory (SHOW unix_socket_directories in psql).");
    key("database.pitr.os-user", Type.STRING).optional(PlanDefaults.PITR_OS_USER)
        .pattern("^\\s*[A-Za-z0-9._@+-]+\\s*$")
        .describe("The OS user that owns the cluster; pgBackRest runs as this user.");
    key("database.pitr.repo-endpoint", Type.STRING).optional(null).pattern(HTTPS_URL)
        .describe("The https:// endpoint pgBackRest uses (its S3 driver speaks only HTTPS);"
            + " default: storage.endpoint, or AWS S3.");
    key("database.pitr.repo-options", Type.MAP).optional(null)
        .describe("Further pgBackRest repo1-* options without the repo1- prefix, e.g."
            + " storage-ca-file, s3-uri-style, storage-verify-tls.");
    key("database.pitr.repo-options.*", Type.STRING).mandatory()
        .describe("The option's value.");
    key("database.pitr.full-retention-days", Type.INTEGER)
        .optional(PlanDefaults.PITR_FULL_RETENTION_DAYS).range(1, 9999)
        .describe("Days full backups are kept (pgBackRest's time-based retention); older ones"
            + " expire with their WAL.");
    key("database.pitr.full-backup", Type.CRON).optional(PlanDefaults.PITR_FULL_BACKUP)
        .describe("When the full base backup runs: 5-field cron or a macro (weekly by default).");
    key("database.pitr.diff-backup", Type.CRON).optional(PlanDefaults.PITR_DIFF_BACKUP)
        .describe("When the differential base backup runs: 5-field cron or a macro.");
    key("database.pitr.archive-timeout-max", Type.DURATION)
        .optional(PlanDefaults.PITR_ARCHIVE_TIMEOUT_MAX)
        .describe("The largest archive_timeout `dr pitr setup` accepts: an idle server's WAL"
            + " reaches S3 within it.");
    key("database.pitr.config-file", Type.STRING).optional(null).pattern(ABSOLUTE_PATH)
        .describe("Where the pgBackRest configuration is written (absolute path); default:"
            + " pgbackrest/STANZA.conf in the default recovery.work-dir.");

    section("files", true, "The uploaded files, backed up as one archive.");
    key("files.uploads", Type.STRING).mandatory().pattern(ABSOLUTE_PATH)
        .describe("Absolute, normalized path of the uploads directory on the worker's host;"
            + " recovery replaces it (never /).");
    key("files.compression", Type.ENUM).optional(PlanDefaults.COMPRESSION).values("gzip", "zstd")
        .describe("gzip (tar.gz) or zstd (tar.zst).");

    section("storage", true, "The S3 bucket backups go to. Credentials come from the worker's AWS"
        + " default credential chain, never from here.");
    key("storage.bucket", Type.STRING).mandatory()
        .pattern("^\\s*[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\\s*$")
        .describe("S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens.");
    key("storage.prefix", Type.STRING).optional(null).pattern("^\\s*([^/\\s].*[^/\\s]|[^/\\s])?\\s*$")
        .describe("Key prefix inside the bucket (no leading or trailing /); empty: the bucket's root.");
    key("storage.region", Type.STRING).mandatory().pattern("^\\s*[a-z0-9]+(-[a-z0-9]+)*\\s*$")
        .describe("Region such as us-east-1 or eu-central-1.");
    key("storage.endpoint", Type.STRING).optional(null).pattern(HTTP_URL)
        .describe("URL of an S3-compatible server (MinIO, the local stack); leave out for AWS S3.");
    key("storage.path-style", Type.BOOLEAN).optional(null)
        .describe("Path-style addressing (bucket in the path); default: true when an endpoint is"
            + " given, false for AWS S3.");
    key("storage.retention-days", Type.INTEGER).mandatory().range(1, Integer.MAX_VALUE)
        .describe("Days backups are kept before the retention sweep deletes them.");
    key("storage.versioning", Type.BOOLEAN).optional(PlanDefaults.VERSIONING)
        .describe("Bucket versioning, so a deleted or overwritten backup can be brought back.");
    key("storage.noncurrent-version-days", Type.INTEGER).optional(null).range(1, Integer.MAX_VALUE)
        .describe("Days a noncurrent object version is kept; default: retention-days.");
    key("storage.keep-verified", Type.INTEGER).optional(PlanDefaults.KEEP_VERIFIED)
        .range(0, Integer.MAX_VALUE)
        .describe("The newest N restore-verified backups of each kind are never deleted.");
    section("storage.object-lock", false, "S3 Object Lock: `dr storage init` creates the bucket with"
        + " this default retention, so every backup object is immutable for `days`.");
    key("storage.object-lock.mode", Type.ENUM).mandatory().values("governance", "compliance").anyCase()
        .describe("governance (privileged users can still delete) or compliance (nobody can,"
            + " until the date).");
    key("storage.object-lock.days", Type.INTEGER).mandatory().range(1, 36500)
        .describe("Days every backup object stays immutable.");

    section("schedules", true, "Backup and retention schedules, applied as Temporal Schedules by"
        + " `dr schedules apply`.");
    key("schedules.timezone", Type.STRING).optional(PlanDefaults.TIMEZONE)
        .describe("IANA time zone of the cron expressions, e.g. UTC or Europe/Berlin.");
    key("schedules.database-backup", Type.CRON).mandatory()
        .describe("When database backups run: 5-field cron (\"0 2 * * *\") or a macro (@hourly).");
    key("schedules.file-backup", Type.CRON).mandatory()
        .describe("When file backups run: 5-field cron or a macro.");
    key("schedules.retention", Type.CRON).mandatory()
        .describe("When the retention sweep runs: 5-field cron or a macro.");
    key("schedules.catchup-window", Type.DURATION).optional(PlanDefaults.CATCHUP_WINDOW)
        .describe("Missed runs within this window are still made up.");
    key("schedules.drill", Type.CRON).optional(PlanDefaults.DRILL_SCHEDULE)
        .describe("When the DR drill runs (`dr drill run` on a schedule): 5-field cron or a macro;"
            + " default: quarterly.");
    key("schedules.rpo-watch", Type.DURATION).optional(null)
        .describe("How often the RPO watch checks the age of the newest archived WAL and of the"
            + " newest database and file backups against the RPOs, e.g. 5m; absent: no watch.");

    section("contacts", false, "The written plan's Contact Information: named in every approval"
        + " request. A plan without it gets a warning.");
    person("contacts.primary", true, "The primary on-call contact.");
    person("contacts.secondary", false, "The secondary contact.");
    section("contacts.team", false, "The infrastructure team's e-mail group (a phone is optional).");
    key("contacts.team.name", Type.STRING).optional(PlanDefaults.TEAM_NAME)
        .describe("The group's name.");
    key("contacts.team.phone", Type.STRING).optional(null).pattern(PERSON_PHONE)
        .describe("A phone number (digits, spaces and + ( ) - .), in quotes.");
    key("contacts.team.email", Type.STRING).mandatory().pattern(EMAIL)
        .describe("The group's e-mail address.");

    key("escalation", Type.LIST).mandatory().items(4, 4)
        .describe("Who approves destructive steps, levels 1 to 4 in order; an unanswered request"
            + " moves up a level when the level's timeout passes.");
    key("escalation[]", Type.SECTION).mandatory()
        .describe("One level: level, name, approvers, contacts, timeout.");
    key("escalation[].level", Type.INTEGER).mandatory().range(1, 4)
        .describe("The level, 1 to 4, in list order.");
    key("escalation[].name", Type.STRING).mandatory()
        .describe("Who this level is, e.g. Infrastructure Team or CTO.");
    key("escalation[].approvers", Type.STRINGS).mandatory().items(1, null)
        .pattern("^\\s*[A-Za-z0-9._@+-]+\\s*$")
        .describe("User names who may approve at this level (the names `dr approve --as` takes);"
            + " each needs a key in approvals.allowed-signers when signatures are required.");
    key("escalation[].contacts", Type.STRINGS).optional(null)
        .pattern("^\\s*([^@\\s]+@[^@\\s]+\\.[^@\\s]+|[Pp][Rr][Ii][Mm][Aa][Rr][Yy]"
            + "|[Ss][Ee][Cc][Oo][Nn][Dd][Aa][Rr][Yy]|[Tt][Ee][Aa][Mm])\\s*$")
        .describe("Who is notified at this level: e-mail addresses, or primary, secondary, team"
            + " from contacts.");
    key("escalation[].timeout", Type.DURATION).mandatory()
        .describe("How long this level has to answer before the next is asked.");

    section("notifications", true, "Where incident events and progress go.");
    key("notifications.progress-interval", Type.DURATION).optional(PlanDefaults.PROGRESS_INTERVAL)
        .describe("How often recovery progress is sent to stakeholders.");
    key("notifications.channels", Type.LIST).mandatory().items(1, null)
        .describe("The channels, e.g. - type: log.");
    key("notifications.channels[]", Type.SECTION).mandatory()
        .requiresWhen("url", "type", "webhook", "slack")
        .requiresWhen("smtp", "type", "email")
        .describe("One channel: log; webhook or slack with a url; email with its smtp server.");
    key("notifications.channels[].type", Type.ENUM).mandatory().values("log", "webhook", "slack", "email")
        .describe("log, webhook (JSON POST), slack (incoming webhook) or email.");
    key("notifications.channels[].url", Type.STRING).optional(null).pattern(HTTP_URL)
        .describe("The http(s) URL of a webhook or slack channel (keep secret URLs in the"
            + " environment: ${DR_SLACK_WEBHOOK_URL}).");
    section("notifications.channels[].smtp", false, "The SMTP server of an email channel; the"
        + " password comes from DR_SMTP_PASSWORD in the worker's environment.");
    key("notifications.channels[].smtp.host", Type.STRING).mandatory()
        .pattern("^\\s*([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])\\s*$")
        .describe("Host name or IP address (no scheme, no port).");
    key("notifications.channels[].smtp.port", Type.INTEGER).optional(PlanDefaults.SMTP_PORT)
        .range(1, 65535).describe("SMTP submission port.");
    key("notifications.channels[].smtp.from", Type.STRING).mandatory()
        .describe("Sender: an address, or a name with the address in angle brackets.");
    key("notifications.channels[].smtp.starttls", Type.BOOLEAN).optional(PlanDefaults.SMTP_STARTTLS)
        .describe("Send over STARTTLS (never in clear unless false).");
    key("notifications.channels[].smtp.username", Type.STRING).optional(null)
        .describe("SMTP user; its password comes from DR_SMTP_PASSWORD.");

    section("deployment", false, "The application itself, recovered after its data; leave out:"
        + " the application is not recovered by the orchestrator.");
    key("deployment.deploy", Type.SECTION).mandatory().exactlyOneOf("command", "url")
        .dependsOn("method", "url")
        .describe("How the application is deployed: exactly one of command or url.");
    key("deployment.deploy.command", Type.STRINGS).optional(null).items(1, null)
        .describe("An argument list run on the worker's host (never a shell string); it gets"
            + " DR_INCIDENT_ID in its environment.");
    key("deployment.deploy.url", Type.STRING).optional(null).pattern(HTTP_URL)
        .describe("A CI/CD deploy webhook (http or https).");
    key("deployment.deploy.method", Type.ENUM).optional(PlanDefaults.DEPLOY_METHOD)
        .values("get", "post", "put", "patch").anyCase()
        .describe("HTTP method of the deploy webhook.");
    key("deployment.deploy.timeout", Type.DURATION).optional(PlanDefaults.DEPLOY_TIMEOUT)
        .describe("How long the deploy may take.");
    section("deployment.environment", false, "The application's env file, copied into place with"
        + " mode 600; only variable names are reported.");
    key("deployment.environment.from", Type.STRING).mandatory()
        .pattern("^\\s*(s3:[^/\\s]|/)")
        .describe("s3:KEY (a key under storage.prefix) or an absolute path on the worker's host.");
    key("deployment.environment.to", Type.STRING).mandatory().pattern(ABSOLUTE_PATH)
        .describe("Absolute path of the env file on the worker's host.");
    section("deployment.health", true, "How the recovered application is checked.");
    key("deployment.health.url", Type.STRING).mandatory().pattern(HTTP_URL)
        .describe("Health check URL (http or https).");
    key("deployment.health.expect-status", Type.INTEGER).optional(PlanDefaults.HEALTH_STATUS)
        .range(100, 599).describe("The HTTP status that means healthy.");
    key("deployment.health.timeout", Type.DURATION).optional(PlanDefaults.HEALTH_TIMEOUT)
        .describe("Give up (and ask a human) when not healthy by then.");
    key("deployment.health.interval", Type.DURATION).optional(PlanDefaults.HEALTH_INTERVAL)
        .describe("Time between checks; shorter than the timeout.");
    key("deployment.monitor-window", Type.DURATION).optional(PlanDefaults.MONITOR_WINDOW)
        .describe("How long the application is kept under watch after it came up.");

    section("recovery", false, "How recoveries run; missing: the defaults.");
    key("recovery.work-dir", Type.STRING).optional(PlanDefaults.WORK_DIR).pattern(ABSOLUTE_PATH)
        .describe("Where backups are downloaded on the worker's host (absolute path).");
    key("recovery.restore-jobs", Type.INTEGER).optional(PlanDefaults.RESTORE_JOBS).range(1, 64)
        .describe("Parallel pg_restore jobs (pg_restore -j).");
    key("recovery.integrity-checks", Type.STRINGS).optional(null)
        .describe("SQL queries run on a restored copy; each must return a single true.");
    key("recovery.on-unanswered", Type.ENUM)
        .optional(PlanDefaults.ON_UNANSWERED.name().toLowerCase(Locale.ROOT))
        .values("remind", "abort").anyCase()
        .describe("After the last escalation level: remind (keep waiting; never auto-approve) or abort.");
    key("recovery.reminder-interval", Type.DURATION).optional(PlanDefaults.REMINDER_INTERVAL)
        .describe("How often the last level is reminded.");
    key("recovery.restore-role", Type.STRING).optional(null).pattern(PG_ROLE)
        .describe("PostgreSQL role that owns what pg_restore creates (pg_restore --role);"
            + " missing: the connecting user.");
    key("recovery.keep-copies", Type.DURATION).optional(PlanDefaults.KEEP_COPIES)
        .describe("How long a recovery's kept copies (previous live data) and downloads stay"
            + " before `dr cleanup` may remove them.");

    section("drills", false, "DR tests: what a drill restores into scratch targets that can never"
        + " be the live ones, and which backups are proven restorable right after they commit.");
    key("drills.scope", Type.STRINGS).optional(null).items(1, null)
        .pattern("^\\s*([Dd][Aa][Tt][Aa][Bb][Aa][Ss][Ee]|[Ff][Ii][Ll][Ee][Ss])\\s*$")
        .describe("What a drill restores when `dr drill run` gives no --scope: database and/or"
            + " files; default: both.");
    key("drills.keep-failed-for", Type.DURATION).optional(PlanDefaults.DRILL_KEEP_FAILED_FOR)
        .describe("How long a failed drill's scratch targets are kept for inspection (at most"
            + " 365d), then removed.");
    key("drills.verify-by-restore", Type.ENUM)
        .optional(PlanDefaults.VERIFY_BY_RESTORE.name().toLowerCase(Locale.ROOT))
        .values("daily", "every", "off").anyCase()
        .describe("After a backup commits, restore it into scratch and mark it"
            + " VERIFIED_BY_RESTORE or FAILED_RESTORE: daily (the first database backup of each UTC day), every (every"
            + " backup) or off.");

    section("post-incident", false, "The post-mortem each recovery opens (`dr postmortem INC`):"
        + " who owns its five items, when they are due, how people are reminded.");
    key("post-incident.owner", Type.STRING).optional(null)
        .describe("Who owns the items by default: an approver of an escalation level; default:"
            + " the first approver of level 1.");
    key("post-incident.due", Type.DURATION).optional(PlanDefaults.POST_INCIDENT_DUE)
        .describe("Each item is due this long after the recovery ended (at least 1h).");
    key("post-incident.remind-before", Type.DURATION)
        .optional(PlanDefaults.POST_INCIDENT_REMIND_BEFORE)
        .describe("The owner is reminded this long before an item is due.");
    key("post-incident.reminder-interval", Type.DURATION)
        .optional(PlanDefaults.POST_INCIDENT_REMINDER_INTERVAL)
        .describe("Overdue items are reminded this often (at least 1m), one escalation level"
            + " higher each time.");

    section("approvals", false, "Who may decide, and how it is proven.");
    key("approvals.signatures", Type.ENUM)
        .optional(PlanDefaults.SIGNATURES.name().toLowerCase(Locale.ROOT))
        .values("required", "optional").anyCase()
        .describe("required: every decision is signed with the approver's SSH key and verified by"
            + " the worker; optional: unsigned decisions are taken (never in production).");
    key("approvals.allowed-signers", Type.STRING).optional(null)
        .describe("OpenSSH allowed_signers file, relative to the plan file: a key for every"
            + " approver of the escalation levels.");
    key("approvals.requester-may-approve", Type.BOOLEAN).optional(PlanDefaults.REQUESTER_MAY_APPROVE)
        .describe("false (four eyes): who started a recovery may not approve it.");
    key("approvals.min-approvers", Type.MAP).optional(null)
        .describe("Distinct approvers a step's APPROVE needs, by step (others: 1).");
    key("approvals.min-approvers.*", Type.INTEGER).mandatory().range(1, 4)
        .describe("Distinct approvers, 1 to 4.");
  }

  private PlanKeys() {}

  private static Key key(String path, Type type) {
    Key k = new Key(path, type);
    if (KEYS.putIfAbsent(path, k) != null) {
      throw new IllegalStateException("plan key declared twice: " + path);
    }
    return k;
  }

  private static void section(String path, boolean required, String description) {
    Key k = key(path, Type.SECTION).describe(description);
    if (required) {
      k.mandatory();
    }
  }

  private static void person(String path, boolean required, String description) {
    section(path, required, description);
    key(path + ".name", Type.STRING).mandatory().describe("Full name.");
    key(path + ".phone", Type.STRING).mandatory().pattern(PERSON_PHONE)
        .describe("A phone number (digits, spaces and + ( ) - .), in quotes: \"+1 555 0100\".");
    key(path + ".email", Type.STRING).mandatory().pattern(EMAIL).describe("E-mail address.");
  }

  /** Every declared key, parents before their children, in the order of the example plan. */
  public static List<Key> all() {
    return List.copyOf(KEYS.values());
  }

  /** The key declared at exactly {@code declaredPath}, or null. */
  public static Key declared(String declaredPath) {
    return KEYS.get(declaredPath);
  }

  /**
   * The declaration of a concrete path of a plan file ({@code escalation[2].name},
   * {@code approvals.min-approvers.database-swap}).
   *
   * @throws IllegalStateException when nothing declares it (a loader that reads an undeclared key)
   */
  public static Key of(String concretePath) {
    String path = concretePath.replaceAll("\\[\\d+]", "[]");
    Key k = KEYS.get(path);
    if (k == null) {
      int dot = path.lastIndexOf('.');
      Key parent = dot < 0 ? null : KEYS.get(path.substring(0, dot));
      if (parent != null && parent.type() == Type.MAP) {
        k = KEYS.get(parent.path() + ".*");
      }
    }
    if (k == null) {
      throw new IllegalStateException("the plan loader reads " + concretePath + ", which PlanKeys"
          + " does not declare: declare it in PlanKeys (type, required, default, description)");
    }
    return k;
  }

  /** The declared keys directly inside {@code parent} ("" for the top level). */
  public static List<Key> children(String parent) {
    List<Key> out = new ArrayList<>();
    for (Key k : KEYS.values()) {
      if (k.parent().equals(parent) && !k.path().equals(parent) && !k.path().endsWith("[]")) {
        out.add(k);
      }
    }
    return out;
  }

  /** A default as the plan would spell it (durations as 1h30m, enums in lower case). */
  public static Object spelled(Object value) {
    if (value instanceof Duration d) {
      return Durations.compact(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    return value;
  }
}
