package io.drorch.activities.notify;

import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.SmtpSettings;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@code email} channel: one plain-text message to the notification's contacts (the level's
 * e-mail addresses; level 0: everyone) over SMTP, with STARTTLS required unless the plan says
 * {@code starttls: false}, and SMTP AUTH when the plan names a user. The password comes from the
 * worker's environment ({@code DR_SMTP_PASSWORD}), never from the plan or the notification.
 *
 * <p>All or nothing: when the server refuses any recipient nothing is sent and the channel fails,
 * naming the refused addresses.
 */
final class EmailChannel {
  /** The worker's environment variable holding the SMTP password. */
  static final String PASSWORD_ENV = "DR_SMTP_PASSWORD";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Supplier<Optional<String>> password;
  private final SSLSocketFactory tls;

  /**
   * @param password the SMTP password (asked on every send)
   * @param tls the TLS sockets for STARTTLS, or null for the JVM's defaults (its trust store)
   */
  EmailChannel(Supplier<Optional<String>> password, SSLSocketFactory tls) {
    this.password = password;
    this.tls = tls;
  }

  /** {@code DR_SMTP_PASSWORD} of the worker process, the JVM's trust store. */
  static EmailChannel fromEnvironment() {
    return new EmailChannel(
        () -> Optional.ofNullable(System.getenv(PASSWORD_ENV)).filter(p -> !p.isEmpty()), null);
  }

  /** How the channel is named in failures and logs: host and port, never credentials. */
  static String name(SmtpSettings s) {
    return s == null ? "email" : "email via " + s.host() + ":" + s.port();
  }

  void send(SmtpSettings s, Notification n) throws IOException {
    if (s == null || s.host() == null || s.from() == null) {
      throw new IllegalArgumentException("email channel without smtp host and from");
    }
    List<String> to = n.contacts() == null ? List.of() : n.contacts();
    if (to.isEmpty()) {
      throw new IllegalArgumentException("no recipients: level " + n.level()
          + " lists no contacts in the plan's escalation (or contacts) section");
    }
    Optional<String> secret = Optional.empty();
    if (s.username() != null) {
      secret = password.get();
      if (secret.isEmpty()) {
        throw new IllegalStateException(PASSWORD_ENV + " is not set in the worker's environment"
            + " (the plan names SMTP user '" + s.username() + "')");
      }
    }
    Session session = Session.getInstance(properties(s));
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(s.from(), true));
      m.setRecipients(Message.RecipientType.TO, addresses(to));
      m.setSubject(MessageText.subject(n), "UTF-8");
      m.setText(MessageText.emailBody(n), "UTF-8");
      m.setSentDate(new Date());
      m.setHeader("X-DR-Incident", n.incidentId());
      m.setHeader("X-DR-Event", n.event());
      try (Transport t = session.getTransport("smtp")) {
        t.connect(s.host(), s.port(), s.username(), secret.orElse(null));
        t.sendMessage(m, m.getAllRecipients());
      }
    } catch (AuthenticationFailedException e) {
      throw new IOException("SMTP authentication as '" + s.username() + "' refused: "
          + oneLine(e.getMessage()) + " (check " + PASSWORD_ENV + ")", e);
    } catch (SendFailedException e) {
      Address[] bad = e.getInvalidAddresses();
      throw new IOException("refused" + (bad == null || bad.length == 0 ? ""
          : " for " + Arrays.toString(bad)) + ": " + oneLine(e.getMessage())
          + "; nothing was sent", e);
    } catch (MessagingException e) {
      Throwable cause = e.getNextException() != null ? e.getNextException() : e.getCause();
      throw new IOException(oneLine(e.getMessage())
          + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": "
              + oneLine(cause.getMessage()) + ")"), e);
    }
  }

  private Properties properties(SmtpSettings s) {
    Properties p = new Properties();
    p.put("mail.smtp.host", s.host());
    p.put("mail.smtp.port", String.valueOf(s.port()));
    String ms = String.valueOf(TIMEOUT.toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    p.put("mail.smtp.auth", String.valueOf(s.username() != null));
    if (s.startTls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
      p.put("mail.smtp.ssl.checkserveridentity", "true");
      if (tls != null) {
        p.put("mail.smtp.ssl.socketFactory", tls);
      }
    }
    return p;
  }

  private static InternetAddress[] addresses(List<String> to) throws AddressException {
    List<InternetAddress> out = new ArrayList<>();
    for (String a : to) {
      out.add(new InternetAddress(a, true));
    }
    return out.toArray(InternetAddress[]::new);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
