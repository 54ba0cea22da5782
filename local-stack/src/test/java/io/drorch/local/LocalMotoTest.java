package io.drorch.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the stack's tests rely on moto for, measured on the pinned version: a bucket created with
 * Object Lock is versioned, its default retention locks every new object, a locked version cannot
 * be deleted, and a delete without a version id only hides the object behind a delete marker.
 */
class LocalMotoTest {
  @TempDir Path tmp;

  @Test
  void objectLockDefaultRetentionLocksNewObjectsAgainstDeletion() throws Exception {
    try (LocalMoto moto = LocalMoto.start(tmp); S3Client c = moto.newClient()) {
      c.createBucket(b -> b.bucket("locked").objectLockEnabledForBucket(true));
      assertEquals(BucketVersioningStatus.ENABLED, c.getBucketVersioning(b -> b.bucket("locked")).status());
      c.putObjectLockConfiguration(b -> b.bucket("locked").objectLockConfiguration(o -> o
          .objectLockEnabled(ObjectLockEnabled.ENABLED)
          .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(3)))));

      // like AWS, moto refuses an upload without a checksum into a bucket with default retention
      S3Exception noChecksum = assertThrows(S3Exception.class, () -> c.putObject(
          b -> b.bucket("locked").key("a"), RequestBody.fromString("x")));
      assertEquals(400, noChecksum.statusCode());
      var put = c.putObject(b -> b.bucket("locked").key("a").ifNoneMatch("*")
          .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromString("x"));
      // moto has no GetObjectRetention (GET ?retention answers the object itself): the retention
      // is read from HeadObject's x-amz-object-lock-* headers, as S3 also returns them
      HeadObjectResponse head = c.headObject(b -> b.bucket("locked").key("a"));
      assertEquals(ObjectLockMode.GOVERNANCE, head.objectLockMode());
      Duration left = Duration.between(Instant.now(), head.objectLockRetainUntilDate());
      assertTrue(left.compareTo(Duration.ofDays(2)) > 0 && left.compareTo(Duration.ofDays(4)) < 0,
          "retain until " + head.objectLockRetainUntilDate());

      S3Exception refused = assertThrows(S3Exception.class, () -> c.deleteObject(
          b -> b.bucket("locked").key("a").versionId(put.versionId())));
      assertEquals(403, refused.statusCode());
      c.deleteObject(b -> b.bucket("locked").key("a")); // only a delete marker
      var versions = c.listObjectVersions(b -> b.bucket("locked"));
      assertEquals(1, versions.versions().size());
      assertEquals(1, versions.deleteMarkers().size());
      assertNotNull(c.getObjectAsBytes(b -> b.bucket("locked").key("a").versionId(put.versionId())));
    }
  }
}
