package io.drorch.activities.files;

import java.io.IOException;

/**
 * An archive entry that {@link SafeExtractor} refuses to write: it would land or point outside
 * the staging directory, pass through a symbolic link, or is a device, fifo or unknown type.
 */
public final class UnsafeArchiveException extends IOException {
  private final String entry;
  private final String reason;

  public UnsafeArchiveException(String entry, String reason) {
    super("unsafe archive entry '" + entry + "': " + reason);
    this.entry = entry;
    this.reason = reason;
  }

  /** The entry's name as stored in the archive. */
  public String entry() {
    return entry;
  }

  /** Why it was refused. */
  public String reason() {
    return reason;
  }
}
