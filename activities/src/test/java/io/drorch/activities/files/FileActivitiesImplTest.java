package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Checks that fail before any S3 call or activity context is needed. */
class FileActivitiesImplTest {
  @TempDir Path tmp;

  private final FileActivitiesImpl activities =
      new FileActivitiesImpl(new S3Clients(AnonymousCredentialsProvider.create()));
  private final StorageTarget storage =
      new StorageTarget("b", "p", "us-east-1", "http://127.0.0.1:1", true, 30, false, 0);

  private ApplicationFailure archive(String dir) {
    return assertThrows(ApplicationFailure.class, () -> activities.archiveToStorage(
        new ArchiveFilesInput("files-20261126T023000Z-77b0e2", new FilesTarget(dir), storage)));
  }

  @Test
  void aMissingUploadsDirIsNonRetryableAndNamesPathHostAndFix() {
    String dir = tmp.resolve("no-such-uploads").toString();
    ApplicationFailure f = archive(dir);
    assertEquals(DrError.UPLOADS_DIR_MISSING.name(), f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains(dir), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("files.uploads"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("host"), f.getOriginalMessage());
  }

  @Test
  void aFileInsteadOfADirectoryIsUploadsDirMissing() throws Exception {
    Path file = Files.writeString(tmp.resolve("uploads"), "not a dir");
    ApplicationFailure f = archive(file.toString());
    assertEquals(DrError.UPLOADS_DIR_MISSING.name(), f.getType());
    assertTrue(f.getOriginalMessage().contains("not a directory"), f.getOriginalMessage());
  }

  @Test
  void aRelativeOrBlankUploadsDirIsUploadsDirMissing() {
    assertEquals(DrError.UPLOADS_DIR_MISSING.name(), archive("uploads").getType());
    assertEquals(DrError.UPLOADS_DIR_MISSING.name(), archive(" ").getType());
  }
}
