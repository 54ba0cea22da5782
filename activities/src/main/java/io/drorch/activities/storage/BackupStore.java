package io.drorch.activities.storage;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.paginators.ListObjectsV2Iterable;

/**
 * The backup bucket as our activities use it: streaming uploads, write-once small objects,
 * reads and listings. S3 exceptions are left to callers, which translate them with {@link
 * StorageErrors#translate} naming what they were doing.
 */
public final class BackupStore {
  private final S3Client s3;
  private final StorageTarget target;

  public BackupStore(S3Client s3, StorageTarget target) {
    this.s3 = s3;
    this.target = target;
  }

  public StorageTarget target() {
    return target;
  }

  public S3Client s3() {
    return s3;
  }

  /** Starts a streaming multipart upload; write to it, then {@code complete()} or close to abort. */
  public HashingUpload openUpload(String key, String contentType) {
    return new HashingUpload(s3, target.bucket(), key, contentType);
  }

  /**
   * Writes a small object only if no object has the key ({@code If-None-Match: *}).
   *
   * @return false when an object with that key already exists (nothing was written)
   */
  public boolean putIfAbsent(String key, byte[] body, String contentType) {
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(target.bucket())
              .key(key)
              .contentType(contentType)
              .ifNoneMatch("*")
              .build(),
          RequestBody.fromBytes(body));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Writes a small object, replacing any object with the key. Only for reports, which are
   * rewritten per incident; backups and manifests use {@link #putIfAbsent}.
   */
  public void put(String key, byte[] body, String contentType) {
    s3.putObject(
        PutObjectRequest.builder().bucket(target.bucket()).key(key).contentType(contentType).build(),
        RequestBody.fromBytes(body));
  }

  /** Size and modification time of an object, or empty when there is none. */
  public Optional<ObjectInfo> head(String key) {
    try {
      var r = s3.headObject(HeadObjectRequest.builder().bucket(target.bucket()).key(key).build());
      return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(StorageErrors.code(e))) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Streams an object; the caller closes the stream. */
  public InputStream open(String key) {
    return s3.getObject(GetObjectRequest.builder().bucket(target.bucket()).key(key).build());
  }

  /** A small object's bytes (manifests, reports), or empty when there is none. */
  public Optional<byte[]> readSmall(String key) {
    try {
      return Optional.of(
          s3.getObjectAsBytes(GetObjectRequest.builder().bucket(target.bucket()).key(key).build())
              .asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /** Every object under a key prefix, in key order. */
  public List<ObjectInfo> list(String keyPrefix) {
    ListObjectsV2Iterable pages =
        s3.listObjectsV2Paginator(b -> b.bucket(target.bucket()).prefix(keyPrefix));
    List<ObjectInfo> out = new ArrayList<>();
    for (S3Object o : pages.contents()) {
      out.add(new ObjectInfo(o.key(), o.size(), o.lastModified()));
    }
    return out;
  }

  public record ObjectInfo(String key, long sizeBytes, Instant lastModified) {}
}
