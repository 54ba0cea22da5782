package io.drorch.starter.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The heartbeat details of each long activity, as a progress line shows them. */
class RunProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String detail(String type, String json) throws Exception {
    return RunProgress.detail(type, JSON.readTree(json));
  }

  @Test
  void bytesOfDumpsDownloadsAndRestores() throws Exception {
    assertEquals("12.0 MiB", detail("RestoreFromBackup", "12582912"));
    assertEquals("512 B", detail("DumpToStorage", "512"));
  }

  @Test
  void theFileRestoreSaysItsPhaseAndShareDone() throws Exception {
    assertEquals("extract 1.0 MiB of 4.0 MiB (25 %)", detail("RestoreToStaging",
        "{\"phase\":\"extract\",\"bytes\":1048576,\"totalBytes\":4194304}"));
    assertEquals("download-archive 2.0 KiB", detail("RestoreToStaging",
        "{\"phase\":\"download-archive\",\"bytes\":2048,\"totalBytes\":-1}"));
  }

  @Test
  void archivesCountsAndHealthChecks() throws Exception {
    assertEquals("40 files, 3.0 MiB",
        detail("ArchiveToStorage", "{\"bytesRead\":3145728,\"entries\":40}"));
    assertEquals("5 checks, last answer 503", detail("AwaitHealthy",
        "{\"startedAtMillis\":1,\"checks\":5,\"consecutiveFailures\":5,\"failures\":5,"
            + "\"lastStatus\":503,\"lastError\":null}"));
    assertEquals("3 tables counted", detail("VerifyIntegrity", "3"));
    assertEquals("12 s", detail("Deploy", "12345"));
    assertEquals("", RunProgress.detail("Deploy", null));
  }
}
