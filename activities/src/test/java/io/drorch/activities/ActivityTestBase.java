package io.drorch.activities;

import io.drorch.activities.storage.S3Clients;
import io.drorch.local.LocalS3;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Activity tests run by Temporal's activity harness against the S3 server of the per-JVM
 * {@link SharedStack}: a fresh {@link TestActivityEnvironment} per test ({@link #env}, closed after
 * it), and stubs with the standard options. The S3 server is shared by every test class of the
 * JVM, so each class uses a bucket of its own.
 */
public abstract class ActivityTestBase {
  protected static LocalS3 s3;
  protected static S3Clients clients;

  protected TestActivityEnvironment env;

  @BeforeAll
  static void shareStack() throws Exception {
    s3 = SharedStack.s3();
    clients = SharedStack.clients();
  }

  @BeforeEach
  void newActivityEnvironment() {
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void closeActivityEnvironment() {
    env.close();
  }

  /** A stub of {@code iface} on {@link #env}: the given start-to-close, heartbeat 30 s, 1 attempt. */
  protected <T> T stub(Class<T> iface, Duration startToClose) {
    return env.newActivityStub(iface, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /** The shared S3 server as a plan's storage: path-style, no object lock. */
  protected static StorageTarget storage(String bucket, String prefix) {
    return new StorageTarget(bucket, prefix, LocalS3.REGION, s3.endpoint(), true, 30, false, 0);
  }
}
