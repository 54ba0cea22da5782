package io.drorch.starter.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.starter.compose.ComposeProject;
import io.drorch.worker.TemporalConnection;
import io.drorch.worker.codec.PayloadKeys;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.plan.DrPlan;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static checks of docker-compose.yml, .env.example and the Dockerfile (Docker does not run here;
 * ComposeSmokeTest runs the stack's smoke script against the local stack).
 */
class ComposeFileTest {
  private static ComposeProject project;

  @BeforeAll
  static void read() {
    project = ComposeProject.read();
  }

  private static Map<String, JsonNode> services() {
    return project.services();
  }

  /** One-shot services: what others wait for to complete successfully. */
  private static Set<String> oneShots() {
    Set<String> out = new TreeSet<>();
    services().forEach((name, s) -> {
      JsonNode d = s.get("depends_on");
      if (d != null && d.isObject()) {
        d.fields().forEachRemaining(e -> {
          if ("service_completed_successfully".equals(e.getValue().path("condition").asText())) {
            out.add(e.getKey());
          }
        });
      }
    });
    return out;
  }

  /** The plan the worker loads: dr-plan.yaml with the worker's environment from the compose file. */
  private static DrPlan workerPlan() {
    return PlanLoader.parse(PlanFixtures.exampleText(), PlanFixtures.examplePlan(),
        project.environment("worker")).plan();
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
      for (String target : project.dependsOn(name)) {
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
  void everyServiceThatKeepsRunningHasAHealthCheck() {
    Set<String> oneShots = oneShots();
    assertEquals(Set.of("minio-init", "temporal-admin-tools", "temporal-create-namespace"), oneShots);
    services().forEach((name, s) -> {
      if (!oneShots.contains(name)) {
        assertTrue(s.has("healthcheck"), name + " has no healthcheck");
      }
    });
  }

  @Test
  void theWorkerWaitsForTemporalTheDatabaseTheBucketTheAppAndTheWebhookReceiver() {
    List<String> deps = project.dependsOn("worker");
    assertTrue(deps.containsAll(List.of("temporal-create-namespace", "app-db", "minio-init", "app",
        "webhook")), deps.toString());
    assertTrue(services().get("temporal").get("depends_on").get("temporal-admin-tools")
        .get("condition").asText().equals("service_completed_successfully"));
  }

  @Test
  void everyVariableUsedIsDocumentedInEnvExample() {
    Set<String> missing = new TreeSet<>();
    List<String> values = new ArrayList<>();
    scalars(project.compose, values); // values only: compose does not interpolate comments
    for (String value : values) {
      Matcher m = ComposeProject.VAR.matcher(value);
      while (m.find()) {
        if (!project.envExample.containsKey(m.group(1))) {
          missing.add(m.group(1));
        }
      }
    }
    assertTrue(values.stream().anyMatch(v -> ComposeProject.VAR.matcher(v).find()),
        "no variables found at all");
    assertTrue(missing.isEmpty(), "used in docker-compose.yml but not in .env.example: " + missing);
  }

  @Test
  void withoutADotEnvFileEveryServiceGetsTheValuesOfEnvExample() {
    ComposeProject defaults = project.withEnv(Map.of());
    for (String name : services().keySet()) {
      assertEquals(project.environment(name), defaults.environment(name), name);
      assertEquals(project.command(name), defaults.command(name), name);
    }
    assertTrue(project.environment("worker").containsKey("PGPASSWORD"));
  }

  @Test
  void imageTagsArePinned() throws IOException {
    List<String> images = new ArrayList<>();
    services().forEach((name, s) -> {
      if (s.has("image")) {
        images.add(name + " " + s.get("image").asText());
      }
    });
    for (String line : Files.readAllLines(project.root.resolve("Dockerfile"))) {
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
    assertTrue(Files.isRegularFile(project.root.resolve("Dockerfile")));
    for (String name : services().keySet()) {
      project.binds(name).forEach((target, source) ->
          assertTrue(Files.exists(source), name + " mounts missing " + source));
    }
    project.imageFiles().forEach((target, source) ->
        assertTrue(Files.exists(source), "the Dockerfile copies missing " + source));
    assertTrue(Files.isRegularFile(project.root.resolve("deploy/temporal/setup-schema.sh")));
    assertTrue(Files.isRegularFile(project.root.resolve("deploy/temporal/create-namespace.sh")));
    assertTrue(Files.isExecutable(project.root.resolve("deploy/compose-smoke.sh")));
  }

  @Test
  void theSamePlanFileLoadsWithTheWorkersEnvironment() {
    Map<String, String> env = project.environment("worker");
    DrPlan plan = workerPlan();

    assertEquals("app-db", plan.database().host());
    assertEquals("http://minio:9000", plan.storage().endpoint());
    assertTrue(plan.storage().pathStyle());
    assertEquals(project.envExample.get("DR_S3_BUCKET"), plan.storage().bucket());
    assertEquals("/app/dr-plan.yaml", env.get("DR_PLAN"));
    assertTrue(env.keySet().containsAll(List.of("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "PGPASSWORD",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")), env.keySet().toString());
  }

  @Test
  void theImageCarriesTheMigrationsAndTheDeployHookThePlanNames() {
    DrPlan plan = workerPlan();
    Map<String, Path> image = project.imageFiles();
    // the recovery applies pending migrations from the plan's location, inside the image
    String location = plan.database().migrations().replaceFirst("^filesystem:", "");
    assertTrue(image.entrySet().stream().anyMatch(e -> location.startsWith(e.getKey())
        && Files.isDirectory(e.getValue().resolve(location.substring(e.getKey().length())))),
        location + " is not copied into the image: " + image);
    // the plan's deploy command is deploy/app/deploy.sh, copied where the command says
    String program = plan.deployment().deploy().command().get(0);
    assertEquals(project.root.resolve("deploy/app/deploy.sh"), image.get(program), image.toString());
    assertTrue(Files.isExecutable(image.get(program)));
  }

  @Test
  void theApplicationTheWorkerRecoversIsTheAppService() throws IOException {
    DrPlan plan = workerPlan();
    Map<String, String> env = project.environment("worker");
    URI health = URI.create(plan.deployment().health().url());
    assertEquals("app", health.getHost());
    assertTrue(project.service("app").get("healthcheck").toString()
        .contains("localhost:" + health.getPort()), "the app listens where the plan checks it");
    assertTrue(project.command("app").contains(String.valueOf(health.getPort())));
    assertEquals("http://app:" + health.getPort(), env.get("DR_APP_URL"), "where deploy.sh posts");
    URI webhook = URI.create(plan.notifications().channels().stream()
        .filter(c -> c.type().equals("webhook")).findFirst().orElseThrow().url());
    assertEquals("webhook", webhook.getHost());
    assertTrue(project.command("webhook").contains(String.valueOf(webhook.getPort())));

    // the app's environment file: seeded into the bucket at the key the plan restores from, put
    // in place by the app at the path the plan restores to, naming the database and uploads the
    // worker backs up
    Map<String, String> minio = project.environment("minio-init");
    String from = plan.deployment().environment().from();
    assertEquals(BackupKeys.root(plan.storage()) + from.substring("s3:".length()),
        minio.get("ENV_KEY"));
    Path seeded = project.binds("minio-init").get("/seed/ai-docs.env");
    assertEquals(seeded, project.binds("app").get(valueAfter(project.command("app"), "--initial-env")));
    assertEquals(plan.deployment().environment().to(),
        valueAfter(project.command("app"), "--env-file"));
    Map<String, String> appEnv = ComposeProject.readEnvFile(seeded);
    assertEquals("app-db", appEnv.get("DATABASE_HOST"));
    assertEquals(project.envExample.get("APP_DB_NAME"), appEnv.get("DATABASE_NAME"));
    assertEquals(project.envExample.get("APP_DB_USER"), appEnv.get("DATABASE_USER"));
    assertEquals(plan.files().uploadsDir(), appEnv.get("UPLOADS_DIR"));

    // what the recovery swaps in, the app sees: the same volumes hold the uploads (with the
    // staging and kept copies beside them, so a rename works) and the environment file
    for (String path : List.of(plan.files().uploadsDir(), plan.deployment().environment().to())) {
      String parent = Path.of(path).getParent().toString();
      assertEquals(project.namedVolumes("worker").get(parent), project.namedVolumes("app").get(parent),
          parent + " is not one volume of both the worker and the app");
      assertTrue(project.namedVolumes("worker").containsKey(parent), parent);
    }
  }

  private static String valueAfter(List<String> command, String option) {
    int i = command.indexOf(option);
    assertTrue(i >= 0 && i + 1 < command.size(), option + " not in " + command);
    return command.get(i + 1);
  }

  @Test
  void theWorkerAndTheCodecServerShareAValidPayloadKeyAndTheUiCallsTheCodecServer() {
    Map<String, String> worker = project.environment("worker");
    Map<String, String> codec = project.environment("codec-server");

    // the same key, and a valid one (32 bytes of base64)
    PayloadKeys keys = PayloadKeys.from(worker);
    assertTrue(keys.enabled(), worker.toString());
    assertEquals(worker.get("DR_PAYLOAD_KEY"), codec.get("DR_PAYLOAD_KEY"));
    assertEquals("temporal:7233", TemporalConnection.load(worker, null, null, null).address());
    assertEquals("http://localhost:" + project.envExample.get("DR_CODEC_HOST_PORT"),
        project.environment("temporal-ui").get("TEMPORAL_CODEC_ENDPOINT"));
    String command = project.service("codec-server").get("command").toString();
    assertTrue(command.contains("codec-server") && command.contains("http://localhost:8080"),
        "the codec server lets the UI's origin in: " + command);
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
    String expected = SearchAttributes.definitions().entrySet().stream()
        .map(e -> e.getKey() + "=" + SearchAttributes.cliType(e.getValue()))
        .collect(Collectors.joining(" "));
    assertEquals(expected, project.environment("temporal-create-namespace").get("DR_SEARCH_ATTRIBUTES"));
    // without a .env file, the compose file's default alone
    assertEquals(expected, project.withEnv(Map.of())
        .environment("temporal-create-namespace").get("DR_SEARCH_ATTRIBUTES"));
  }
}
