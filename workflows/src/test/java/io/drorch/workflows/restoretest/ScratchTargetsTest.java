package io.drorch.workflows.restoretest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScratchTargetsTest {

  @Test
  void derivesDrillNamesBesideTheLiveTargets() {
    assertEquals("ai_docs_drill_2026q4", ScratchTargets.databaseName("ai_docs", "2026Q4"));
    assertEquals("ai_docs_drill_db_20261126t020000z_3f9a1c",
        ScratchTargets.databaseName("ai_docs", "db-20261126T020000Z-3f9a1c"));
    assertEquals("/app/uploads.drill-2026Q4", ScratchTargets.directory("/app/uploads", "2026Q4"));
    assertEquals("/app/uploads.drill-a_b", ScratchTargets.directory("/app/uploads/", "a/b"));
    assertEquals("/app/uploads.drill-x.dr-scratch",
        ScratchTargets.directoryMarker("/app/uploads.drill-x"));
    // derived names always pass the checks
    assertNull(ScratchTargets.databaseRefusal("ai_docs", ScratchTargets.databaseName("ai_docs", "1")));
    assertNull(ScratchTargets.directoryRefusal("/app/uploads",
        ScratchTargets.directory("/app/uploads", "1")));
  }

  @Test
  void aLongLiveNameIsShortenedButTheIdIsKeptAndTheNameFitsPostgres() {
    String live = "a".repeat(63);
    String name = ScratchTargets.databaseName(live, "db-20261126T020000Z-3f9a1c");
    assertEquals(63, name.length());
    assertTrue(name.endsWith("_drill_db_20261126t020000z_3f9a1c"), name);
    assertNull(ScratchTargets.databaseRefusal(live, name));
  }

  @Test
  void refusesTheLiveDatabaseReservedDatabasesAndNamesThatAreNotScratch() {
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "ai_docs"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs_drill_1", "ai_docs_drill_1"),
        "even a live database that looks like scratch");
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "AI_DOCS"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "postgres"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "template1"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "ai_docs_restore_inc_42"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "ai_docs_pre_inc_42"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", "x_drill_\"; DROP"));
    assertNotNull(ScratchTargets.databaseRefusal("ai_docs", null));
  }

  @Test
  void refusesTheLiveDirectoryAPathAroundItOrInsideItAndNonScratchNames() {
    String live = "/app/uploads";
    assertTrue(ScratchTargets.directoryRefusal(live, "/app/uploads").contains("is the live"));
    assertTrue(ScratchTargets.directoryRefusal(live, "/app/uploads/").contains("is the live"));
    assertTrue(ScratchTargets.directoryRefusal(live, "/app").contains("holds the live"));
    assertTrue(ScratchTargets.directoryRefusal(live, "/").contains("holds the live"));
    assertTrue(ScratchTargets.directoryRefusal(live, "/app/uploads/x.drill-1")
        .contains("inside the live"));
    assertTrue(ScratchTargets.directoryRefusal("/app/uploads.drill-1/u", "/app/uploads.drill-1")
        .contains("holds the live"));
    assertNotNull(ScratchTargets.directoryRefusal(live, "/app/uploads.pre-INC-1"));
    assertNotNull(ScratchTargets.directoryRefusal(live, "/app/uploads.drill-1/../uploads"));
    assertNotNull(ScratchTargets.directoryRefusal(live, "app/uploads.drill-1"));
    assertNotNull(ScratchTargets.directoryRefusal(live, "/app//uploads.drill-1"));
    // a mere string prefix is not a path prefix: /app/upl is beside /app/uploads
    assertNull(ScratchTargets.directoryRefusal(live, "/app/upl.drill-1"));
    assertNull(ScratchTargets.directoryRefusal(live, "/app/uploads.drill-1"));
  }

  @Test
  void anExistingTargetIsUsableOnlyWithOurMark() {
    assertNull(ScratchTargets.existingDatabaseRefusal("ai_docs_drill_1", false, null));
    assertNull(ScratchTargets.existingDatabaseRefusal("ai_docs_drill_1", true,
        ScratchTargets.databaseMark("drill-1")));
    assertTrue(ScratchTargets.existingDatabaseRefusal("ai_docs_drill_1", true, null)
        .contains("not a scratch database"));
    assertNotNull(ScratchTargets.existingDatabaseRefusal("ai_docs_drill_1", true, "payroll"));
    assertNull(ScratchTargets.existingDirectoryRefusal("/a.drill-1", false, false));
    assertNull(ScratchTargets.existingDirectoryRefusal("/a.drill-1", true, true));
    assertTrue(ScratchTargets.existingDirectoryRefusal("/a.drill-1", true, false)
        .contains("/a.drill-1.dr-scratch"));
  }
}
