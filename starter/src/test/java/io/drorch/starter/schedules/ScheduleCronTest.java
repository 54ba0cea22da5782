package io.drorch.starter.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The calendars the server describes a cron schedule with, written back as cron. */
class ScheduleCronTest {

  private static ScheduleSpec calendar(ScheduleCalendarSpec c) {
    return ScheduleSpec.newBuilder().setCalendars(List.of(c)).build();
  }

  @Test
  void theServersCalendarsReadAsTheirCron() {
    // what the dev server returns for "0 2 * * *": every day, month and week day as full ranges
    assertEquals("0 2 * * *", ScheduleSync.cron(calendar(ScheduleCalendarSpec.newBuilder()
        .setSeconds(List.of(new ScheduleRange(0))).setMinutes(List.of(new ScheduleRange(0)))
        .setHour(List.of(new ScheduleRange(2))).setDayOfMonth(List.of(new ScheduleRange(1, 31)))
        .setMonth(List.of(new ScheduleRange(1, 12))).setDayOfWeek(List.of(new ScheduleRange(0, 6)))
        .build())));
    assertEquals("30 2 * * *", ScheduleSync.cron(calendar(ScheduleCalendarSpec.newBuilder()
        .setMinutes(List.of(new ScheduleRange(30))).setHour(List.of(new ScheduleRange(2)))
        .setDayOfMonth(List.of()).setMonth(List.of()).setDayOfWeek(List.of()).build())));
    assertEquals("*/15 9-17 * * 1-5", ScheduleSync.cron(calendar(ScheduleCalendarSpec.newBuilder()
        .setMinutes(List.of(new ScheduleRange(0, 59, 15))).setHour(List.of(new ScheduleRange(9, 17)))
        .setDayOfMonth(List.of()).setMonth(List.of()).setDayOfWeek(List.of(new ScheduleRange(1, 5)))
        .build())));
    assertEquals("0 3 1,15 * 0", ScheduleSync.cron(calendar(ScheduleCalendarSpec.newBuilder()
        .setHour(List.of(new ScheduleRange(3)))
        .setDayOfMonth(List.of(new ScheduleRange(1), new ScheduleRange(15)))
        .setMonth(List.of()).setDayOfWeek(List.of(new ScheduleRange(0))).build())));
  }

  @Test
  void cronAndIntervalSpecsAreShownAsGiven() {
    assertEquals("0 4 * * *",
        ScheduleSync.cron(ScheduleSpec.newBuilder().setCronExpressions(List.of("0 4 * * *")).build()));
    assertEquals("every PT1H", ScheduleSync.cron(ScheduleSpec.newBuilder()
        .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build()));
    assertEquals("-", ScheduleSync.cron(ScheduleSpec.newBuilder().build()));
  }
}
