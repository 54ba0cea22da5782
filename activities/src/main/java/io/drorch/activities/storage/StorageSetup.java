package io.drorch.activities.storage;

import io.drorch.workflows.contracts.plan.ObjectLockSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortIncompleteMultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoncurrentVersionExpiration;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code dr storage init}: makes the bucket ready for backups — exists, versioned, under Object
 * Lock with the plan's default retention when {@code storage.object-lock} is set, noncurrent
 * versions expire, abandoned multipart uploads are cleaned. Each step reports its own outcome;
 * a step the S3 server does not implement is reported plainly and the others still run. Running
 * it again changes nothing that is already as the plan says.
 */
public final class StorageSetup {
  /** Abandoned multipart uploads are removed by S3 itself after this many days. */
  static final int ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

  /** UNREACHABLE: the S3 server could not be reached at all (nothing else is tried). */
  public enum Outcome { DONE, ALREADY, UNSUPPORTED, SKIPPED, FAILED, UNREACHABLE }

  public record Step(String name, Outcome outcome, String detail) {}

  private StorageSetup() {}

  public static List<Step> init(S3Client s3, StorageTarget t) {
    List<Step> steps = new ArrayList<>();
    steps.add(bucket(s3, t));
    if (steps.get(0).outcome() == Outcome.FAILED || steps.get(0).outcome() == Outcome.UNREACHABLE) {
      return steps;
    }
    steps.add(
        t.versioning()
            ? attempt("versioning", () -> s3.putBucketVersioning(b -> b.bucket(t.bucket())
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))),
                "versioning enabled on '" + t.bucket() + "'")
            : new Step("versioning", Outcome.SKIPPED, "storage.versioning is false in the plan"));
    steps.add(objectLock(s3, t));
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
      return new Step("bucket", StorageErrors.unreachable(e) ? Outcome.UNREACHABLE : Outcome.FAILED,
          StorageErrors.translate(e, t, "check the bucket").getOriginalMessage());
    }
    boolean lock = t.objectLock() != null;
    return attempt("bucket", () -> s3.createBucket(b -> b.bucket(t.bucket())
            .objectLockEnabledForBucket(lock ? Boolean.TRUE : null)),
        "bucket '" + t.bucket() + "' created" + (lock ? " with Object Lock enabled" : ""));
  }

  /**
   * Object Lock with the plan's default retention: read first (so a second run is ALREADY, and
   * a bucket locked without the plan saying so is reported), then set, then read back.
   */
  private static Step objectLock(S3Client s3, StorageTarget t) {
    ObjectLockSettings want = t.objectLock();
    Optional<ObjectLockConfiguration> have;
    try {
      have = ObjectLocks.configuration(s3, t);
    } catch (S3Exception e) {
      return new Step("object-lock", Outcome.FAILED, StorageErrors.code(e) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return new Step("object-lock", Outcome.FAILED, e.getMessage());
    }
    if (want == null) {
      return new Step("object-lock", Outcome.SKIPPED, "storage.object-lock is not in the plan"
          + have.map(c -> "; but the bucket HAS Object Lock (" + describe(c) + "): add"
              + " storage.object-lock to the plan, so uploads send the checksums it requires")
              .orElse(""));
    }
    if (have.isPresent() && matches(have.get(), want)) {
      return new Step("object-lock", Outcome.ALREADY, "Object Lock enabled, " + describe(have.get()));
    }
    Step set = attempt("object-lock", () -> s3.putObjectLockConfiguration(b -> b
            .bucket(t.bucket())
            .objectLockConfiguration(c -> c
                .objectLockEnabled(ObjectLockEnabled.ENABLED)
                .rule(r -> r.defaultRetention(d -> d
                    .mode(ObjectLockRetentionMode.fromValue(want.mode().name()))
                    .days(want.days()))))),
        "Object Lock enabled");
    if (set.outcome() != Outcome.DONE) {
      return have.isEmpty() && set.outcome() == Outcome.FAILED
          ? new Step("object-lock", Outcome.FAILED, set.detail() + " (a bucket made without"
              + " Object Lock may need it enabled by hand, or a new bucket)")
          : set;
    }
    Optional<ObjectLockConfiguration> after = ObjectLocks.configuration(s3, t);
    if (after.isEmpty() || !matches(after.get(), want)) {
      return new Step("object-lock", Outcome.FAILED, "set, but the bucket reads back "
          + after.map(StorageSetup::describe).orElse("no Object Lock"));
    }
    return new Step("object-lock", Outcome.DONE, "Object Lock enabled, " + describe(after.get())
        + ": every new object is immutable for " + want.days() + " days");
  }

  private static boolean matches(ObjectLockConfiguration c, ObjectLockSettings want) {
    DefaultRetention d = c.rule() == null ? null : c.rule().defaultRetention();
    return d != null && want.mode().name().equals(d.modeAsString())
        && d.days() != null && d.days() == want.days() && (d.years() == null || d.years() == 0);
  }

  private static String describe(ObjectLockConfiguration c) {
    DefaultRetention d = c.rule() == null ? null : c.rule().defaultRetention();
    if (d == null) {
      return "no default retention";
    }
    return "default retention " + d.modeAsString() + " "
        + (d.days() != null ? d.days() + " days" : d.years() + " years");
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
