package io.drorch.activities.storage;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortIncompleteMultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoncurrentVersionExpiration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code dr storage init}: makes the bucket ready for backups — exists, versioned, noncurrent
 * versions expire, abandoned multipart uploads are cleaned. Each step reports its own outcome;
 * a step the S3 server does not implement is reported plainly and the others still run.
 */
public final class StorageSetup {
  /** Abandoned multipart uploads are removed by S3 itself after this many days. */
  static final int ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

  public enum Outcome { DONE, ALREADY, UNSUPPORTED, SKIPPED, FAILED }

  public record Step(String name, Outcome outcome, String detail) {}

  private StorageSetup() {}

  public static List<Step> init(S3Client s3, StorageTarget t) {
    List<Step> steps = new ArrayList<>();
    steps.add(bucket(s3, t));
    if (steps.get(0).outcome() == Outcome.FAILED) {
      return steps;
    }
    steps.add(
        t.versioning()
            ? attempt("versioning", () -> s3.putBucketVersioning(b -> b.bucket(t.bucket())
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))),
                "versioning enabled on '" + t.bucket() + "'")
            : new Step("versioning", Outcome.SKIPPED, "storage.versioning is false in the plan"));
    steps.add(
        attempt(
            "lifecycle",
            () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(t.bucket())
                .lifecycleConfiguration(lifecycle(t))),
            "noncurrent versions expire after " + t.noncurrentVersionDays() + " days; incomplete"
                + " multipart uploads are aborted after " + ABORT_INCOMPLETE_UPLOAD_DAYS + " days"));
    return steps;
  }

  private static BucketLifecycleConfiguration lifecycle(StorageTarget t) {
    return BucketLifecycleConfiguration.builder()
        .rules(
            LifecycleRule.builder()
                .id("dr-orchestrator-backups")
                .status(ExpirationStatus.ENABLED)
                .filter(LifecycleRuleFilter.builder().prefix(
                    io.drorch.workflows.backup.BackupKeys.root(t)).build())
                .noncurrentVersionExpiration(
                    NoncurrentVersionExpiration.builder()
                        .noncurrentDays(Math.max(1, t.noncurrentVersionDays())).build())
                .abortIncompleteMultipartUpload(
                    AbortIncompleteMultipartUpload.builder()
                        .daysAfterInitiation(ABORT_INCOMPLETE_UPLOAD_DAYS).build())
                .build())
        .build();
  }

  private static Step bucket(S3Client s3, StorageTarget t) {
    try {
      s3.headBucket(b -> b.bucket(t.bucket()));
      return new Step("bucket", Outcome.ALREADY, "bucket '" + t.bucket() + "' exists");
    } catch (NoSuchBucketException e) {
      // create below
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        return new Step("bucket", Outcome.FAILED, StorageErrors.translate(e, t, "check the bucket")
            .getOriginalMessage());
      }
    } catch (RuntimeException e) {
      return new Step("bucket", Outcome.FAILED,
          StorageErrors.translate(e, t, "check the bucket").getOriginalMessage());
    }
    return attempt("bucket", () -> s3.createBucket(b -> b.bucket(t.bucket())),
        "bucket '" + t.bucket() + "' created");
  }

  private static Step attempt(String name, Runnable call, String done) {
    try {
      call.run();
      return new Step(name, Outcome.DONE, done);
    } catch (S3Exception e) {
      if (e.statusCode() == 501 || "NotImplemented".equals(StorageErrors.code(e))) {
        return new Step(name, Outcome.UNSUPPORTED,
            "this S3 server does not implement " + name + " (" + StorageErrors.code(e)
                + "); configure it on the server yourself if you need it");
      }
      return new Step(name, Outcome.FAILED, StorageErrors.code(e) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return new Step(name, Outcome.FAILED, e.getMessage());
    }
  }
}
