package io.drorch.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What each S3Proxy backend supports beyond the basics (measured, see LocalS3 javadoc). */
class LocalS3BackendsTest {
  @TempDir Path tmp;

  @Test
  void transientBackendSupportsVersioning() throws Exception {
    try (LocalS3 s3 = LocalS3.start(tmp.resolve("mem"), LocalS3.Backend.TRANSIENT)) {
      assertTrue(s3.supportsVersioning());
      s3.createBucket("versioned");
      S3Client c = s3.client();
      c.putBucketVersioning(b -> b.bucket("versioned")
          .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      assertEquals(BucketVersioningStatus.ENABLED,
          c.getBucketVersioning(b -> b.bucket("versioned")).status());
      c.putObject(b -> b.bucket("versioned").key("k"), RequestBody.fromString("v1"));
      c.putObject(b -> b.bucket("versioned").key("k"), RequestBody.fromString("v2"));
      c.deleteObject(b -> b.bucket("versioned").key("k"));
      ListObjectVersionsResponse r = c.listObjectVersions(b -> b.bucket("versioned"));
      assertEquals(2, r.versions().size());
      assertEquals(1, r.deleteMarkers().size());
      // both writes are kept, each under its own version id, behind the delete marker
      List<String> kept = r.versions().stream().map(ObjectVersion::versionId)
          .map(id -> c.getObjectAsBytes(b -> b.bucket("versioned").key("k").versionId(id))
              .asUtf8String())
          .sorted().toList();
      assertEquals(List.of("v1", "v2"), kept);
      S3Exception deleted = assertThrows(S3Exception.class,
          () -> c.getObjectAsBytes(b -> b.bucket("versioned").key("k")));
      assertEquals(404, deleted.statusCode(), "the current version is the delete marker");
      // If-None-Match: * is refused for an existing key here too
      c.putObject(b -> b.bucket("versioned").key("once").ifNoneMatch("*"), RequestBody.fromString("a"));
      S3Exception e = assertThrows(S3Exception.class, () -> c.putObject(
          b -> b.bucket("versioned").key("once").ifNoneMatch("*"), RequestBody.fromString("b")));
      assertEquals(412, e.statusCode());
    }
  }

  @Test
  void filesystemBackendRefusesVersioningAndSurvivesARestart() throws Exception {
    Path dir = tmp.resolve("fs");
    try (LocalS3 s3 = LocalS3.start(dir, LocalS3.Backend.FILESYSTEM)) {
      s3.createBucket("persist");
      s3.client().putObject(b -> b.bucket("persist").key("a/b"), RequestBody.fromString("kept"));
      S3Exception e = assertThrows(S3Exception.class, () -> s3.client().putBucketVersioning(
          b -> b.bucket("persist").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))));
      System.out.println("filesystem versioning: " + e.statusCode() + " " + e.awsErrorDetails().errorCode());
    }
    try (LocalS3 again = LocalS3.start(dir, LocalS3.Backend.FILESYSTEM)) {
      assertEquals("kept",
          again.client().getObjectAsBytes(b -> b.bucket("persist").key("a/b")).asUtf8String());
    }
  }
}
