package io.drorch.activities.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An {@link OutputStream} into an S3 multipart upload that computes size and SHA-256 as bytes pass.
 * Memory is bounded: one part being filled and at most one being uploaded (2 × {@link #PART_SIZE}),
 * whatever the object's size. The upload stays invisible until {@link #complete()}; {@link
 * #abort()} (or a crash, then the retention sweep) removes the parts.
 */
public final class HashingUpload extends OutputStream {
  /** 16 MiB parts: up to 160 GB per object within S3's 10,000-part limit. */
  public static final int PART_SIZE = 16 * 1024 * 1024;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String uploadId;
  private final MessageDigest digest = Sha256.newDigest();
  private final ExecutorService uploader;
  private final List<CompletedPart> parts = new ArrayList<>();
  private byte[] buffer = new byte[PART_SIZE];
  private int filled;
  private long size;
  private Future<CompletedPart> inFlight;
  private boolean finished;

  HashingUpload(S3Client s3, String bucket, String key, String contentType) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploadId =
        s3.createMultipartUpload(
                CreateMultipartUploadRequest.builder()
                    .bucket(bucket)
                    .key(key)
                    .contentType(contentType)
                    .build())
            .uploadId();
    this.uploader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "s3-part-upload-" + key);
              t.setDaemon(true);
              return t;
            });
  }

  public String key() {
    return key;
  }

  /** Bytes accepted so far (for heartbeats). */
  public long bytesWritten() {
    return size;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    size += len;
    while (len > 0) {
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == buffer.length) {
        shipBuffer();
      }
    }
  }

  private void shipBuffer() throws IOException {
    awaitInFlight();
    final byte[] part = buffer;
    final int length = filled;
    final int number = parts.size() + 1;
    inFlight =
        uploader.submit(
            () -> {
              String etag =
                  s3.uploadPart(
                          UploadPartRequest.builder()
                              .bucket(bucket)
                              .key(key)
                              .uploadId(uploadId)
                              .partNumber(number)
                              .contentLength((long) length)
                              .build(),
                          RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(part, 0, length)))
                      .eTag();
              return CompletedPart.builder().partNumber(number).eTag(etag).build();
            });
    // the part being uploaded keeps its array; fill a fresh one (2 buffers at most in use)
    buffer = new byte[PART_SIZE];
    filled = 0;
  }

  private void awaitInFlight() throws IOException {
    if (inFlight == null) {
      return;
    }
    try {
      parts.add(inFlight.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading part of " + key, e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("uploading part of " + key + " failed: " + cause, cause);
    } finally {
      inFlight = null;
    }
  }

  /** Uploads the last part, completes the multipart upload and returns size and SHA-256. */
  public UploadedObject complete() throws IOException {
    if (finished) {
      throw new IllegalStateException("upload of " + key + " already finished");
    }
    if (filled > 0 || parts.isEmpty()) {
      shipBuffer();
    }
    awaitInFlight();
    s3.completeMultipartUpload(
        CompleteMultipartUploadRequest.builder()
            .bucket(bucket)
            .key(key)
            .uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
            .build());
    finished = true;
    uploader.shutdown();
    buffer = null;
    return new UploadedObject(key, size, Sha256.hex(digest));
  }

  /** Drops the parts uploaded so far; safe to call after a failure, and more than once. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    uploader.shutdownNow();
    buffer = null;
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId).build());
    } catch (RuntimeException e) {
      // the retention sweep aborts uploads left behind; nothing else to do here
      org.slf4j.LoggerFactory.getLogger(HashingUpload.class)
          .warn("could not abort multipart upload of {} ({}); retention will", key, e.toString());
    }
  }

  /** Closing without {@link #complete()} aborts: a half-written backup never becomes an object. */
  @Override
  public void close() {
    abort();
  }
}
