package io.drorch.activities.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Transient S3 faults, injected into real requests to a real S3 server by an SDK interceptor on
 * the activities' own clients (every HTTP attempt counts, the SDK's own retries included):
 * <ul>
 *   <li>{@link Fault#RESET_BEFORE}: the connection drops before the request reaches the server;
 *   <li>{@link Fault#RESET_AFTER}: the server did the request, its answer is lost;
 *   <li>{@link Fault#TRUNCATE}: a GET returns only the first half of the body (a cut connection
 *       behind a proxy that does not check the length); other requests get RESET_AFTER.
 * </ul>
 * Faults hit either a window of request numbers ({@link #failRequests}) or every GET of one key
 * ({@link #failEveryGetOf}).
 */
final class FaultInjector implements ExecutionInterceptor {
  enum Fault { RESET_BEFORE, RESET_AFTER, TRUNCATE }

  private static final ExecutionAttribute<Fault> PLANNED = new ExecutionAttribute<>("dr.fault");

  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> injected = Collections.synchronizedList(new ArrayList<>());
  private volatile int from = Integer.MAX_VALUE;
  private volatile int to = Integer.MIN_VALUE;
  private volatile Fault windowFault;
  private volatile String key;
  private volatile Fault keyFault;

  /** Requests number {@code first} to {@code first + count - 1} (counted from now, 1-based) fail. */
  synchronized void failRequests(int first, int count, Fault fault) {
    int base = requests.get();
    this.from = base + first;
    this.to = base + first + count - 1;
    this.windowFault = fault;
  }

  /** Every GET of {@code objectKey} fails with {@code fault} until {@link #clear()}. */
  synchronized void failEveryGetOf(String objectKey, Fault fault) {
    this.key = objectKey;
    this.keyFault = fault;
  }

  synchronized void clear() {
    from = Integer.MAX_VALUE;
    to = Integer.MIN_VALUE;
    windowFault = null;
    key = null;
    keyFault = null;
    injected.clear();
  }

  /** Requests seen since the injector was made. */
  int requests() {
    return requests.get();
  }

  /** What was injected since {@link #clear()}: "n GetObject key TRUNCATE". */
  List<String> injected() {
    synchronized (injected) {
      return List.copyOf(injected);
    }
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
    int n = requests.incrementAndGet();
    SdkRequest r = context.request();
    boolean get = r instanceof GetObjectRequest;
    Fault fault = null;
    if (n >= from && n <= to) {
      fault = windowFault;
    } else if (key != null && get && key.equals(((GetObjectRequest) r).key())) {
      fault = keyFault;
    }
    if (fault == null) {
      return;
    }
    if (fault == Fault.TRUNCATE && !get) {
      fault = Fault.RESET_AFTER;
    }
    injected.add(n + " " + r.getClass().getSimpleName().replace("Request", "")
        + (get ? " " + ((GetObjectRequest) r).key() : "") + " " + fault);
    if (fault == Fault.RESET_BEFORE) {
      throw SdkClientException.create("injected fault: connection reset before the request",
          new IOException("Connection reset"));
    }
    attrs.putAttribute(PLANNED, fault);
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attrs) {
    if (attrs.getAttribute(PLANNED) == Fault.RESET_AFTER) {
      attrs.putAttribute(PLANNED, null);
      throw SdkClientException.create("injected fault: connection reset, the answer is lost",
          new IOException("Connection reset"));
    }
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attrs) {
    if (attrs.getAttribute(PLANNED) != Fault.TRUNCATE || context.responseBody().isEmpty()) {
      return context.responseBody();
    }
    attrs.putAttribute(PLANNED, null);
    try (InputStream in = context.responseBody().get()) {
      byte[] all = in.readAllBytes();
      return Optional.of(new ByteArrayInputStream(Arrays.copyOf(all, all.length / 2)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
