package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void incidentsThatLookAlikeNeverShareADatabaseOrDirectory() {
    assertNotEquals(Names.database("ai_docs", "_restore_", "INC-42"),
        Names.database("ai_docs", "_restore_", "inc_42"));
    assertNotEquals(Names.database("ai_docs", "_pre_", "INC-42"),
        Names.database("ai_docs", "_pre_", "inc-42"));
    // a case-insensitive file system would see INC-42 and inc-42 as one directory without it
    assertNotEquals(Names.directory("/app/uploads", ".restore-", "INC-42").toLowerCase(),
        Names.directory("/app/uploads", ".restore-", "inc-42").toLowerCase());
    assertEquals(Names.database("ai_docs", "_restore_", "INC-42"),
        Names.database("ai_docs", "_restore_", "INC-42"), "stable");
  }

  @Test
  void databaseNamesLeaveRoomForTheAttemptSuffix() {
    String n = Names.database("x".repeat(63), "_restore_", "INC-" + "9".repeat(36));
    assertTrue(n.length() + "_a99999".length() <= 63, n);
    assertTrue(n.matches("[a-z_][a-z0-9_]*"), n);
  }
}
