package io.drorch.workflows.common;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * How our records become payloads: Temporal's JSON, except that a property a record does not
 * have is ignored instead of failing the workflow task. So a workflow started with an input of
 * an older or forged shape (e.g. a {@code plan} field naming other approvers) runs on the fields
 * it knows — and the worker's plan — and a newer field in a history (the contract only adds
 * fields at the end) does not stop an older worker. Used by every client and worker we make.
 */
public final class Payloads {
  private static final DataConverter CONVERTER = converter();

  private Payloads() {}

  public static DataConverter dataConverter() {
    return CONVERTER;
  }

  private static DataConverter converter() {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper));
  }
}
