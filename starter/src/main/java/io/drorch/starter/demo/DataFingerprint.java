package io.drorch.starter.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What "the same data" means for the drill and the end-to-end tests: per table, the row count and
 * the md5 of its rows in order (over the columns it had when fingerprinted, so a migration that
 * adds a column does not count as a difference); per file, its type, size and SHA-256.
 */
public final class DataFingerprint {
  private DataFingerprint() {}

  public record Table(List<String> columns, long rows, String md5) {}

  /** Every ordinary table outside the system schemas, except Flyway's history. */
  public static Map<String, Table> database(Connection c) throws SQLException {
    Map<String, List<String>> columns = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT n.nspname, t.relname, a.attname FROM pg_class t"
            + " JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " WHERE t.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' AND t.relname <> 'flyway_schema_history'"
            + " ORDER BY 1, 2, a.attnum")) {
      while (r.next()) {
        columns.computeIfAbsent(quote(r.getString(1)) + "." + quote(r.getString(2)),
            k -> new ArrayList<>()).add(r.getString(3));
      }
    }
    Map<String, Table> out = new TreeMap<>();
    for (var e : columns.entrySet()) {
      out.put(e.getKey(), table(c, e.getKey(), e.getValue()));
    }
    return out;
  }

  /** The same tables and columns as {@code before}, read again (a missing table fails). */
  public static Map<String, Table> databaseLike(Connection c, Map<String, Table> before)
      throws SQLException {
    Map<String, Table> out = new TreeMap<>();
    for (var e : before.entrySet()) {
      out.put(e.getKey(), table(c, e.getKey(), e.getValue().columns()));
    }
    return out;
  }

  private static Table table(Connection c, String table, List<String> cols) throws SQLException {
    String row = "ROW(" + String.join(", ", cols.stream().map(DataFingerprint::quote).toList())
        + ")::text";
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), coalesce(md5(string_agg(" + row
            + ", '|' ORDER BY " + row + ")), '') FROM " + table)) {
      r.next();
      return new Table(cols, r.getLong(1), r.getString(2));
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /**
   * path → "dir" | "link:TARGET" | "file:SIZE:SHA256:MODE", for the whole tree; a recovery's
   * marker at the top ({@value io.drorch.activities.files.SwapMarker#NAME}) is not data.
   */
  public static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(root)) {
          out.put(root.relativize(dir).toString(), "dir");
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(file).toString();
        if (rel.equals(io.drorch.activities.files.SwapMarker.NAME)) {
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isSymbolicLink()) {
          out.put(rel, "link:" + Files.readSymbolicLink(file));
        } else {
          String mode = java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
          out.put(rel, "file:" + attrs.size() + ":" + sha256(file) + ":" + mode);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
