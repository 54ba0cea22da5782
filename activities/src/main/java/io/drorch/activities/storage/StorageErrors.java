package io.drorch.activities.storage;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.temporal.failure.ApplicationFailure;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns S3 SDK exceptions into failures that name the problem and the fix. */
public final class StorageErrors {
  private StorageErrors() {}

  public static ApplicationFailure translate(Exception e, StorageTarget t, String action) {
    if (e instanceof ApplicationFailure af) {
      return af;
    }
    String where = "bucket '" + t.bucket() + "'" + (t.endpoint() == null ? "" : " at " + t.endpoint());
    if (e instanceof NoSuchBucketException
        || (e instanceof S3Exception s3 && "NoSuchBucket".equals(code(s3)))) {
      return DrError.BUCKET_MISSING.failure(
          "Cannot " + action + ": " + where + " does not exist. Create it with `dr storage init`"
              + " or fix storage.bucket in dr-plan.yaml.",
          e);
    }
    if (e instanceof S3Exception s3 && (s3.statusCode() == 403 || s3.statusCode() == 401)) {
      return DrError.STORAGE_AUTH.failure(
          "Cannot " + action + ": access to " + where + " was denied (" + code(s3) + "). Check the"
              + " worker's AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE)"
              + " and the bucket policy.",
          e);
    }
    if (e instanceof SdkClientException) {
      return DrError.STORAGE_UNAVAILABLE.failure(
          "Cannot " + action + ": S3 at " + (t.endpoint() == null ? "AWS" : t.endpoint())
              + " is unreachable (" + e.getMessage() + "). Check storage.endpoint and the network.",
          e);
    }
    return DrError.STORAGE_UNAVAILABLE.failure(
        "Cannot " + action + " in " + where + ": " + e.getMessage(), e);
  }

  /**
   * True when {@code e} (or a cause) is the SDK failing to reach S3 at all: a client-side error
   * over an I/O error (connection refused, unknown host, timeout), not an answer from the server.
   */
  public static boolean unreachable(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SdkClientException) {
        for (Throwable io = c.getCause(); io != null && io.getCause() != io; io = io.getCause()) {
          if (io instanceof java.io.IOException) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? String.valueOf(e.statusCode())
        : e.awsErrorDetails().errorCode();
  }
}
