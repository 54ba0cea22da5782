package io.drorch.activities.files;

import java.io.IOException;

/**
 * A problem with the source tree while archiving (as opposed to the sink failing, which surfaces
 * as the sink's own exception). {@link #path()} is the file concerned, relative to the root.
 */
public final class ArchiveException extends IOException {

  public enum Reason {
    /** The root is missing, not a directory or not readable. */
    ROOT_MISSING,
    /** A file changed size or modification time while it was read: a retry may succeed. */
    CHANGED,
    /** A file or directory cannot be read by the worker (permissions): a retry will not help. */
    UNREADABLE,
    /** Any other I/O error reading the source. */
    READ_FAILED
  }

  private final Reason reason;
  private final String path;

  public ArchiveException(Reason reason, String path, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.path = path;
  }

  public Reason reason() {
    return reason;
  }

  public String path() {
    return path;
  }
}
