package io.drorch.workflows.common;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.workflow.Workflow;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The custom search attributes: the one place their names and types are spelled. They must be
 * registered on the namespace (`dr temporal setup`) or every workflow task that sets them fails.
 *
 * <p>Web UI filters / visibility queries, e.g. every recovery waiting for a CTO: {@code
 * DrAwaitingLevel = 3}; every running recovery waiting for anyone: {@code DrKind = 'recovery' AND
 * ExecutionStatus = 'Running' AND DrAwaitingLevel >= 1}.
 */
public final class SearchAttributes {
  /** What the workflow is: one of the KIND_ values. */
  public static final SearchAttributeKey<String> DR_KIND = SearchAttributeKey.forKeyword("DrKind");

  /** The incident a recovery (parent and children) belongs to, e.g. INC-42. */
  public static final SearchAttributeKey<String> DR_INCIDENT =
      SearchAttributeKey.forKeyword("DrIncident");

  /** The current phase (the same text as the recovery's `status` query shows). */
  public static final SearchAttributeKey<String> DR_PHASE = SearchAttributeKey.forKeyword("DrPhase");

  /** Recovery parent only: the highest escalation level among pending decisions; 0 when none. */
  public static final SearchAttributeKey<Long> DR_AWAITING_LEVEL =
      SearchAttributeKey.forLong("DrAwaitingLevel");

  public static final List<SearchAttributeKey<?>> ALL =
      List.of(DR_KIND, DR_INCIDENT, DR_PHASE, DR_AWAITING_LEVEL);

  public static final String KIND_RECOVERY = "recovery";
  public static final String KIND_BACKUP_DATABASE = "backup-database";
  public static final String KIND_BACKUP_FILES = "backup-files";
  public static final String KIND_BACKUP_BASE = "backup-base";
  public static final String KIND_RPO_WATCH = "rpo-watch";
  public static final String KIND_RETENTION = "retention";
  public static final String KIND_DRILL = "drill";
  public static final String KIND_VERIFY = "verify-by-restore";
  public static final String KIND_POST_INCIDENT = "post-incident";

  private SearchAttributes() {}

  /** Name → type, in registration order (for the operator API and the test servers). */
  public static Map<String, IndexedValueType> definitions() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    for (SearchAttributeKey<?> k : ALL) {
      m.put(k.getName(), k.getValueType());
    }
    return Collections.unmodifiableMap(m);
  }

  /** The type as the Temporal CLI and the Cloud UI spell it: Keyword, Int, … */
  public static String cliType(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> type.name();
    };
  }

  /**
   * Workflow code only: sets the attribute unless it already has this value (every upsert is an
   * event in the history, so unchanged values are not written again).
   */
  public static <T> void upsert(SearchAttributeKey<T> key, T value) {
    if (!Objects.equals(Workflow.getTypedSearchAttributes().get(key), value)) {
      Workflow.upsertTypedSearchAttributes(key.valueSet(value));
    }
  }
}
