package io.drorch.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * The application the demo and the tests back up: the "AI Docs Assistant" database (Flyway
 * migrations in {@code sample/db/migration}, one pending migration in {@code sample/db/pending})
 * and its uploads directory. All content is deterministic.
 */
public final class SampleApplication {
  /** Relative to the repository root. */
  public static final String MIGRATIONS = "sample/db/migration";
  public static final String PENDING_MIGRATIONS = "sample/db/pending";

  /** All sample rows and files carry timestamps from here on (deterministic content). */
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private SampleApplication() {}

  /** The repository root: the nearest ancestor of user.dir holding {@code sample/db/migration}. */
  public static Path repoRoot() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(MIGRATIONS))) {
        return p;
      }
    }
    throw new IllegalStateException("no " + MIGRATIONS + " directory in " + start
        + " or any parent: run from inside the repository");
  }

  public static Path migrationsDir() {
    return repoRoot().resolve(MIGRATIONS);
  }

  public static Path pendingMigrationsDir() {
    return repoRoot().resolve(PENDING_MIGRATIONS);
  }

  /**
   * Creates the database (if missing), migrates it to the newest version in sample/db/migration
   * and fills it unless it already holds users. Scale 1 is a few thousand rows per table (users
   * 1,000; api_tokens, documents, conversations 2,000; chunks, messages 10,000).
   */
  public static void createDatabase(LocalPostgres pg, String dbName, int scale) {
    pg.createDatabase(dbName);
    populate(pg.jdbcUrl(dbName), pg.superuser(), pg.password(), scale);
  }

  /**
   * Migrates an existing database to the newest version in sample/db/migration and fills it
   * unless it already holds users (as {@link #createDatabase}); any PostgreSQL server.
   */
  public static void populate(String jdbcUrl, String user, String password, int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, was " + scale);
    }
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("filesystem:" + migrationsDir())
        .load()
        .migrate();
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password)) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM users")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (String sql : fillStatements(scale)) {
          st.execute(sql);
        }
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot fill sample database " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  private static List<String> fillStatements(int scale) {
    long users = 1000L * scale;
    long docs = 2000L * scale;
    long convs = 2000L * scale;
    String t0 = "timestamptz '2026-01-01 00:00:00+00'";
    List<String> sql = new ArrayList<>();
    sql.add("INSERT INTO users (id, email, display_name, role, created_at, last_login_at)"
        + " SELECT i, 'user' || i || '@example.com', 'User ' || i,"
        + " (ARRAY['member','member','member','admin','viewer'])[1 + i % 5],"
        + " " + t0 + " + i * interval '7 minutes',"
        + " CASE WHEN i % 4 = 0 THEN NULL ELSE " + t0 + " + i * interval '11 minutes' END"
        + " FROM generate_series(1, " + users + ") AS i");
    sql.add("INSERT INTO api_tokens (id, user_id, label, token_hash, created_at, expires_at, revoked)"
        + " SELECT i, 1 + (i - 1) % " + users + ", 'token ' || i,"
        + " sha256(convert_to('token-' || i, 'UTF8')),"
        + " " + t0 + " + i * interval '5 minutes',"
        + " " + t0 + " + i * interval '5 minutes' + interval '90 days', i % 10 = 0"
        + " FROM generate_series(1, " + 2 * users + ") AS i");
    sql.add("INSERT INTO documents (id, owner_id, title, source_path, mime_type, size_bytes, sha256,"
        + " status, metadata, created_at, updated_at)"
        + " SELECT i, 1 + (i * 7) % " + users + ", 'Document ' || i || ': ' || md5('title' || i),"
        + " 'users/u' || (i % 20) || '/docs/doc-' || i || '.' || (ARRAY['pdf','md','txt','docx'])[1 + i % 4],"
        + " (ARRAY['application/pdf','text/markdown','text/plain',"
        + "'application/vnd.openxmlformats-officedocument.wordprocessingml.document'])[1 + i % 4],"
        + " (i * 7919) % 5000000, sha256(convert_to('doc-' || i, 'UTF8')),"
        + " (ARRAY['indexed','indexed','indexed','uploaded','failed'])[1 + i % 5],"
        + " jsonb_build_object('pages', 1 + i % 300, 'language', (ARRAY['en','de','fr'])[1 + i % 3],"
        + " 'tags', jsonb_build_array('tag' || (i % 13), 'tag' || (i % 7))),"
        + " " + t0 + " + i * interval '13 minutes', " + t0 + " + i * interval '13 minutes' + interval '1 hour'"
        + " FROM generate_series(1, " + docs + ") AS i");
    sql.add("INSERT INTO document_chunks (document_id, chunk_index, content, token_count, embedding)"
        + " SELECT d, k, repeat(md5(d || ':' || k) || ' ', 8 + (d + k) % 24), 64 + (d * k) % 400,"
        + " ARRAY(SELECT round(sin(d * 0.37 + k * 1.7 + j * 0.11)::numeric, 6)::real"
        + " FROM generate_series(1, 64) AS j)"
        + " FROM generate_series(1, " + docs + ") AS d, generate_series(0, 4) AS k");
    sql.add("INSERT INTO conversations (id, user_id, title, archived, created_at)"
        + " SELECT i, 1 + (i * 3) % " + users + ", 'Questions about document ' || (1 + i % " + docs + "),"
        + " i % 9 = 0, " + t0 + " + i * interval '17 minutes'"
        + " FROM generate_series(1, " + convs + ") AS i");
    sql.add("INSERT INTO messages (conversation_id, role, content, cited_chunk_ids, prompt_tokens,"
        + " completion_tokens, created_at)"
        + " SELECT c, CASE WHEN n % 2 = 0 THEN 'user' ELSE 'assistant' END,"
        + " CASE WHEN n % 2 = 0 THEN 'What does section ' || n || ' of document ' || (1 + c % " + docs
        + ") || ' say about ' || md5('q' || c || n) || '?'"
        + " ELSE 'According to the document, ' || repeat(md5('a' || c || n) || ' ', 4 + c % 12) END,"
        + " CASE WHEN n % 2 = 1 THEN ARRAY[(1 + (c * 5 + n) % " + (docs * 5) + ")::bigint] ELSE '{}' END,"
        + " CASE WHEN n % 2 = 1 THEN 200 + (c * n) % 1800 END,"
        + " CASE WHEN n % 2 = 1 THEN 50 + (c + n) % 700 END,"
        + " " + t0 + " + c * interval '17 minutes' + n * interval '40 seconds'"
        + " FROM generate_series(1, " + convs + ") AS c, generate_series(0, 4) AS n");
    // explicit ids above: move the sequences past them
    for (String t : List.of("users", "api_tokens", "documents", "conversations")) {
      sql.add("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), (SELECT max(id) FROM " + t + "))");
    }
    return sql;
  }

  /**
   * Writes a sample uploads tree into {@code dir}: {@code files} regular files with seeded random
   * binary contents in nested directories, plus an empty file, a file with a Unicode name, a file
   * whose relative path is longer than 100 characters (beyond the tar ustar name field), an empty
   * directory and a relative symlink inside the tree. Modification times are fixed.
   */
  public static void createUploads(Path dir, int files) {
    try {
      Files.createDirectories(dir);
      Random random = new Random(20261126L);
      List<Path> written = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        Path f = dir.resolve("users/u" + (i % 20) + "/docs/" + (i % 3 == 0 ? "2026/" : "")
            + "file-" + i + "." + List.of("pdf", "md", "txt", "docx").get(i % 4));
        int size = i % 10 == 9 ? 1024 * 1024 + random.nextInt(512 * 1024) : random.nextInt(64 * 1024);
        writeRandom(f, size, random);
        written.add(f);
      }
      Path empty = dir.resolve("users/empty.txt");
      Files.createDirectories(empty.getParent());
      Files.write(empty, new byte[0]);
      written.add(empty);

      Path unicode = dir.resolve("users/u0/résumé – Überblick 日本語 ✓.txt");
      Files.createDirectories(unicode.getParent());
      Files.writeString(unicode, "Unicode file name sample\n");
      written.add(unicode);

      StringBuilder longRel = new StringBuilder("archive/");
      while (longRel.length() < 110) {
        longRel.append("a-rather-long-directory-name-").append(longRel.length()).append('/');
      }
      Path longFile = dir.resolve(longRel + "and-a-long-file-name-to-pass-the-ustar-limit.bin");
      writeRandom(longFile, 4096, random);
      written.add(longFile);

      Path emptyDir = dir.resolve("users/u1/empty-folder");
      Files.createDirectories(emptyDir);

      Path links = dir.resolve("links");
      Files.createDirectories(links);
      Path link = links.resolve("latest-upload");
      Files.deleteIfExists(link);
      Path target = files > 0 ? written.get(0) : empty;
      Files.createSymbolicLink(link, links.relativize(target));

      FileTime mtime = FileTime.from(EPOCH);
      for (Path p : written) {
        Files.setLastModifiedTime(p, mtime);
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path d : s.filter(Files::isDirectory).toList()) {
          Files.setLastModifiedTime(d, mtime);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write sample uploads into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void writeRandom(Path f, int size, Random random) throws IOException {
    Files.createDirectories(f.getParent());
    byte[] buf = new byte[8192];
    try (OutputStream out = Files.newOutputStream(f)) {
      int left = size;
      while (left > 0) {
        random.nextBytes(buf);
        int n = Math.min(left, buf.length);
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }
}
