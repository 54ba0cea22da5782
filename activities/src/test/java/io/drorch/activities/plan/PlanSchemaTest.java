package io.drorch.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import io.drorch.local.PlanFixtures;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.drorch.activities.plan.PlanKeys.Key;
import io.drorch.activities.plan.PlanKeys.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's JSON Schema is generated from the loader's declarations and judges plans as the
 * loader does: many generated mistakes of every declared key (missing, null, wrong shape, wrong
 * type, out of range, not one of the values, not matching its pattern, unknown keys, secrets,
 * the channel and deploy rules) are judged by {@link PlanLoader} and by a real draft-07
 * validator (networknt), and both must give the expected verdict.
 */
class PlanSchemaTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String REGENERATE = "./dr plan schema > " + PlanSchema.FILE;

  /** A value each patterned or length-limited text key refuses (loader and schema alike). */
  private static final Map<String, String> BAD_TEXT = Map.ofEntries(
      Map.entry("database.host", "db host"),
      Map.entry("database.migrations", "sample/db/migration"),
      Map.entry("database.pitr.stanza", "my stanza"),
      Map.entry("database.pitr.data-directory", "var/lib/postgresql/15/main"),
      Map.entry("database.pitr.socket-directory", "run/postgresql"),
      Map.entry("database.pitr.os-user", "two words"),
      Map.entry("database.pitr.repo-endpoint", "http://s3.example.com"),
      Map.entry("database.pitr.config-file", "pgbackrest.conf"),
      Map.entry("files.uploads", "relative/uploads"),
      Map.entry("storage.bucket", "Bad_Bucket"),
      Map.entry("storage.prefix", "/ai-docs/"),
      Map.entry("storage.region", "US East"),
      Map.entry("storage.endpoint", "ftp://minio:9000"),
      Map.entry("contacts.primary.phone", "call me"),
      Map.entry("contacts.primary.email", "alice-at-example"),
      Map.entry("contacts.secondary.phone", "call me"),
      Map.entry("contacts.secondary.email", "bob"),
      Map.entry("contacts.team.phone", "none"),
      Map.entry("contacts.team.email", "team"),
      Map.entry("escalation[].approvers", "two words"),
      Map.entry("escalation[].contacts", "not-an-address"),
      Map.entry("notifications.channels[].url", "hooks.example.com/x"),
      Map.entry("notifications.channels[].smtp.host", "smtp://mail.example.com:587"),
      Map.entry("deployment.deploy.url", "ci.example.com/deploy"),
      Map.entry("deployment.environment.from", "config/app.env"),
      Map.entry("deployment.environment.to", "app.env"),
      Map.entry("deployment.health.url", "localhost:8080/health"),
      Map.entry("recovery.work-dir", "tmp/dr"),
      Map.entry("drills.scope", "application"),
      Map.entry("recovery.restore-role", "app restore"));

  enum Verdict { ACCEPT, REJECT }

  /**
   * Mistakes only the loader sees: rules across keys that a schema of shapes does not express
   * (the editor accepts them, `dr plan validate` refuses them with a message saying why).
   */
  private static final Set<String> LOADER_ONLY = Set.of(
      // escalation levels name primary/secondary/team of the contact list
      "contacts removed", "contacts null", "contacts.secondary removed", "contacts.secondary null",
      "contacts.team removed", "contacts.team null",
      // the health check's interval must be shorter than its timeout
      "deployment.health.interval 1h30m",
      // signatures required (the default): every approver needs a key in allowed_signers
      "approvals removed", "approvals null", "approvals.allowed-signers removed",
      "approvals.allowed-signers null");

  record Mistake(String description, Verdict expected, ObjectNode plan) {}

  @Test
  void theCheckedInSchemaIsTheGeneratedOne() throws Exception {
    Path file = PlanFixtures.repoRoot().resolve(PlanSchema.FILE);
    assertTrue(Files.isRegularFile(file), PlanSchema.FILE + " is missing at the repository's top;"
        + " generate it with `" + REGENERATE + "` and commit it");
    assertEquals(PlanSchema.json(), Files.readString(file), PlanSchema.FILE + " differs from"
        + " what the plan's declarations (PlanKeys) generate: regenerate it with `" + REGENERATE
        + "` and commit it");
  }

  @Test
  void theSchemaIsAValidDraft07Schema() {
    JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
        .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema"));
    assertEquals(Set.of(), meta.validate(PlanSchema.generate()));
  }

  @Test
  void theShippedPlanNamesTheSchemaOnItsFirstLineAndMatchesIt() throws Exception {
    String text = PlanFixtures.exampleText();
    assertEquals(PlanSchema.modeline(PlanSchema.FILE), text.lines().findFirst().orElse(""));
    assertEquals(Set.of(), schema().validate(YAML.readTree(text)));
  }

  @Test
  void aWrittenPlanNamesTheSchemaWrittenBesideItAndMatchesIt(@TempDir Path dir) throws Exception {
    Path out = PlanWriter.write(PlanLoader.load(PlanFixtures.examplePlan()), dir.resolve("dr-plan.yaml"));
    assertEquals(PlanSchema.modeline(PlanSchema.FILE), Files.readAllLines(out).get(0));
    assertEquals(PlanSchema.json(), Files.readString(dir.resolve(PlanSchema.FILE)));
    assertEquals(Set.of(), schema().validate(YAML.readTree(out.toFile())));
  }

  @Test
  void subSecondDurationsAreWrittenAndReadBackUnchanged(@TempDir Path dir) throws Exception {
    var plan = PlanLoader.load(PlanFixtures.examplePlan());
    var app = plan.deployment();
    var hc = app.health();
    plan = plan
        .withNotifications(new io.drorch.workflows.contracts.plan.NotificationSettings(
            java.time.Duration.ofMillis(1500), plan.notifications().channels(),
            plan.notifications().contacts()))
        .withDeployment(new io.drorch.workflows.contracts.plan.ApplicationTarget(app.deploy(),
            app.environment(), new io.drorch.workflows.contracts.plan.HealthCheck(hc.url(),
                hc.expectStatus(), java.time.Duration.ofSeconds(3), java.time.Duration.ofMillis(250)),
            java.time.Duration.ofMinutes(1).plusMillis(5)));
    Path out = PlanWriter.write(plan, dir.resolve("dr-plan.yaml"));
    String text = Files.readString(out);
    assertTrue(text.contains("1s500ms") && text.contains("250ms") && text.contains("1m5ms"), text);
    assertEquals(Set.of(), schema().validate(YAML.readTree(text)), "the schema takes ms");
    var back = PlanLoader.load(out);
    assertEquals(java.time.Duration.ofMillis(1500), back.notifications().progressInterval());
    assertEquals(java.time.Duration.ofMillis(250), back.deployment().health().interval());
    assertEquals(java.time.Duration.ofMillis(60_005), back.deployment().monitorWindow());
    // (the allowed_signers file is written anew beside the plan: its hash is its own)
    assertEquals(plan.withApprovals(null), back.withApprovals(null), "read back as written");
  }

  @Test
  void everyKeyHasADescriptionAndTheBasePlansUseEveryKey() throws Exception {
    Set<String> used = new LinkedHashSet<>();
    for (ObjectNode base : basePlans()) {
      collect(base, "", used);
    }
    for (Key k : PlanKeys.all()) {
      assertTrue(!k.description().isBlank(), k.path() + " has no description");
      assertTrue(used.contains(k.path()), "no base plan of this test has " + k.path());
    }
  }

  @Test
  void loaderAndSchemaJudgeGeneratedMistakesAlike() throws Exception {
    List<Mistake> mistakes = new ArrayList<>();
    List<ObjectNode> bases = basePlans();
    for (int b = 0; b < bases.size(); b++) {
      ObjectNode base = bases.get(b);
      assertEquals("", loaderProblems(base), "base plan " + b + " must load");
      assertEquals(Set.of(), schema().validate(base), "base plan " + b + " must match the schema");
      for (Key k : PlanKeys.all()) {
        // the second base differs only in its deploy hook
        if (b == 0 || k.path().startsWith("deployment.deploy")) {
          mistakesOf(base, "base " + b + ": ", k, mistakes);
        }
      }
    }
    mistakesOfRules(bases.get(0), mistakes);

    List<String> wrong = new ArrayList<>();
    int rejected = 0;
    for (Mistake m : mistakes) {
      JsonNode reread = YAML.readTree(YAML.writeValueAsString(m.plan()));
      String loader = loaderProblems(reread);
      Set<ValidationMessage> schema = schema().validate(reread);
      Verdict byLoader = loader.isEmpty() ? Verdict.ACCEPT : Verdict.REJECT;
      Verdict bySchema = schema.isEmpty() ? Verdict.ACCEPT : Verdict.REJECT;
      String what = m.description().substring(m.description().indexOf(": ") + 2);
      Verdict schemaExpected = LOADER_ONLY.contains(what) ? Verdict.ACCEPT : m.expected();
      Verdict loaderExpected = LOADER_ONLY.contains(what) ? Verdict.REJECT : m.expected();
      if (byLoader != loaderExpected || bySchema != schemaExpected) {
        wrong.add(m.description() + ": expected loader " + loaderExpected + " and schema "
            + schemaExpected + ", loader " + byLoader
            + (loader.isEmpty() ? "" : " (" + loader.lines().skip(1).findFirst().orElse("") + ")")
            + ", schema " + bySchema + (schema.isEmpty() ? "" : " " + schema));
      }
      rejected += m.expected() == Verdict.REJECT ? 1 : 0;
    }
    assertEquals(List.of(), wrong, wrong.size() + " of " + mistakes.size() + " judged unlike");
    assertTrue(rejected > 250, "only " + rejected + " mistakes generated");
    System.out.println("PlanSchemaTest: " + mistakes.size() + " generated plans (" + rejected
        + " mistakes) judged alike by the loader and the schema, but for the loader-only rules");
  }

  // --- mistakes ---------------------------------------------------------------------------------

  private static void mistakesOf(ObjectNode base, String prefix, Key k, List<Mistake> out) {
    if (k.path().endsWith("[]")) {
      return;
    }
    Loc at = locate(base, k.path());
    if (at == null) {
      return;
    }
    String p = prefix + at.concrete;
    Consumer<Object[]> add = a -> out.add(new Mistake(p + " " + a[0], (Verdict) a[1],
        (ObjectNode) a[2]));
    boolean conditional = isConditional(k);
    if (k.path().endsWith(".*")) {
      // a free-keyed mapping's entry: any may be left out
    } else if (k.required()) {
      add.accept(new Object[] {"removed", Verdict.REJECT, with(base, k.path(), null, true)});
      add.accept(new Object[] {"null", Verdict.REJECT, with(base, k.path(), NODES.nullNode(), false)});
    } else if (!conditional) {
      add.accept(new Object[] {"removed", Verdict.ACCEPT, with(base, k.path(), null, true)});
      add.accept(new Object[] {"null", Verdict.ACCEPT, with(base, k.path(), NODES.nullNode(), false)});
    }
    ObjectNode mapping = NODES.objectNode().put("x", 1);
    ArrayNode list = NODES.arrayNode().add("a");
    switch (k.type()) {
      case SECTION, MAP -> {
        add.accept(new Object[] {"a text", Verdict.REJECT, with(base, k.path(), NODES.textNode("x"), false)});
        add.accept(new Object[] {"a list", Verdict.REJECT, with(base, k.path(), list, false)});
        if (k.type() == Type.SECTION) {
          ObjectNode unknown = with(base, k.path(), null, false);
          ObjectNode section = (ObjectNode) locate(unknown, k.path()).value();
          String first = PlanKeys.children(k.path()).get(0).name();
          section.put(first + "s", "x");
          add.accept(new Object[] {"unknown key " + first + "s", Verdict.REJECT, unknown});
          ObjectNode secret = with(base, k.path(), null, false);
          ((ObjectNode) locate(secret, k.path()).value()).put("password", "hunter2");
          add.accept(new Object[] {"a password", Verdict.REJECT, secret});
        }
      }
      case LIST -> {
        add.accept(new Object[] {"a mapping", Verdict.REJECT, with(base, k.path(), mapping, false)});
        add.accept(new Object[] {"empty", Verdict.REJECT, with(base, k.path(), NODES.arrayNode(), false)});
        if (k.maxItems() != null) {
          ArrayNode more = ((ArrayNode) at.value()).deepCopy();
          more.add(more.get(0).deepCopy());
          add.accept(new Object[] {"one item too many", Verdict.REJECT, with(base, k.path(), more, false)});
          ArrayNode fewer = ((ArrayNode) at.value()).deepCopy();
          fewer.remove(fewer.size() - 1);
          add.accept(new Object[] {"one item too few", Verdict.REJECT, with(base, k.path(), fewer, false)});
        }
        ArrayNode scalarItem = ((ArrayNode) at.value()).deepCopy();
        scalarItem.set(0, NODES.textNode("x"));
        add.accept(new Object[] {"a text item", Verdict.REJECT, with(base, k.path(), scalarItem, false)});
      }
      case STRINGS -> {
        add.accept(new Object[] {"a mapping", Verdict.REJECT, with(base, k.path(), mapping, false)});
        add.accept(new Object[] {"a blank item", Verdict.REJECT,
            with(base, k.path(), NODES.arrayNode().add(" "), false)});
        add.accept(new Object[] {"a mapping item", Verdict.REJECT,
            with(base, k.path(), NODES.arrayNode().add(mapping), false)});
        if (k.minItems() != null && k.minItems() > 0) {
          add.accept(new Object[] {"empty", Verdict.REJECT, with(base, k.path(), NODES.arrayNode(), false)});
        }
        if (k.pattern() != null) {
          ArrayNode bad = ((ArrayNode) at.value()).deepCopy();
          bad.set(0, NODES.textNode(badText(k)));
          add.accept(new Object[] {"item " + badText(k), Verdict.REJECT, with(base, k.path(), bad, false)});
        }
      }
      default -> {
        add.accept(new Object[] {"a mapping", Verdict.REJECT, with(base, k.path(), mapping, false)});
        add.accept(new Object[] {"a list", Verdict.REJECT, with(base, k.path(), list, false)});
        scalarMistakes(base, k, at, add);
      }
    }
  }

  private static void scalarMistakes(ObjectNode base, Key k, Loc at, Consumer<Object[]> add) {
    JsonNode value = at.value();
    String valueText = value.asText();
    String path = k.path();
    switch (k.type()) {
      case INTEGER -> {
        add.accept(new Object[] {"text abc", Verdict.REJECT, with(base, path, NODES.textNode("abc"), false)});
        add.accept(new Object[] {"1.5", Verdict.REJECT, with(base, path, NODES.numberNode(1.5), false)});
        if (k.min() != null && k.min() > Integer.MIN_VALUE) {
          add.accept(new Object[] {"below " + k.min(), Verdict.REJECT,
              with(base, path, NODES.numberNode(k.min() - 1), false)});
          add.accept(new Object[] {"the minimum", Verdict.ACCEPT,
              with(base, path, NODES.numberNode(k.min()), false)});
        }
        if (k.max() != null && k.max() < Integer.MAX_VALUE) {
          add.accept(new Object[] {"above " + k.max(), Verdict.REJECT,
              with(base, path, NODES.numberNode(k.max() + 1), false)});
        }
        add.accept(new Object[] {"past the largest int", Verdict.REJECT,
            with(base, path, NODES.numberNode(3_000_000_000L), false)});
        add.accept(new Object[] {"a ${VAR:-default}", Verdict.ACCEPT,
            with(base, path, NODES.textNode("${DR_PLAN_SCHEMA_TEST_UNSET:-"
                + (value.isIntegralNumber() ? valueText : String.valueOf(k.min())) + "}"), false)});
      }
      case BOOLEAN -> {
        add.accept(new Object[] {"maybe", Verdict.REJECT, with(base, path, NODES.textNode("maybe"), false)});
        add.accept(new Object[] {"1", Verdict.REJECT, with(base, path, NODES.numberNode(1), false)});
        add.accept(new Object[] {"text TRUE", Verdict.ACCEPT, with(base, path, NODES.textNode("TRUE"), false)});
      }
      case DURATION -> {
        add.accept(new Object[] {"a bare number", Verdict.REJECT, with(base, path, NODES.numberNode(5), false)});
        add.accept(new Object[] {"5x", Verdict.REJECT, with(base, path, NODES.textNode("5x"), false)});
        add.accept(new Object[] {"0s", Verdict.REJECT, with(base, path, NODES.textNode("0s"), false)});
        add.accept(new Object[] {"-5m", Verdict.REJECT, with(base, path, NODES.textNode("-5m"), false)});
        add.accept(new Object[] {"empty", Verdict.REJECT, with(base, path, NODES.textNode(""), false)});
        add.accept(new Object[] {"1h30m", Verdict.ACCEPT, with(base, path, NODES.textNode("1h30m"), false)});
      }
      case ENUM -> {
        add.accept(new Object[] {"bogus", Verdict.REJECT, with(base, path, NODES.textNode("bogus"), false)});
        add.accept(new Object[] {"a number", Verdict.REJECT, with(base, path, NODES.numberNode(7), false)});
        String upper = valueText.toUpperCase(java.util.Locale.ROOT);
        if (!upper.equals(valueText)) {
          add.accept(new Object[] {"in upper case", k.caseInsensitive() ? Verdict.ACCEPT : Verdict.REJECT,
              with(base, path, NODES.textNode(upper), false)});
        }
      }
      case CRON -> add.accept(new Object[] {"empty", Verdict.REJECT, with(base, path, NODES.textNode(""), false)});
      case STRING -> {
        if (k.required()) {
          add.accept(new Object[] {"empty", Verdict.REJECT, with(base, path, NODES.textNode(""), false)});
          add.accept(new Object[] {"blank", Verdict.REJECT, with(base, path, NODES.textNode("   "), false)});
        }
        if (k.pattern() != null) {
          add.accept(new Object[] {badText(k), Verdict.REJECT, with(base, path, NODES.textNode(badText(k)), false)});
        }
        if (k.maxLength() != null) {
          add.accept(new Object[] {"too long", Verdict.REJECT,
              with(base, path, NODES.textNode("n".repeat(k.maxLength() + 1)), false)});
        }
      }
      default -> throw new IllegalStateException(k.toString());
    }
  }

  /** The section rules: channel url/smtp by type, deploy's exactly one of command or url, method. */
  private static void mistakesOfRules(ObjectNode base, List<Mistake> out) {
    ObjectNode logWithUrl = base.deepCopy();
    ((ObjectNode) logWithUrl.at("/notifications/channels/0")).put("url", "https://hooks.example.com/x");
    out.add(new Mistake("log channel with a url", Verdict.REJECT, logWithUrl));
    ObjectNode logWithSmtp = base.deepCopy();
    ((ObjectNode) logWithSmtp.at("/notifications/channels/0"))
        .set("smtp", NODES.objectNode().put("host", "mail.example.com").put("from", "dr@example.com"));
    out.add(new Mistake("log channel with smtp", Verdict.REJECT, logWithSmtp));
    ObjectNode slack = base.deepCopy();
    ((ArrayNode) slack.at("/notifications/channels")).addObject().put("type", "slack");
    out.add(new Mistake("slack channel without a url", Verdict.REJECT, slack));
    ObjectNode both = base.deepCopy();
    ((ObjectNode) both.at("/deployment/deploy")).put("url", "https://ci.example.com/deploy");
    out.add(new Mistake("deploy with command and url", Verdict.REJECT, both));
    ObjectNode method = base.deepCopy();
    ((ObjectNode) method.at("/deployment/deploy")).put("method", "POST");
    out.add(new Mistake("deploy command with a method", Verdict.REJECT, method));
    ObjectNode secret = base.deepCopy();
    ((ObjectNode) secret.at("/notifications/channels/2/smtp")).put("password", "hunter2");
    out.add(new Mistake("smtp password", Verdict.REJECT, secret));
    ObjectNode unknown = base.deepCopy();
    unknown.put("applications", "x");
    out.add(new Mistake("unknown top-level key applications", Verdict.REJECT, unknown));
  }

  private static boolean isConditional(Key k) {
    Key parent = PlanKeys.declared(k.parent());
    if (parent == null) {
      return false;
    }
    return parent.exactlyOneOf().contains(k.name()) || parent.dependsOn().containsKey(k.name())
        || parent.conditions().stream().anyMatch(c -> c.key().equals(k.name()));
  }

  private static String badText(Key k) {
    String bad = BAD_TEXT.get(k.path());
    if (bad == null) {
      throw new AssertionError("PlanSchemaTest.BAD_TEXT needs a value " + k.path() + " refuses");
    }
    return bad;
  }

  // --- plans ------------------------------------------------------------------------------------

  /** The shipped plan with every optional section added; and the same deploying by url. */
  private static List<ObjectNode> basePlans() throws Exception {
    ObjectNode a = (ObjectNode) YAML.readTree(PlanFixtures.exampleText());
    ((ObjectNode) a.get("storage")).set("object-lock",
        NODES.objectNode().put("mode", "governance").put("days", 30));
    ((ObjectNode) a.at("/contacts/team")).put("phone", "+1 555 0199");
    ObjectNode pitr = ((ObjectNode) a.get("database")).putObject("pitr");
    pitr.put("stanza", "ai-docs").put("data-directory", "/var/lib/postgresql/15/main")
        .put("socket-directory", "/var/run/postgresql").put("os-user", "postgres")
        .put("repo-endpoint", "https://s3.example.com").put("full-retention-days", 14)
        .put("full-backup", "0 1 * * 0").put("diff-backup", "0 1 * * 1-6")
        .put("archive-timeout-max", "60s").put("config-file", "/etc/pgbackrest/ai-docs.conf");
    pitr.putObject("repo-options").put("storage-ca-file", "/etc/ssl/certs/s3-ca.pem");
    ((ObjectNode) a.get("schedules")).put("rpo-watch", "5m");
    ((ArrayNode) a.at("/notifications/channels")).addObject().put("type", "email")
        .set("smtp", NODES.objectNode().put("host", "smtp.example.com").put("port", 587)
            .put("from", "DR Orchestrator <dr@example.com>").put("starttls", true)
            .put("username", "dr-orchestrator"));
    ((ObjectNode) a.get("recovery")).put("restore-role", "app_restore");
    ObjectNode b = a.deepCopy();
    ObjectNode deploy = (ObjectNode) b.at("/deployment/deploy");
    deploy.remove("command");
    deploy.put("url", "https://ci.example.com/hooks/deploy").put("method", "post");
    return List.of(a, b);
  }

  private static String loaderProblems(JsonNode plan) {
    try {
      PlanLoader.parse(YAML.writeValueAsString(plan), PlanFixtures.examplePlan(), Map.of());
      return "";
    } catch (PlanException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(PlanSchema.generate());

  private static JsonSchema schema() {
    return SCHEMA;
  }

  /** Where a declared key is in a plan: its mapping and name (the first occurrence with a value). */
  record Loc(ObjectNode parent, String field, String concrete) {
    JsonNode value() {
      return parent.get(field);
    }
  }

  static Loc locate(JsonNode root, String declared) {
    List<Loc> found = new ArrayList<>();
    walk(root, List.of(declared.split("\\.")), 0, "", found);
    return found.stream().filter(l -> l.parent.has(l.field)).findFirst().orElse(null);
  }

  private static void walk(JsonNode node, List<String> segs, int i, String at, List<Loc> out) {
    if (!(node instanceof ObjectNode o)) {
      return;
    }
    String seg = segs.get(i);
    boolean items = seg.endsWith("[]");
    String name = items ? seg.substring(0, seg.length() - 2) : seg;
    List<String> names = new ArrayList<>();
    if (name.equals("*")) {
      o.fieldNames().forEachRemaining(names::add);
    } else {
      names.add(name);
    }
    for (String n : names) {
      String here = at.isEmpty() ? n : at + "." + n;
      if (i == segs.size() - 1 && !items) {
        out.add(new Loc(o, n, here));
      } else if (items && o.get(n) instanceof ArrayNode a) {
        for (int j = 0; j < a.size(); j++) {
          walk(a.get(j), segs, i + 1, here + "[" + j + "]", out);
        }
      } else if (!items && o.get(n) != null) {
        walk(o.get(n), segs, i + 1, here, out);
      }
    }
  }

  /** A copy of {@code base} with the key's first occurrence set to {@code value} (or removed). */
  private static ObjectNode with(ObjectNode base, String declared, JsonNode value, boolean remove) {
    ObjectNode copy = base.deepCopy();
    Loc at = locate(copy, declared);
    if (remove) {
      at.parent.remove(at.field);
    } else if (value != null) {
      at.parent.set(at.field, value.deepCopy());
    }
    return copy;
  }

  private static void collect(JsonNode node, String path, Set<String> out) {
    if (node instanceof ObjectNode o) {
      Key self = path.isEmpty() ? null : PlanKeys.declared(path);
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String n = it.next();
        String child = self != null && self.type() == Type.MAP ? path + ".*"
            : path.isEmpty() ? n : path + "." + n;
        out.add(child);
        collect(o.get(n), child, out);
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode item : a) {
        collect(item, path + "[]", out);
      }
      if (PlanKeys.declared(path + "[]") != null) {
        out.add(path + "[]");
      }
    }
  }
}
