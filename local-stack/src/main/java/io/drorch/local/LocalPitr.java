package io.drorch.local;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.PitrSettings;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL cluster of its own (archiving settings change and the server restarts) beside an S3
 * server that also speaks HTTPS, for point-in-time recovery with pgBackRest: the plan's database
 * and storage sections for them, and a configuration directory the cluster's OS user can read
 * (under {@code /tmp}, mode 755: pgBackRest's archive-push runs as that user) holding the S3
 * server's certificate, which pgBackRest verifies ({@code repo1-storage-ca-file}).
 */
public final class LocalPitr implements AutoCloseable {
  private final LocalPostgres pg;
  private final LocalS3 s3;
  private final Path confDir;
  private final String stanza;
  private final String bucket;

  private LocalPitr(LocalPostgres pg, LocalS3 s3, Path confDir, String stanza, String bucket) {
    this.pg = pg;
    this.s3 = s3;
    this.confDir = confDir;
    this.stanza = stanza;
    this.bucket = bucket;
  }

  /** Starts both servers under {@code dir} and creates {@code bucket}. */
  public static LocalPitr start(Path dir, String stanza, String bucket) throws IOException {
    LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"));
    LocalS3 s3;
    try {
      s3 = LocalS3.startWithTls(dir.resolve("s3"));
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    s3.createBucket(bucket);
    Path conf = Files.createTempDirectory(Path.of("/tmp"), "drpitr-");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path ca = conf.resolve("s3-ca.pem");
    Files.copy(s3.caCertificate(), ca, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
    return new LocalPitr(pg, s3, conf, stanza, bucket);
  }

  public LocalPostgres postgres() {
    return pg;
  }

  public LocalS3 s3() {
    return s3;
  }

  public String stanza() {
    return stanza;
  }

  /** The pgBackRest configuration file the plan names. */
  public Path configFile() {
    return confDir.resolve("pgbackrest").resolve(stanza + ".conf");
  }

  /** The plan's {@code database.pitr} for this cluster and the S3 server's HTTPS endpoint. */
  public PitrSettings pitr() {
    return new PitrSettings(stanza, pg.dataDir().toString(), pg.socketDirectory().toString(),
        pg.osUser(), s3.secureEndpoint(),
        Map.of("storage-ca-file", confDir.resolve("s3-ca.pem").toString()),
        PlanDefaults.PITR_FULL_RETENTION_DAYS, PlanDefaults.PITR_FULL_BACKUP,
        PlanDefaults.PITR_DIFF_BACKUP, PlanDefaults.PITR_ARCHIVE_TIMEOUT_MAX,
        configFile().toString());
  }

  /** The plan's database section for {@code name} on this cluster, with {@link #pitr()}. */
  public DatabaseTarget database(String name) {
    return new DatabaseTarget(pg.host(), pg.port(), name, pg.superuser(), null, "gzip", pitr());
  }

  /** The plan's storage section (the plain HTTP endpoint; pgBackRest uses the HTTPS one). */
  public StorageTarget storage(String prefix) {
    return new StorageTarget(bucket, prefix, s3.region(), s3.endpoint(), true, 30, false, 30);
  }

  /** Runs {@code statements} (e.g. the ALTER SYSTEM lines setup prints) as the superuser. */
  public void sql(List<String> statements) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  @Override
  public void close() {
    try {
      s3.close();
    } finally {
      pg.close();
      LocalPostgres.deleteQuietly(confDir);
    }
  }
}
