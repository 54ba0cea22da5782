package io.drorch.starter.bench;

import io.drorch.local.LocalPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's data: pgbench (compresses ~50:1, measures the read path) and a table set with
 * realistic entropy (emails, timestamps, tokens, prose, random bytea, several indexes; ~2.3:1),
 * plus an uploads tree of mixed compressible and incompressible files. Built once and reused.
 */
final class BenchDatasets {
  private BenchDatasets() {}

  static boolean exists(LocalPostgres pg, String db) throws SQLException {
    try (Connection c = pg.connect("postgres");
        ResultSet r = c.createStatement()
            .executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
      return r.next();
    }
  }

  static long sizeBytes(LocalPostgres pg, String db) throws SQLException {
    try (Connection c = pg.connect(db);
        ResultSet r = c.createStatement().executeQuery("SELECT pg_database_size(current_database())")) {
      r.next();
      return r.getLong(1);
    }
  }

  static void pgbench(LocalPostgres pg, String db, int scale) throws Exception {
    if (exists(pg, db)) {
      return;
    }
    pg.createDatabase(db);
    List<String> cmd = List.of(pg.bindir().resolve("pgbench").toString(), "-i", "-q", "-s",
        String.valueOf(scale), "-h", pg.host(), "-p", String.valueOf(pg.port()), "-U",
        pg.superuser(), db);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(pg.clientEnv());
    int rc = pb.start().waitFor();
    if (rc != 0) {
      pg.dropDatabase(db);
      throw new IllegalStateException("pgbench -i failed with exit code " + rc);
    }
  }

  /** About {@code megabytes} of realistic data in five tables with indexes. */
  static void realistic(LocalPostgres pg, String db, int megabytes) throws Exception {
    if (exists(pg, db)) {
      return;
    }
    pg.createDatabase(db);
    long rows = Math.max(1000, megabytes * 2_500L); // ~0.4 KB per row over the tables, plus indexes
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text,"
          + " created_at timestamptz NOT NULL, last_login timestamptz)");
      s.execute("INSERT INTO users SELECT g, 'user' || g || '.' || substr(md5(g::text), 1, 8)"
          + " || '@example' || (g % 97) || '.com', initcap(substr(md5(random()::text), 1, 10)),"
          + " now() - random() * interval '900 days', now() - random() * interval '30 days'"
          + " FROM generate_series(1, " + rows / 10 + ") g");
      s.execute("CREATE TABLE api_tokens (id bigint PRIMARY KEY, user_id bigint REFERENCES users,"
          + " token text NOT NULL, scopes text, created_at timestamptz)");
      s.execute("INSERT INTO api_tokens SELECT g, 1 + g % " + rows / 10 + ", md5(random()::text)"
          + " || md5(random()::text), (ARRAY['read','write','admin'])[1 + g % 3],"
          + " now() - random() * interval '400 days' FROM generate_series(1, " + rows / 5 + ") g");
      s.execute("CREATE TABLE documents (id bigint PRIMARY KEY, owner_id bigint REFERENCES users,"
          + " title text, body text, created_at timestamptz)");
      s.execute("INSERT INTO documents SELECT g, 1 + g % " + rows / 10 + ","
          + " 'Document ' || g || ' ' || substr(md5(g::text), 1, 6),"
          + " (SELECT string_agg((ARRAY['the','backup','restore','database','service','user',"
          + "'request','cluster','latency','invoice','policy','shard','replica','token','upload',"
          + "'quarter','incident','deploy','rollback','metric'])[1 + floor(random() * 20)::int]"
          + " || CASE WHEN random() < 0.1 THEN ' ' || floor(random() * 10000)::text ELSE '' END,"
          + " ' ') FROM generate_series(1, 60 + (g % 40))),"
          + " now() - random() * interval '700 days' FROM generate_series(1, " + rows / 4 + ") g");
      s.execute("CREATE TABLE chunks (id bigint PRIMARY KEY, document_id bigint REFERENCES"
          + " documents, position int, embedding bytea)");
      s.execute("INSERT INTO chunks SELECT g, 1 + g % " + rows / 4 + ", g % 17,"
          + " decode(repeat(md5(random()::text) || md5(random()::text), 4), 'hex')"
          + " FROM generate_series(1, " + rows / 2 + ") g");
      s.execute("CREATE TABLE events (id bigint PRIMARY KEY, user_id bigint, kind text,"
          + " payload jsonb, at timestamptz)");
      s.execute("INSERT INTO events SELECT g, 1 + g % " + rows / 10 + ","
          + " (ARRAY['login','upload','query','logout','share'])[1 + g % 5],"
          + " jsonb_build_object('ip', '10.' || g % 255 || '.' || (g / 255) % 255 || '.1',"
          + " 'ms', floor(random() * 2000), 'ua', substr(md5(g::text), 1, 12)),"
          + " now() - random() * interval '365 days' FROM generate_series(1, " + rows + ") g");
      s.execute("CREATE INDEX ON users (email)");
      s.execute("CREATE INDEX ON api_tokens (token)");
      s.execute("CREATE INDEX ON documents (owner_id, created_at)");
      s.execute("CREATE INDEX ON chunks (document_id)");
      s.execute("CREATE INDEX ON events (user_id, at)");
      s.execute("ANALYZE");
    }
  }

  /** An uploads tree: {@code files} files, about {@code megabytes} in all, half text, half random. */
  static void uploads(Path dir, int files, int megabytes) throws IOException {
    if (Files.isDirectory(dir) && Files.exists(marker(dir))) {
      return;
    }
    Random random = new Random(42);
    long perFile = megabytes * 1024L * 1024L / files;
    List<String> words = new ArrayList<>(List.of("invoice", "report", "customer", "upload",
        "quarter", "summary", "the", "and", "of", "incident", "backup", "2026"));
    byte[] buf = new byte[64 * 1024];
    for (int i = 0; i < files; i++) {
      Path f = dir.resolve("u" + (i % 50)).resolve("f" + i + (i % 2 == 0 ? ".txt" : ".bin"));
      Files.createDirectories(f.getParent());
      long size = perFile / 2 + (long) (random.nextDouble() * perFile);
      try (OutputStream out = Files.newOutputStream(f)) {
        long written = 0;
        while (written < size) {
          int n = (int) Math.min(buf.length, size - written);
          if (i % 2 == 0) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < n) {
              sb.append(words.get(random.nextInt(words.size()))).append(' ');
            }
            out.write(sb.substring(0, n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          } else {
            random.nextBytes(buf);
            out.write(buf, 0, n);
          }
          written += n;
        }
      }
    }
    Files.writeString(marker(dir), "");
  }

  private static Path marker(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".complete");
  }
}
