package io.drorch.activities.storage;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.LockedObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Which objects S3 Object Lock keeps now, read from S3 itself (never from the plan): the bucket's
 * lock configuration once, then each object's retention and legal hold from HeadObject's {@code
 * x-amz-object-lock-*} headers (moto has no GetObjectRetention; S3 returns the headers to callers
 * with {@code s3:GetObjectRetention} and {@code s3:GetObjectLegalHold}).
 *
 * <p>When the bucket has a default retention and S3 returns none for an object written since,
 * the object is taken as locked until its last-modified time plus the default period (a missing
 * permission hides the headers; keeping an object too long is the safe mistake).
 */
final class ObjectLocks {
  private ObjectLocks() {}

  static List<LockedObject> find(S3Client s3, StorageTarget t, List<String> keys, Instant now) {
    Optional<ObjectLockConfiguration> config = configuration(s3, t);
    if (config.isEmpty()) {
      return List.of();
    }
    DefaultRetention def = config.get().rule() == null ? null : config.get().rule().defaultRetention();
    List<LockedObject> locked = new ArrayList<>();
    for (String key : keys) {
      HeadObjectResponse h;
      try {
        h = s3.headObject(b -> b.bucket(t.bucket()).key(key));
      } catch (NoSuchKeyException e) {
        continue; // gone already (or hidden behind a delete marker): nothing to keep
      } catch (S3Exception e) {
        if (e.statusCode() == 404 && !"NoSuchBucket".equals(StorageErrors.code(e))) {
          continue;
        }
        throw e;
      }
      boolean hold = h.objectLockLegalHoldStatus() == ObjectLockLegalHoldStatus.ON;
      Instant until = h.objectLockRetainUntilDate();
      if (until != null && until.isAfter(now)) {
        locked.add(new LockedObject(key, h.objectLockModeAsString(), until, hold,
            hold ? "its retention and legal hold" : "its retention"));
      } else if (hold) {
        locked.add(new LockedObject(key, h.objectLockModeAsString(), null, true, "its legal hold"));
      } else if (until == null && def != null && h.lastModified() != null) {
        Instant byDefault = h.lastModified().plus(period(def));
        if (byDefault.isAfter(now)) {
          locked.add(new LockedObject(key, def.modeAsString(), byDefault, false,
              "the bucket's default retention (S3 returned no retention for the object: does the"
                  + " worker have s3:GetObjectRetention?)"));
        }
      }
    }
    return locked;
  }

  /** The bucket's Object Lock configuration, or empty when it has none (or the server lacks it). */
  static Optional<ObjectLockConfiguration> configuration(S3Client s3, StorageTarget t) {
    try {
      ObjectLockConfiguration c =
          s3.getObjectLockConfiguration(b -> b.bucket(t.bucket())).objectLockConfiguration();
      return c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED
          ? Optional.of(c) : Optional.empty();
    } catch (S3Exception e) {
      String code = StorageErrors.code(e);
      if ("ObjectLockConfigurationNotFoundError".equals(code)
          || e.statusCode() == 501 || "NotImplemented".equals(code)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Duration period(DefaultRetention d) {
    int days = d.days() == null ? 0 : d.days();
    int years = d.years() == null ? 0 : d.years();
    return Duration.ofDays(days + 366L * years);
  }
}
