package io.drorch.worker.codec;

import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import java.util.List;

/**
 * The one data converter of every WorkflowClient and ScheduleClient the worker and the CLI build
 * ({@code TemporalConnection} uses it): the SDK's JSON converter, then {@link EncryptionCodec}
 * when keys are configured, with failure messages and stack traces encoded too (they carry
 * {@code pg_restore} stderr and deploy output). Without keys nothing is encrypted (failures
 * stay as the SDK writes them), and reading an encrypted payload fails naming the key it needs.
 */
public final class PayloadEncryption {
  private PayloadEncryption() {}

  public static DataConverter dataConverter(PayloadKeys keys) {
    return new CodecDataConverter(GlobalDataConverter.get(), List.of(new EncryptionCodec(keys)),
        keys.enabled());
  }
}
