package io.drorch.activities.storage;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * One S3 client per (endpoint, region, addressing style), built on first use and shared by all
 * activities of the worker. Credentials are the worker's: the AWS default credential chain unless
 * the worker was built with another provider (the local stack).
 */
public final class S3Clients implements AutoCloseable {
  private final AwsCredentialsProvider credentials;
  private final List<ExecutionInterceptor> interceptors;
  private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

  public S3Clients(AwsCredentialsProvider credentials) {
    this(credentials, List.of());
  }

  /**
   * Clients that run {@code interceptors} on every request (the fault-injection tests: an error
   * or a truncated body at the Nth request).
   */
  public S3Clients(AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
    this.credentials = credentials;
    this.interceptors = List.copyOf(interceptors);
  }

  public static S3Clients withDefaultCredentials() {
    return new S3Clients(DefaultCredentialsProvider.builder().build());
  }

  public S3Client client(StorageTarget target) {
    String key = target.endpoint() + "|" + target.region() + "|" + target.pathStyle() + "|"
        + (target.objectLock() != null);
    return clients.computeIfAbsent(key, k -> build(target));
  }

  /** A store over one plan's bucket and prefix. */
  public BackupStore store(StorageTarget target) {
    return new BackupStore(client(target), target);
  }

  private S3Client build(StorageTarget target) {
    var builder =
        S3Client.builder()
            .credentialsProvider(credentials)
            .region(Region.of(target.region() == null ? "us-east-1" : target.region()))
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(target.pathStyle()).build())
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(16)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofMinutes(2)));
    if (!interceptors.isEmpty()) {
      builder.overrideConfiguration(o -> interceptors.forEach(o::addExecutionInterceptor));
    }
    if (target.endpoint() != null && !target.endpoint().isBlank()) {
      // S3-compatible servers vary in their support of the SDK's default trailing checksums;
      // integrity is ours anyway (SHA-256 of every object, checked on every read). A bucket with
      // Object Lock refuses uploads without a checksum (as AWS does), so with storage.object-lock
      // the SDK sends them.
      builder
          .endpointOverride(URI.create(target.endpoint()))
          .requestChecksumCalculation(target.objectLock() != null
              ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return builder.build();
  }

  @Override
  public void close() {
    clients.values().forEach(S3Client::close);
    clients.clear();
  }
}
