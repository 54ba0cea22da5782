package io.drorch.starter.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drorch.local.SampleAppServer;
import io.drorch.local.SampleApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's docker-compose.yml, .env.example and Dockerfile, read as {@code docker compose}
 * reads them with .env.example as its .env file (Docker does not run on the build machines).
 */
public final class ComposeProject {
  /** A compose interpolation; {@code $$} is a literal dollar, so {@code $${X}} is not one. */
  public static final Pattern VAR =
      Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?}");

  public final Path root;
  public final String composeText;
  public final JsonNode compose;
  /** The .env file the interpolation reads (unmodifiable): .env.example unless {@link #withEnv}. */
  public final Map<String, String> envExample;

  private ComposeProject(Path root, String composeText, JsonNode compose, Map<String, String> env) {
    this.root = root;
    this.composeText = composeText;
    this.compose = compose;
    this.envExample = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  public static ComposeProject read() {
    try {
      Path root = SampleApplication.repoRoot();
      String text = Files.readString(root.resolve("docker-compose.yml"));
      return new ComposeProject(root, text, new ObjectMapper(new YAMLFactory()).readTree(text),
          readEnvFile(root.resolve(".env.example")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same compose file read with another .env file (no .env at all: an empty map). */
  public ComposeProject withEnv(Map<String, String> dotEnv) {
    return new ComposeProject(root, composeText, compose, dotEnv);
  }

  /** KEY=VALUE lines (docker compose's .env format, also the app's environment file). */
  public static Map<String, String> readEnvFile(Path file) throws IOException {
    return SampleAppServer.readEnv(file);
  }

  public Map<String, JsonNode> services() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    compose.get("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  public JsonNode service(String name) {
    JsonNode s = compose.get("services").get(name);
    if (s == null) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return s;
  }

  public List<String> dependsOn(String service) {
    List<String> out = new ArrayList<>();
    JsonNode d = service(service).get("depends_on");
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

  /** Compose interpolation with .env.example as the .env file. */
  public String interpolate(String value) {
    Matcher m = VAR.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = envExample.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null || v.isEmpty()
          ? (m.group(2) == null ? "" : m.group(2)) : v));
    }
    m.appendTail(sb);
    return sb.toString().replace("$$", "$");
  }

  /** A service's environment, interpolated. */
  public Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = service(service).get("environment");
    if (e != null) {
      e.fields().forEachRemaining(f -> env.put(f.getKey(), interpolate(f.getValue().asText())));
    }
    return env;
  }

  /** A service's command (list form), interpolated. */
  public List<String> command(String service) {
    List<String> out = new ArrayList<>();
    JsonNode c = service(service).get("command");
    if (c != null) {
      c.forEach(n -> out.add(interpolate(n.asText())));
    }
    return out;
  }

  /** Bind mounts of a service: container path → repository path (sources starting with ./). */
  public Map<String, Path> binds(String service) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String v : volumes(service)) {
      String[] parts = v.split(":");
      if (parts[0].startsWith("./")) {
        out.put(parts[1], root.resolve(parts[0].substring(2)).normalize());
      }
    }
    return out;
  }

  /** Named volumes of a service: container path → volume name. */
  public Map<String, String> namedVolumes(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String v : volumes(service)) {
      String[] parts = v.split(":");
      if (!parts[0].startsWith("./") && !parts[0].startsWith("/")) {
        out.put(parts[1], parts[0]);
      }
    }
    return out;
  }

  private List<String> volumes(String service) {
    List<String> out = new ArrayList<>();
    JsonNode v = service(service).get("volumes");
    if (v != null) {
      v.forEach(n -> out.add(interpolate(n.asText())));
    }
    return out;
  }

  /**
   * What the Dockerfile's final stage copies from the repository: destination in the image →
   * repository path ({@code COPY --from=…} lines, the build's output, are left out).
   */
  public Map<String, Path> imageFiles() {
    Map<String, Path> out = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(root.resolve("Dockerfile"));
      int lastFrom = 0;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).trim().toUpperCase().startsWith("FROM ")) {
          lastFrom = i;
        }
      }
      for (String line : lines.subList(lastFrom, lines.size())) {
        String[] words = line.trim().split("\\s+");
        if (words.length >= 3 && words[0].equalsIgnoreCase("COPY")) {
          List<String> args = new ArrayList<>();
          boolean fromBuild = false;
          for (String w : List.of(words).subList(1, words.length)) {
            if (w.startsWith("--from=")) {
              fromBuild = true;
            } else if (!w.startsWith("--")) {
              args.add(w);
            }
          }
          if (!fromBuild && args.size() == 2) {
            out.put(args.get(1), root.resolve(args.get(0)).normalize());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The final stage's WORKDIR. */
  public String workdir() {
    try {
      String dir = "/";
      for (String line : Files.readAllLines(root.resolve("Dockerfile"))) {
        if (line.trim().toUpperCase().startsWith("WORKDIR ")) {
          dir = line.trim().split("\\s+")[1];
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
