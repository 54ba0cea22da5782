package io.drorch.starter.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.workflows.contracts.plan.DrPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Static checks of docker-compose.yml, .env.example and the Dockerfile (Docker does not run here). */
class ComposeFileTest {
  /** A compose interpolation; {@code $$} is a literal dollar, so {@code $${X}} is not one. */
  private static final Pattern VAR =
      Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?}");

  private static Path root;
  private static String composeText;
  private static JsonNode compose;
  private static Map<String, String> envExample;

  @BeforeAll
  static void read() throws IOException {
    root = PlanFixtures.repoRoot();
    composeText = Files.readString(root.resolve("docker-compose.yml"));
    compose = new ObjectMapper(new YAMLFactory()).readTree(composeText);
    envExample = new LinkedHashMap<>();
    for (String line : Files.readAllLines(root.resolve(".env.example"))) {
      String l = line.trim();
      if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
        envExample.put(l.substring(0, l.indexOf('=')).trim(), l.substring(l.indexOf('=') + 1).trim());
      }
    }
  }

  private static Map<String, JsonNode> services() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    compose.get("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static List<String> dependsOn(JsonNode service) {
    List<String> out = new ArrayList<>();
    JsonNode d = service.get("depends_on");
    if (d == null) {
      return out;
    }
    if (d.isArray()) {
      d.forEach(n -> out.add(n.asText()));
    } else {
      d.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void everyServiceHasAnImageOrABuild() {
    assertFalse(services().isEmpty());
    services().forEach((name, s) ->
        assertTrue(s.has("image") || s.has("build"), name + " has neither image nor build"));
  }

  @Test
  void everyDependencyIsAServiceWithAKnownCondition() {
    Set<String> conditions = Set.of("service_started", "service_healthy", "service_completed_successfully");
    Map<String, JsonNode> services = services();
    services.forEach((name, s) -> {
      for (String target : dependsOn(s)) {
        assertTrue(services.containsKey(target), name + " depends on unknown service " + target);
        JsonNode spec = s.get("depends_on").get(target);
        if (spec != null && spec.has("condition")) {
          String condition = spec.get("condition").asText();
          assertTrue(conditions.contains(condition), name + " -> " + target + ": " + condition);
          if (condition.equals("service_healthy")) {
            assertTrue(services.get(target).has("healthcheck"),
                name + " waits for " + target + " to be healthy, but it has no healthcheck");
          }
        }
      }
    });
  }

  @Test
  void theWorkerWaitsForTemporalTheDatabaseAndTheBucket() {
    List<String> deps = dependsOn(services().get("worker"));
    assertTrue(deps.containsAll(List.of("temporal-create-namespace", "app-db", "minio-init")), deps.toString());
    assertTrue(services().get("temporal").get("depends_on").get("temporal-admin-tools")
        .get("condition").asText().equals("service_completed_successfully"));
  }

  @Test
  void everyVariableUsedIsDocumentedInEnvExample() {
    Set<String> missing = new TreeSet<>();
    List<String> values = new ArrayList<>();
    scalars(compose, values); // values only: compose does not interpolate comments
    for (String value : values) {
      Matcher m = VAR.matcher(value);
      while (m.find()) {
        if (!envExample.containsKey(m.group(1))) {
          missing.add(m.group(1));
        }
      }
    }
    assertTrue(values.stream().anyMatch(v -> VAR.matcher(v).find()), "no variables found at all");
    assertTrue(missing.isEmpty(), "used in docker-compose.yml but not in .env.example: " + missing);
  }

  @Test
  void imageTagsArePinned() throws IOException {
    List<String> images = new ArrayList<>();
    services().forEach((name, s) -> {
      if (s.has("image")) {
        images.add(name + " " + s.get("image").asText());
      }
    });
    for (String line : Files.readAllLines(root.resolve("Dockerfile"))) {
      if (line.trim().toUpperCase().startsWith("FROM ")) {
        images.add("Dockerfile " + line.trim().split("\\s+")[1]);
      }
    }
    for (String entry : images) {
      String image = entry.substring(entry.indexOf(' ') + 1);
      String lastPart = image.substring(image.lastIndexOf('/') + 1);
      assertTrue(lastPart.contains(":"), entry + " has no tag");
      String tag = lastPart.substring(lastPart.indexOf(':') + 1);
      assertFalse(tag.isEmpty() || tag.equals("latest") || tag.contains("${"), entry + " is not pinned");
    }
  }

  @Test
  void filesTheStackMountsOrBuildsFromExist() {
    assertTrue(Files.isRegularFile(root.resolve("Dockerfile")));
    services().forEach((name, s) -> {
      JsonNode volumes = s.get("volumes");
      if (volumes != null) {
        for (JsonNode v : volumes) {
          String source = v.asText().split(":")[0];
          if (source.startsWith("./")) {
            assertTrue(Files.exists(root.resolve(source)), name + " mounts missing " + source);
          }
        }
      }
    });
    assertTrue(Files.isRegularFile(root.resolve("deploy/temporal/setup-schema.sh")));
    assertTrue(Files.isRegularFile(root.resolve("deploy/temporal/create-namespace.sh")));
  }

  @Test
  void theSamePlanFileLoadsWithTheWorkersEnvironment() {
    Map<String, String> env = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = services().get("worker").get("environment").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      env.put(e.getKey(), interpolate(e.getValue().asText()));
    }

    DrPlan plan = PlanLoader.parse(PlanFixtures.exampleText(), PlanFixtures.examplePlan(), env).plan();

    assertEquals("app-db", plan.database().host());
    assertEquals("http://minio:9000", plan.storage().endpoint());
    assertTrue(plan.storage().pathStyle());
    assertEquals(envExample.get("DR_S3_BUCKET"), plan.storage().bucket());
    assertEquals("/app/dr-plan.yaml", env.get("DR_PLAN"));
    assertTrue(env.keySet().containsAll(List.of("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "PGPASSWORD",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")), env.keySet().toString());
  }

  @Test
  void theWorkerAndTheCodecServerShareAValidPayloadKeyAndTheUiCallsTheCodecServer() {
    Map<String, String> worker = environment("worker");
    Map<String, String> codec = environment("codec-server");

    // the same key, and a valid one (32 bytes of base64)
    var keys = io.drorch.worker.codec.PayloadKeys.from(worker);
    assertTrue(keys.enabled(), worker.toString());
    assertEquals(worker.get("DR_PAYLOAD_KEY"), codec.get("DR_PAYLOAD_KEY"));
    assertEquals(io.drorch.worker.TemporalConnection.load(worker, null, null, null).address(),
        "temporal:7233");
    assertEquals("http://localhost:" + envExample.get("DR_CODEC_HOST_PORT"),
        environment("temporal-ui").get("TEMPORAL_CODEC_ENDPOINT"));
    String command = services().get("codec-server").get("command").toString();
    assertTrue(command.contains("codec-server") && command.contains("http://localhost:8080"),
        "the codec server lets the UI's origin in: " + command);
  }

  /** A service's environment, interpolated with .env.example. */
  private static Map<String, String> environment(String service) {
    Map<String, String> env = new HashMap<>();
    services().get(service).get("environment").fields().forEachRemaining(
        e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
    return env;
  }

  private static void scalars(JsonNode node, List<String> out) {
    if (node.isContainerNode()) {
      node.fields().forEachRemaining(e -> scalars(e.getValue(), out));
      node.elements().forEachRemaining(n -> {
        if (node.isArray()) {
          scalars(n, out);
        }
      });
    } else {
      out.add(node.asText());
    }
  }

  @Test
  void namespaceSetupCreatesTheSearchAttributesTheWorkflowsSet() {
    String expected = io.drorch.workflows.common.SearchAttributes.definitions().entrySet().stream()
        .map(e -> e.getKey() + "="
            + io.drorch.workflows.common.SearchAttributes.cliType(e.getValue()))
        .collect(java.util.stream.Collectors.joining(" "));
    JsonNode env = services().get("temporal-create-namespace").get("environment");
    assertEquals(expected, interpolate(env.get("DR_SEARCH_ATTRIBUTES").asText()));
    envExample.remove("DR_SEARCH_ATTRIBUTES"); // the compose default alone
    try {
      assertEquals(expected, interpolate(env.get("DR_SEARCH_ATTRIBUTES").asText()));
    } finally {
      envExample.put("DR_SEARCH_ATTRIBUTES", expected);
    }
  }

  /** Compose interpolation with .env.example as the .env file. */
  private static String interpolate(String value) {
    Matcher m = VAR.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = envExample.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null || v.isEmpty()
          ? (m.group(2) == null ? "" : m.group(2)) : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
