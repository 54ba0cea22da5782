package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalMoto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * `dr storage init` with {@code storage.object-lock} in the plan, on moto (an S3 server with
 * versioning, lifecycle rules and Object Lock; S3Proxy's filesystem backend has none of them).
 * Judged by what the server reads back, not by what the command prints.
 */
class StorageInitObjectLockTest {
  @TempDir static Path tmp;
  static LocalMoto moto;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    moto = LocalMoto.start(tmp.resolve("moto"));
    s3 = moto.newClient();
    // the CLI takes S3 credentials from the default chain; moto accepts any
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.region", "us-east-1");
  }

  @AfterAll
  static void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
    s3.close();
    moto.close();
  }

  private Path plan(String bucket, String objectLock) throws Exception {
    Path file = Cli.planFile(tmp, bucket, Map.of("DR_S3_BUCKET", bucket,
        "DR_S3_ENDPOINT", moto.endpoint(), "DR_S3_PATH_STYLE", "true"));
    String yaml = Files.readString(file);
    String commented = "  # object-lock: {mode: governance, days: 30}";
    assertTrue(yaml.contains(commented), "dr-plan.yaml shows the object-lock key");
    Files.writeString(file, yaml.replace(commented, "  object-lock: " + objectLock));
    return file;
  }

  @Test
  void initCreatesAVersionedBucketWithObjectLockDefaultRetentionAndTheLifecycleRule()
      throws Exception {
    Path plan = plan("locked-init", "{mode: compliance, days: 3}");

    Cli.Result init = Cli.run("storage", "init", "--plan", plan.toString());
    assertEquals(0, init.exitCode(), init.out() + init.err());
    readBack("locked-init", ObjectLockRetentionMode.COMPLIANCE, 3);

    // every new object is locked for the plan's days
    s3.putObject(b -> b.bucket("locked-init").key("ai-docs-assistant/database/x.dump")
        .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromString("x"));
    var head = s3.headObject(b -> b.bucket("locked-init").key("ai-docs-assistant/database/x.dump"));
    assertEquals(ObjectLockMode.COMPLIANCE, head.objectLockMode());
    Duration left = Duration.between(Instant.now(), head.objectLockRetainUntilDate());
    assertTrue(left.compareTo(Duration.ofDays(2)) > 0 && left.compareTo(Duration.ofDays(4)) < 0,
        left.toString());

    // a second run changes nothing and succeeds (the bucket is no longer empty)
    Cli.Result again = Cli.run("storage", "init", "--plan", plan.toString());
    assertEquals(0, again.exitCode(), again.out() + again.err());
    readBack("locked-init", ObjectLockRetentionMode.COMPLIANCE, 3);
  }

  @Test
  void anInvalidObjectLockIsAPlanError() throws Exception {
    Cli.Result r = Cli.run("storage", "init", "--plan",
        plan("bad-lock", "{mode: forever, days: 0}").toString());
    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("storage.object-lock.mode") && r.err().contains("storage.object-lock.days"),
        r.err());
  }

  private static void readBack(String bucket, ObjectLockRetentionMode mode, int days) {
    assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket(bucket)).status());
    var lock = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
    assertEquals(ObjectLockEnabled.ENABLED, lock.objectLockEnabled());
    DefaultRetention d = lock.rule().defaultRetention();
    assertEquals(mode, d.mode());
    assertEquals(days, d.days());
    var rules = s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules();
    assertEquals(1, rules.size(), rules.toString());
    LifecycleRule rule = rules.get(0);
    assertEquals("dr-orchestrator-backups", rule.id());
    assertEquals("ai-docs-assistant/", rule.filter().prefix());
    assertEquals(30, rule.noncurrentVersionExpiration().noncurrentDays());
    assertEquals(7, rule.abortIncompleteMultipartUpload().daysAfterInitiation());
  }
}
