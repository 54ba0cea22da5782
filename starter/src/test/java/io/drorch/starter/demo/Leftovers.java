package io.drorch.starter.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a local stack may leave behind once stopped: processes that name its directory on their
 * command line, processes it recorded, ports it listened on.
 */
final class Leftovers {
  private static final Pattern LOCAL_PORT = Pattern.compile("(?:127\\.0\\.0\\.1|localhost):(\\d{2,5})");

  private Leftovers() {}

  /** Running processes (other than this JVM) with {@code dir} in an argument of their command line. */
  static List<ProcessHandle> naming(Path dir) {
    String needle = dir.toAbsolutePath().normalize().toString();
    List<ProcessHandle> found = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == ProcessHandle.current().pid()) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains(needle)) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(found::add);
          }
        } catch (IOException gone) {
          // ended while we looked
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  /** Every 127.0.0.1 / localhost port named in the text (an env file, a plan). */
  static Set<Integer> localPorts(String text) {
    Set<Integer> ports = new TreeSet<>();
    Matcher m = LOCAL_PORT.matcher(text);
    while (m.find()) {
      ports.add(Integer.parseInt(m.group(1)));
    }
    return ports;
  }

  /** The ports of {@code ports} something still listens on at 127.0.0.1. */
  static List<Integer> listening(Collection<Integer> ports) {
    List<Integer> open = new ArrayList<>();
    for (int port : ports) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        open.add(port);
      } catch (IOException refused) {
        // nobody listens: what we want
      }
    }
    return open;
  }

  /** A line per process: pid and command line. */
  static String describe(Collection<ProcessHandle> processes) {
    StringBuilder sb = new StringBuilder();
    for (ProcessHandle h : processes) {
      sb.append("\n  pid ").append(h.pid()).append(": ")
          .append(h.info().commandLine().orElse(h.info().command().orElse("?")));
    }
    return sb.toString();
  }
}
