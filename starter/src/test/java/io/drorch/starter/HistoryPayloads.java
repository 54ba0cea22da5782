package io.drorch.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Every payload of a history as {@code temporal workflow show -o json} prints it (metadata values
 * and data in base64), with where it sits, so a test can say which ones are readable.
 */
public final class HistoryPayloads {
  public static final String ENCRYPTED = "binary/encrypted";

  /** One payload: its JSON path, encoding and data as text. */
  public record Found(String path, String encoding, String data) {
    /** Readable on purpose: search attributes, and bare JSON strings of summaries and memos. */
    public boolean allowedInPlain() {
      if (path.contains("searchAttributes")) {
        return true;
      }
      if (path.contains("markerRecordedEventAttributes/details/changeId")
          || path.contains("markerRecordedEventAttributes/details/version")) {
        return true; // a Workflow.getVersion marker: a constant of our code and its version number
      }
      return (path.contains("userMetadata") || path.contains("memo"))
          && encoding.equals("json/plain") && data.startsWith("\"");
    }
  }

  private HistoryPayloads() {}

  public static List<Found> of(String json) throws Exception {
    List<Found> out = new ArrayList<>();
    walk(new ObjectMapper().readTree(json), "", out);
    return out;
  }

  /** The plain payloads that should not be (inputs, results, details…). */
  public static List<Found> readableThatShouldNotBe(List<Found> payloads) {
    return payloads.stream()
        .filter(p -> !p.encoding().equals(ENCRYPTED) && !p.allowedInPlain()).toList();
  }

  /** The raw text and every payload's decoded data: what a reader of the history can see. */
  public static String visibleText(String json, List<Found> payloads) {
    StringBuilder sb = new StringBuilder(json);
    payloads.forEach(p -> sb.append('\n').append(p.data()));
    return sb.toString();
  }

  private static void walk(JsonNode node, String path, List<Found> out) {
    if (node.isObject()) {
      JsonNode metadata = node.get("metadata");
      if (metadata != null && metadata.isObject() && metadata.has("encoding")) {
        out.add(new Found(path, b64(metadata.get("encoding").asText()),
            node.has("data") ? b64(node.get("data").asText()) : ""));
        return;
      }
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        walk(e.getValue(), path + "/" + e.getKey(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static String b64(String s) {
    try {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
