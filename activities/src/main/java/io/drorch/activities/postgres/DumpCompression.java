package io.drorch.activities.postgres;

import io.drorch.workflows.common.DrError;
import java.util.List;

/**
 * How a dump is compressed: the plan's {@code database.compression}, and the {@code format} a
 * manifest records (so a restore knows whether to pipe through {@code zstd -dc}).
 */
public enum DumpCompression {
  /** {@code pg_dump -Fc}: zlib inside the custom format. The default. */
  GZIP("pg_dump-custom", ".dump", List.of()),
  /**
   * {@code pg_dump -Fc -Z0 | zstd}: 2-3x faster on 2 cores than pg_dump's single-threaded zlib;
   * restore by hand with {@code zstd -dc f.dump.zst | pg_restore -d DB}.
   */
  ZSTD("pg_dump-custom+zstd", ".dump.zst", List.of("-Z0"));

  public final String format;
  public final String extension;
  final List<String> pgDumpArgs;

  DumpCompression(String format, String extension, List<String> pgDumpArgs) {
    this.format = format;
    this.extension = extension;
    this.pgDumpArgs = pgDumpArgs;
  }

  /** From the plan's value: null or gzip, or zstd; anything else is BAD_INPUT. */
  public static DumpCompression of(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("gzip")) {
      return GZIP;
    }
    if (value.equalsIgnoreCase("zstd")) {
      return ZSTD;
    }
    throw DrError.BAD_INPUT.failure(
        "database.compression '" + value + "' is not supported: use gzip (the default) or zstd");
  }

  /** From a manifest's format ({@code pg_dump-custom}, {@code pg_dump-custom+zstd}). */
  public static DumpCompression ofFormat(String format) {
    for (DumpCompression c : values()) {
      if (c.format.equals(format)) {
        return c;
      }
    }
    throw DrError.BAD_INPUT.failure("unknown database dump format '" + format + "'");
  }
}
