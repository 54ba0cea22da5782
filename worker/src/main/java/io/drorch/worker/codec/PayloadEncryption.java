package io.drorch.worker.codec;

import io.drorch.workflows.common.Payloads;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import java.util.List;

/**
 * The one data converter of every WorkflowClient and ScheduleClient the worker and the CLI build
 * ({@code TemporalConnection} uses it): our JSON converter ({@link Payloads}: a property a record
 * does not have is ignored), then {@link EncryptionCodec}
 * when keys are configured, with failure messages and stack traces encoded too (they carry
 * {@code pg_restore} stderr and deploy output). Without keys nothing is encrypted (failures
 * stay as the SDK writes them), and reading an encrypted payload fails naming the key it needs.
 */
public final class PayloadEncryption {
  private PayloadEncryption() {}

  public static DataConverter dataConverter(PayloadKeys keys) {
    return new CodecDataConverter(Payloads.dataConverter(), List.of(new EncryptionCodec(keys)),
        keys.enabled());
  }
}
