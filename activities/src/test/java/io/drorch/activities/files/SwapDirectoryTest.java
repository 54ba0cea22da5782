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

  /**
   * Host affinity (issue 8, item 2): with a marker nothing is inferred. Staging missing on this
   * host and the live directory without this recovery's marker (the restore ran elsewhere) fails
   * loudly, the live directory untouched; the marker in the live directory proves a swap done
   * earlier; a staging directory without the marker is not the approved copy.
   */
  @Test
  void withAMarkerAMissingStagingIsNeverTakenForADoneSwap() throws Exception {
    String marker = SwapMarker.text("INC-1", "files-1", "abc");
    SwapDirectoryInput pinned = new SwapDirectoryInput(target.toString(), staging.toString(),
        keepAs.toString(), null, marker);
    Files.writeString(Files.createDirectory(target).resolve("old"), "old");

    ApplicationFailure elsewhere = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(pinned));
    assertEquals(DrError.STAGING_NOT_HERE.name(), elsewhere.getType());
    assertTrue(elsewhere.isNonRetryable());
    assertTrue(elsewhere.getOriginalMessage().contains("does not exist on host"),
        elsewhere.getOriginalMessage());
    assertEquals("old", Files.readString(target.resolve("old")), "the live directory untouched");
    assertFalse(Files.exists(keepAs));

    Files.writeString(Files.createDirectory(staging).resolve("new"), "new");
    ApplicationFailure foreign = assertThrows(ApplicationFailure.class,
        () -> activities.swapDirectory(pinned));
    assertEquals(DrError.STAGING_NOT_HERE.name(), foreign.getType(), "staging without marker");
    assertTrue(Files.exists(staging.resolve("new")));

    SwapMarker.write(staging, marker);
    assertEquals(new SwapDirectoryResult(target.toString(), keepAs.toString()),
        activities.swapDirectory(pinned));
    assertEquals("new", Files.readString(target.resolve("new")));
    // a retry after the swap: staging gone, the marker in the live directory proves it was done
    assertEquals(new SwapDirectoryResult(target.toString(), keepAs.toString()),
        activities.swapDirectory(pinned));
    assertTrue(SwapMarker.carries(target, marker));
  }

  /** The marker is not part of a fingerprint: written after verification, the copy unchanged. */
  @Test
  void theMarkerIsLeftOutOfTheFingerprint() throws Exception {
    Files.writeString(Files.createDirectory(staging).resolve("new"), "new");
    String before = TreeFingerprint.of(staging);
    SwapMarker.write(staging, SwapMarker.text("INC-1", "files-1", "abc"));
    assertEquals(before, TreeFingerprint.of(staging));
    Files.writeString(staging.resolve("other"), "x");
    assertFalse(before.equals(TreeFingerprint.of(staging)));
  }
}
