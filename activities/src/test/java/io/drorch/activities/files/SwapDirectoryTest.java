package io.drorch.activities.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every state the two renames of a swap can be found in (plain calls, no S3 involved). */
class SwapDirectoryTest {
  @TempDir Path tmp;
  private final FileRecoveryActivitiesImpl activities = new FileRecoveryActivitiesImpl(null);
  private Path target;
  private Path staging;
  private Path keepAs;
  private SwapDirectoryInput input;

  @BeforeEach
  void setUp() {
    target = tmp.resolve("uploads");
    staging = tmp.resolve("uploads.restore-INC-1");
    keepAs = tmp.resolve("uploads.before-INC-1");
    input = new SwapDirectoryInput(target.toString(), staging.toString(), keepAs.toString());
  }

  @Test
  void finishesASwapThatStoppedBetweenItsTwoRenames() throws Exception {
    Files.writeString(Files.createDirectory(keepAs).resolve("old"), "old");
    Files.writeString(Files.createDirectory(staging).resolve("new"), "new");

    SwapDirectoryResult r = activities.swapDirectory(input);

    assertEquals(new SwapDirectoryResult(target.toString(), keepAs.toString()), r);
    assertEquals("new", Files.readString(target.resolve("new")));
    assertEquals("old", Files.readString(keepAs.resolve("old")));
    assertFalse(Files.exists(staging));
  }

  @Test
  void failsClearlyWhenThereIsNothingToSwap() {
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(input));
    assertEquals(DrError.RESTORE_FAILED.name(), f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("restoreToStaging"), f.getOriginalMessage());
  }

  @Test
  void refusesRelativeOrEqualPaths() {
    ApplicationFailure relative = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(new SwapDirectoryInput("uploads", staging.toString(),
            keepAs.toString())));
    assertEquals(DrError.BAD_INPUT.name(), relative.getType());
    ApplicationFailure same = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(new SwapDirectoryInput(target.toString(),
            target.toString(), keepAs.toString())));
    assertEquals(DrError.BAD_INPUT.name(), same.getType());
  }

  @Test
  void aStagingPathThatIsAFileIsBadInput() throws Exception {
    Files.writeString(staging, "not a directory");
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(input));
    assertEquals(DrError.BAD_INPUT.name(), f.getType());
    assertTrue(Files.exists(staging));
  }
}
