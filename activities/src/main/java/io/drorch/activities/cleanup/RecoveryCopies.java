package io.drorch.activities.cleanup;

import io.drorch.activities.files.SafeExtractor;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.postgres.Jdbc;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.recovery.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a recovery leaves on purpose, found by the names it gives them: the previous live
 * database ({@code <db>_pre_…}) and directory ({@code <dir>.pre-…}), restored copies that were
 * not swapped in ({@code <db>_restore_…_a<N>}, {@code <dir>.restore-….a<N>}), the replaced env
 * file ({@code <file>.pre-<incident>}) and downloads ({@code work-dir/<incident>/}). {@code dr
 * cleanup} lists them and removes them after confirmation. A database another session holds
 * the fence of (a restore still running) is never dropped.
 */
public final class RecoveryCopies {
  /** One thing to remove. @param kind database, directory, file or downloads */
  public record Copy(String kind, String name, long bytes) {}

  private final DrPlan plan;
  private final DatabaseCredentials credentials;

  public RecoveryCopies(DrPlan plan, DatabaseCredentials credentials) {
    this.plan = plan;
    this.credentials = credentials;
  }

  /** Everything of {@code incident} that exists now. */
  public List<Copy> find(String incident) {
    List<Copy> found = new ArrayList<>();
    DatabaseTarget db = plan.database();
    if (db != null) {
      try (Connection c = maintenance(db)) {
        Pattern restore = Pattern.compile(Pattern.quote(
            Names.database(db.name(), "_restore_", incident)) + "(_a[0-9]+)?");
        String pre = Names.database(db.name(), "_pre_", incident);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT datname, pg_database_size(oid) FROM pg_database ORDER BY datname")) {
          while (rs.next()) {
            String name = rs.getString(1);
            if (name.equals(pre) || restore.matcher(name).matches()) {
              found.add(new Copy("database", name, rs.getLong(2)));
            }
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot list the databases on " + db.host() + ":"
            + db.port() + ": " + Jdbc.firstLine(e.getMessage()), e);
      }
    }
    if (plan.files() != null && plan.files().uploadsDir() != null) {
      String target = plan.files().uploadsDir();
      Path pre = Path.of(Names.directory(target, ".pre-", incident));
      Path restoreBase = Path.of(Names.directory(target, ".restore-", incident));
      Pattern restore = Pattern.compile(Pattern.quote(restoreBase.getFileName().toString())
          + "(\\.a[0-9]+)?(\\.lock)?");
      Path parent = restoreBase.getParent();
      if (parent != null && Files.isDirectory(parent)) {
        try (Stream<Path> s = Files.list(parent)) {
          s.sorted().forEach(p -> {
            String n = p.getFileName().toString();
            if (p.equals(pre) || restore.matcher(n).matches()) {
              found.add(new Copy(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                  ? "directory" : "file", p.toString(), size(p)));
            }
          });
        } catch (IOException e) {
          throw new IllegalStateException("cannot list " + parent + ": " + e, e);
        }
      }
    }
    if (plan.deployment() != null && plan.deployment().environment() != null
        && plan.deployment().environment().to() != null) {
      Path env = Path.of(plan.deployment().environment().to());
      Path kept = env.resolveSibling(env.getFileName() + ".pre-" + incident);
      if (Files.isRegularFile(kept, LinkOption.NOFOLLOW_LINKS)) {
        found.add(new Copy("file", kept.toString(), size(kept)));
      }
    }
    String workDir = PlanDefaults.recovery(plan.recovery()).workDir();
    Path downloads = Path.of(workDir).resolve(incident);
    if (Files.isDirectory(downloads, LinkOption.NOFOLLOW_LINKS)) {
      found.add(new Copy("downloads", downloads.toString(), size(downloads)));
    }
    return found;
  }

  /**
   * Removes {@code copies}; returns a line per copy that could not be removed (e.g. a database
   * whose restore still runs: its fence is held).
   */
  public List<String> remove(List<Copy> copies) {
    List<String> problems = new ArrayList<>();
    for (Copy c : copies) {
      try {
        if (c.kind().equals("database")) {
          dropDatabase(c.name()).ifPresent(problems::add);
        } else if (Files.isDirectory(Path.of(c.name()), LinkOption.NOFOLLOW_LINKS)) {
          SafeExtractor.deleteTree(Path.of(c.name()));
        } else {
          Files.deleteIfExists(Path.of(c.name()));
        }
      } catch (IOException | RuntimeException e) {
        problems.add(c.name() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  private Optional<String> dropDatabase(String name) {
    DatabaseTarget db = plan.database();
    try (Connection c = maintenance(db)) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
        ps.setString(1, "dr-orchestrator:" + name); // the restore's fence (AttemptFence)
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getBoolean(1)) {
            return Optional.of(name + ": a restore into it is still running; left alone");
          }
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + Jdbc.quoteIdent(name) + " WITH (FORCE)");
      }
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(name + ": " + Jdbc.firstLine(e.getMessage()));
    }
  }

  private Connection maintenance(DatabaseTarget db) {
    return Jdbc.connect(db.withName("postgres"), credentials.password(db));
  }

  private static long size(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
