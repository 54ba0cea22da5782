package io.drorch.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadKeysTest {
  private static final String B64 = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void keyFileFirstLineEncryptsEveryLineDecrypts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "# rotated 2026-12-01\n\nk2 " + B64 + "\n  k1   " + B64 + "  \n");

    PayloadKeys keys = PayloadKeys.from(Map.of("DR_PAYLOAD_KEYS", file.toString()));

    assertTrue(keys.enabled());
    assertEquals("k2", keys.encrypting().id());
    assertEquals(List.of("k2", "k1"), keys.ids());
    assertTrue(keys.describe().contains("key 'k2'") && keys.describe().contains("[k1]"),
        keys.describe());
    assertFalse(keys.describe().contains(B64), "never the key itself");
  }

  @Test
  void oneKeyFromTheEnvironmentHasIdDefault() {
    PayloadKeys keys = PayloadKeys.from(Map.of("DR_PAYLOAD_KEY", B64));

    assertEquals(List.of("default"), keys.ids());
  }

  @Test
  void nothingConfiguredMeansPlainPayloads() {
    PayloadKeys keys = PayloadKeys.from(Map.of("DR_PAYLOAD_KEY", " "));

    assertFalse(keys.enabled());
    assertTrue(keys.describe().contains("NOT encrypted"), keys.describe());
  }

  @Test
  void badConfigurationsSayWhatToFix(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "k1 " + B64 + "\nk2 c2hvcnQ=\n");

    assertMessage("line 2: the key is 5 bytes, AES-256 needs 32",
        () -> PayloadKeys.from(Map.of("DR_PAYLOAD_KEYS", file.toString())));
    assertMessage("both DR_PAYLOAD_KEYS and DR_PAYLOAD_KEY are set",
        () -> PayloadKeys.from(Map.of("DR_PAYLOAD_KEYS", file.toString(), "DR_PAYLOAD_KEY", B64)));
    assertMessage("the key file cannot be read",
        () -> PayloadKeys.from(Map.of("DR_PAYLOAD_KEYS", dir.resolve("nope").toString())));
    assertMessage("line 1: the key is not base64", () -> PayloadKeys.parse("k1 !!!", "t"));
    assertMessage("line 2: key id 'k1' appears twice",
        () -> PayloadKeys.parse("k1 " + B64 + "\nk1 " + B64, "t"));
    assertMessage("no key in the file", () -> PayloadKeys.parse("# empty\n", "t"));
    assertMessage("expected `keyid base64-of-32-bytes`", () -> PayloadKeys.parse(B64, "t"));
  }

  @Test
  void theDemoKeyFileIsMadeOnceOwnerOnlyAndKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/payload-keys");

    PayloadKeys first = PayloadKeys.createIfMissing(file, "demo");
    String text = Files.readString(file);
    PayloadKeys second = PayloadKeys.createIfMissing(file, "demo");

    assertEquals(List.of("demo"), first.ids());
    assertEquals(text, Files.readString(file));
    assertEquals(first.encrypting().secret(), second.encrypting().secret());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable ex) {
    PayloadKeys.InvalidKeysException e =
        assertThrows(PayloadKeys.InvalidKeysException.class, ex);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
