package io.drorch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster started from the machine's PostgreSQL binaries ({@code pg_config
 * --bindir}, or env {@code DR_PG_BINDIR}).
 *
 * <p>Layout of {@code dir}: {@code pgdata/} (the cluster; {@code pgdata/server.log} is the server
 * log), {@code superuser.password} (generated at initdb, mode 600). A second {@code start} on the
 * same dir reuses the cluster and its password.
 *
 * <p>As root, {@code initdb}/{@code postgres} run through {@code runuser -u postgres --}. When the
 * {@code postgres} user cannot reach {@code dir} (e.g. it lies under {@code /root}, mode 700), the
 * cluster lives in {@code /tmp/drorch-pgdata-<hash of dir>/data} and {@code dir/pgdata} is a
 * symlink to it, so a restart with the same dir finds it again; such clusters whose dir is gone
 * (deleted test directories) are deleted at the next start. The Unix socket goes to a fresh short
 * directory under {@code /tmp} (socket paths are limited to ~100 bytes).
 *
 * <p>TCP clients on 127.0.0.1 authenticate with scram-sha-256; the local socket is trusted.
 */
public final class LocalPostgres implements AutoCloseable {
  private static final String SUPERUSER = "postgres";
  private static final String HOST = "127.0.0.1";

  private final Path dir;
  private final Path dataDir;
  private final Path sockDir;
  private final Path bindir;
  private final boolean asRoot;
  private final int port;
  private final String password;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private LocalPostgres(Path dir, Path dataDir, Path sockDir, Path bindir, boolean asRoot, int port,
      String password) {
    this.dir = dir;
    this.dataDir = dataDir;
    this.sockDir = sockDir;
    this.bindir = bindir;
    this.asRoot = asRoot;
    this.port = port;
    this.password = password;
    this.shutdownHook = new Thread(this::stopQuietly, "local-postgres-shutdown");
  }

  /** initdb into {@code dir} if it holds no cluster yet, then start on a free port. */
  public static LocalPostgres start(Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    Files.createDirectories(base);
    boolean root = Procs.isRoot();
    Path bindir = findBindir();
    String password = loadOrCreatePassword(base.resolve("superuser.password"));
    Path data = prepareDataDir(base, root);

    Path sock = Files.createTempDirectory(Path.of("/tmp"), "drpg-");
    if (root) {
      chownToPostgres(sock);
    }
    try {
      if (!Files.exists(data.resolve("PG_VERSION"))) {
        initdb(bindir, data, sock, root, password);
      } else {
        stopLeftover(bindir, data, sock, root);
      }
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = Procs.freePort();
        writeRuntimeConf(data, sock, port, root);
        List<String> cmd = List.of(bindir.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-l", data.resolve("server.log").toString(), "-w", "-t", "60", "start");
        Procs.Result r = Procs.runUnchecked(asPostgres(cmd, root), sock, null, 90);
        if (r.exitCode() == 0) {
          LocalPostgres pg = new LocalPostgres(base, data, sock, bindir, root, port, password);
          Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
          return pg;
        }
        last = new IOException("pg_ctl start failed (exit " + r.exitCode() + ") for " + data
            + "\n" + Procs.tail(r.output(), 20) + "\n" + Procs.fileTail(data.resolve("server.log"), 30));
        String log = Procs.fileTail(data.resolve("server.log"), 30);
        if (!log.contains("could not bind") && !log.contains("Address already in use")) {
          break; // not a port race: retrying will not help
        }
      }
      throw last;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(sock);
      throw e;
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String superuser() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  /** The directory given to {@link #start} (holds pgdata/ and superuser.password). */
  public Path dir() {
    return dir;
  }

  /** The real cluster directory (may be outside {@link #dir()} when running as root). */
  public Path dataDir() {
    return dataDir;
  }

  /** The directory of the server's Unix socket (owned by the cluster's OS user). */
  public Path socketDirectory() {
    return sockDir;
  }

  /** The OS user the server runs as ({@code postgres} as root, else the current user). */
  public String osUser() {
    return asRoot ? SUPERUSER : System.getProperty("user.name");
  }

  /**
   * {@code pg_ctl restart -m fast} on the same port and socket (e.g. after {@code ALTER SYSTEM SET
   * archive_mode}, which needs a restart).
   */
  public void restart() throws IOException {
    Procs.Result r = Procs.runUnchecked(asPostgres(List.of(bindir.resolve("pg_ctl").toString(),
        "-D", dataDir.toString(), "-m", "fast", "-l", dataDir.resolve("server.log").toString(),
        "-w", "-t", "60", "restart"), asRoot), sock(), null, 120);
    if (r.exitCode() != 0) {
      throw new IOException("pg_ctl restart failed (exit " + r.exitCode() + ") for " + dataDir
          + "\n" + Procs.tail(r.output(), 20) + "\n" + Procs.fileTail(dataDir.resolve("server.log"), 30));
    }
  }

  /** The JDBC URL of a database on this cluster. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /** Creates the database unless it exists. */
  public void createDatabase(String name) {
    try (Connection c = connect("postgres")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + quoteIdent(name));
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Drops the database if it exists, terminating its connections first. */
  public void dropDatabase(String name) {
    try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop database " + name + ": " + e.getMessage(), e);
    }
  }

  /** A new JDBC connection (TCP, password auth) as the superuser. */
  public Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", SUPERUSER);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** PGHOST/PGPORT/PGUSER/PGPASSWORD for psql, pg_dump, pg_restore, pgbench. */
  public Map<String, String> clientEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PGHOST", HOST);
    env.put("PGPORT", Integer.toString(port));
    env.put("PGUSER", SUPERUSER);
    env.put("PGPASSWORD", password);
    return env;
  }

  /** The directory with initdb, pg_ctl, postgres (and usually pg_dump, psql). */
  public Path bindir() {
    return bindir;
  }

  /** The postmaster's process (the first line of postmaster.pid), when it runs. */
  public java.util.Optional<ProcessHandle> processHandle() {
    try {
      String first = Files.readAllLines(dataDir().resolve("postmaster.pid")).get(0).trim();
      return ProcessHandle.of(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * {@code pg_ctl restart -m fast} on the same data directory and port: every session is
   * terminated (a running pg_dump or pg_restore fails), the cluster comes back within seconds.
   * For fault tests: "PostgreSQL restarted during a dump".
   */
  public synchronized void restartServer() throws IOException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    Procs.Result r = Procs.runUnchecked(asPostgres(List.of(bindir.resolve("pg_ctl").toString(),
        "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(), "-m", "fast",
        "-w", "-t", "60", "restart"), asRoot), sock(), null, 90);
    if (r.exitCode() != 0) {
      throw new IOException("pg_ctl restart failed (exit " + r.exitCode() + ") for " + dataDir
          + "\n" + Procs.tail(r.output(), 20) + "\n"
          + Procs.fileTail(dataDir.resolve("server.log"), 30));
    }
  }

  /** pg_ctl stop -m fast. */
  @Override
  public void close() {
    stopQuietly();
    Procs.removeShutdownHook(shutdownHook);
  }

  @Override
  public String toString() {
    return "LocalPostgres[" + HOST + ":" + port + ", data=" + dataDir + "]";
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Procs.Result r = pgCtlStop(bindir, dataDir, sock(), asRoot);
      if (r.exitCode() != 0) {
        System.err.println("LocalPostgres: pg_ctl stop failed: " + Procs.tail(r.output(), 10));
      }
    } catch (IOException e) {
      System.err.println("LocalPostgres: pg_ctl stop failed: " + e.getMessage());
    } finally {
      deleteQuietly(sockDir);
    }
  }

  private Path sock() {
    return Files.isDirectory(sockDir) ? sockDir : Path.of("/");
  }

  // ---------------------------------------------------------------------------------------------

  private static Path findBindir() throws IOException {
    String env = System.getenv("DR_PG_BINDIR");
    if (env != null && !env.isBlank()) {
      return checkBindir(Path.of(env));
    }
    try {
      Procs.Result r = Procs.runUnchecked(List.of("pg_config", "--bindir"), null, null, 30);
      if (r.exitCode() == 0) {
        Path p = Path.of(r.output().trim());
        if (Files.isExecutable(p.resolve("initdb"))) {
          return p;
        }
      }
    } catch (IOException ignored) {
      // no pg_config on PATH
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> s = Files.list(debian)) {
        List<Path> candidates = s.map(p -> p.resolve("bin"))
            .filter(p -> Files.isExecutable(p.resolve("initdb")))
            .sorted(Comparator.comparing((Path p) -> versionOf(p.getParent().getFileName().toString()))
                .reversed())
            .toList();
        if (!candidates.isEmpty()) {
          return candidates.get(0);
        }
      }
    }
    throw new IOException("PostgreSQL server binaries not found: install PostgreSQL (initdb, pg_ctl,"
        + " postgres; e.g. apt-get install postgresql) or set DR_PG_BINDIR");
  }

  private static int versionOf(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Path checkBindir(Path p) throws IOException {
    if (!Files.isExecutable(p.resolve("initdb")) || !Files.isExecutable(p.resolve("pg_ctl"))) {
      throw new IOException("DR_PG_BINDIR=" + p + " has no initdb/pg_ctl");
    }
    return p;
  }

  private static String loadOrCreatePassword(Path file) throws IOException {
    if (Files.exists(file)) {
      String pw = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!pw.isEmpty()) {
        return pw;
      }
    }
    String pw = Procs.randomToken(24);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, pw + "\n", StandardCharsets.UTF_8);
    return pw;
  }

  /**
   * Returns the real cluster directory. As root it must be owned by, and reachable for, the
   * postgres user; when it is not reachable under {@code base}, a symlink base/pgdata points to a
   * directory under /tmp named after a hash of base.
   */
  private static Path prepareDataDir(Path base, boolean root) throws IOException {
    Path link = base.resolve("pgdata");
    if (!root) {
      Files.createDirectories(link);
      Files.setPosixFilePermissions(link.toRealPath(), PosixFilePermissions.fromString("rwx------"));
      return link.toRealPath();
    }
    requirePostgresUser();
    if (Files.isSymbolicLink(link)) {
      Path target = Files.readSymbolicLink(link);
      if (!Files.isDirectory(target)) {
        Files.createDirectories(target); // /tmp was cleaned: start a fresh cluster there
        Files.writeString(target.resolveSibling("origin"), base + "\n", StandardCharsets.UTF_8);
      }
      chownToPostgres(target);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
      return target.toRealPath();
    }
    Files.createDirectories(link);
    chownToPostgres(link);
    Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rwx------"));
    if (postgresCanWrite(link)) {
      return link.toRealPath();
    }
    // the postgres user cannot traverse an ancestor of base (e.g. /root is 700)
    try (Stream<Path> s = Files.list(link)) {
      if (s.findAny().isPresent()) {
        throw new IOException(link + " is not reachable for the postgres user and is not empty");
      }
    }
    Files.delete(link);
    collectOrphans();
    Path holder = Path.of("/tmp", "drorch-pgdata-" + shortHash(base.toString()));
    Files.createDirectories(holder);
    Files.writeString(holder.resolve("origin"), base + "\n", StandardCharsets.UTF_8);
    Path target = holder.resolve("data");
    Files.createDirectories(target);
    chownToPostgres(target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(link, target);
    return target.toRealPath();
  }

  /**
   * Deletes /tmp/drorch-pgdata-* clusters whose origin dir no longer links to them (e.g. a test's
   * temporary directory that was deleted) and whose server is not running.
   */
  private static void collectOrphans() {
    try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
      for (Path holder : s.filter(p -> p.getFileName().toString().startsWith("drorch-pgdata-")).toList()) {
        Path origin = holder.resolve("origin");
        Path data = holder.resolve("data");
        if (!Files.exists(origin)) {
          continue;
        }
        Path link = Path.of(Files.readString(origin, StandardCharsets.UTF_8).trim()).resolve("pgdata");
        boolean linked = Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(data);
        if (!linked && !Files.exists(data.resolve("postmaster.pid"))) {
          deleteQuietly(holder);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }

  private static boolean postgresCanWrite(Path p) throws IOException {
    Procs.Result r = Procs.runUnchecked(
        List.of("runuser", "-u", SUPERUSER, "--", "test", "-w", p.toString(), "-a", "-x", p.toString()),
        Path.of("/"), null, 30);
    return r.exitCode() == 0;
  }

  private static void requirePostgresUser() throws IOException {
    Procs.Result r = Procs.runUnchecked(List.of("id", "-u", SUPERUSER), null, null, 10);
    if (r.exitCode() != 0) {
      throw new IOException("running as root: PostgreSQL refuses to run as root and there is no"
          + " 'postgres' user to run it as (create one: useradd --system postgres)");
    }
  }

  private static void chownToPostgres(Path p) throws IOException {
    Procs.run(List.of("chown", SUPERUSER + ":", p.toString()), null, null, 30);
  }

  private static List<String> asPostgres(List<String> cmd, boolean root) {
    if (!root) {
      return cmd;
    }
    List<String> full = new ArrayList<>(List.of("runuser", "-u", SUPERUSER, "--"));
    full.addAll(cmd);
    return full;
  }

  private static void initdb(Path bindir, Path data, Path sock, boolean root, String password)
      throws IOException {
    try (Stream<Path> s = Files.list(data)) {
      if (s.findAny().isPresent()) {
        throw new IOException(data + " is not empty and holds no PostgreSQL cluster (no PG_VERSION)");
      }
    }
    Path pwfile = sock.resolve("pwfile");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    if (root) {
      chownToPostgres(pwfile);
    }
    try {
      List<String> cmd = List.of(bindir.resolve("initdb").toString(), "-D", data.toString(),
          "-U", SUPERUSER, "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
          "-E", "UTF8", "--no-locale", "--no-sync");
      Procs.run(asPostgres(cmd, root), sock, Map.of("LC_ALL", "C"), 180);
    } finally {
      Files.deleteIfExists(pwfile);
    }
    Path hba = data.resolve("pg_hba.conf");
    Files.writeString(hba, String.join("\n",
        "# written by io.drorch.local.LocalPostgres",
        "# TYPE  DATABASE  USER  ADDRESS       METHOD",
        "local   all       all                 trust",
        "host    all       all   127.0.0.1/32  scram-sha-256",
        "host    all       all   ::1/128       scram-sha-256",
        "local   replication all               trust",
        "host    replication all 127.0.0.1/32  scram-sha-256",
        ""), StandardCharsets.UTF_8);
    Path conf = data.resolve("postgresql.conf");
    Files.writeString(conf, Files.readString(conf, StandardCharsets.UTF_8)
        + "\n# local stack settings (port, socket dir, durability off), rewritten at every start\n"
        + "include_if_exists = 'drorch.conf'\n", StandardCharsets.UTF_8);
  }

  private static void writeRuntimeConf(Path data, Path sock, int port, boolean root) throws IOException {
    Path f = data.resolve("drorch.conf");
    Files.writeString(f, String.join("\n",
        "# written by io.drorch.local.LocalPostgres at every start (throwaway cluster)",
        "listen_addresses = '127.0.0.1'",
        "port = " + port,
        "unix_socket_directories = '" + sock + "'",
        "password_encryption = 'scram-sha-256'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 100",
        "shared_buffers = 64MB",
        ""), StandardCharsets.UTF_8);
    if (root) {
      chownToPostgres(f);
      chownToPostgres(data.resolve("pg_hba.conf"));
      chownToPostgres(data.resolve("postgresql.conf"));
    }
  }

  /** A server left running by a killed JVM holds the data dir: stop it before starting again. */
  private static void stopLeftover(Path bindir, Path data, Path sock, boolean root) throws IOException {
    if (!Files.exists(data.resolve("postmaster.pid"))) {
      return;
    }
    Procs.Result status = Procs.runUnchecked(
        asPostgres(List.of(bindir.resolve("pg_ctl").toString(), "-D", data.toString(), "status"), root),
        sock, null, 30);
    if (status.exitCode() == 0) {
      pgCtlStop(bindir, data, sock, root);
    }
  }

  /** pg_ctl stop -m fast, waiting up to 60 s. */
  private static Procs.Result pgCtlStop(Path bindir, Path data, Path sock, boolean root)
      throws IOException {
    return Procs.runUnchecked(asPostgres(List.of(bindir.resolve("pg_ctl").toString(), "-D",
        data.toString(), "-m", "fast", "-w", "-t", "60", "stop"), root), sock, null, 90);
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.deleteIfExists(x);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
