package io.drorch.workflows.files;

import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Uploads-directory side effects. */
@ActivityInterface
public interface FileActivities {

  /**
   * Streams the uploads directory as a gzip tar (readable by plain {@code tar -xzf}) into a
   * multipart upload under a fresh key for this attempt, and writes the per-file listing beside
   * it. Heartbeats bytes read. Idempotent in effect: each attempt writes new keys.
   */
  @ActivityMethod
  ArchiveFilesResult archiveToStorage(ArchiveFilesInput input);
}
