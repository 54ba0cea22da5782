package io.drorch.worker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Where this process's log goes. By default (logback.xml) to stderr, as a service's log should;
 * {@link #toFile} moves it into a file, so that a command that hosts a worker in-process (the
 * demo) or a worker started beside an interactive shell keeps the terminal for its own output.
 */
public final class WorkerLogs {
  /** logback.xml's pattern, used when the console appender has none to copy. */
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%X{WorkflowId:-} %X{ActivityId:-}] %logger{24} - %msg%n";

  private WorkerLogs() {}

  /**
   * From now on every log line of this process is appended to {@code file} (created with its
   * directories), in the same format as on stderr, and none goes to the console.
   */
  public static void toFile(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log directory of " + file, e);
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // not logback (a test harness with another binding): leave logging alone
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(currentPattern(root));
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(ctx);
    appender.setName("dr-log-file");
    appender.setFile(file.toAbsolutePath().toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  private static String currentPattern(Logger root) {
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> a = it.next();
      if (a instanceof ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> o) {
        Encoder<ILoggingEvent> e = o.getEncoder();
        if (e instanceof PatternLayoutEncoder p && p.getPattern() != null) {
          return p.getPattern();
        }
        if (e instanceof LayoutWrappingEncoder<ILoggingEvent> w
            && w.getLayout() instanceof ch.qos.logback.classic.PatternLayout l) {
          return l.getPattern();
        }
      }
    }
    return PATTERN;
  }
}
