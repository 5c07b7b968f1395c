package dev.tollgate.report;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.Budgets;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code tollgate.report=<file.html>}: a self-contained HTML page of what the application's LLM
 * calls cost, written at JVM exit (by the gateway's exit hook) and every
 * {@code tollgate.report.interval} (default 5m, {@code 0} = only at exit) by a daemon thread.
 *
 * <p>Why a page and not a server: a developer who only wants to see what the app spent today
 * opens a file; no backend, no port, no network (the page's CSS, JavaScript and SVG charts are
 * inline, the data is embedded as JSON). Each write goes to a temporary file in the same folder
 * that is then moved over the report, so a browser never sees half a page. Writing takes
 * milliseconds: the data is bounded ({@link ReportCollector}).
 */
public final class HtmlReport {
  private static final String TEMPLATE_RESOURCE = "/dev/tollgate/report/report.html";
  /** The template's placeholder for the JSON data (inside a {@code <script type="application/json">}). */
  static final String DATA_MARKER = "/*TOLLGATE_REPORT_DATA*/";

  private final ReportCollector collector;
  private final Path file;
  private final long intervalMillis;
  private final String serviceName;
  private final Object writeLock = new Object();
  private final AtomicBoolean writerStarted = new AtomicBoolean();
  private volatile String template;
  private volatile Thread intervalWriter;
  /** The configured budgets, read at each write; null when none is configured. */
  private volatile Supplier<Budgets> budgets;

  HtmlReport(ReportCollector collector, Path file, long intervalMillis, String serviceName) {
    this.collector = collector;
    this.file = file;
    this.intervalMillis = intervalMillis;
    this.serviceName = serviceName;
  }

  /** The report the configuration asks for, or null when {@code tollgate.report} is not set. */
  public static HtmlReport fromConfig(TollgateConfig config) {
    if (config.reportFile() == null) {
      return null;
    }
    try {
      return new HtmlReport(new ReportCollector(Clock.systemUTC()), Paths.get(config.reportFile()).toAbsolutePath(),
          config.reportIntervalMillis(), serviceName());
    } catch (Throwable t) {
      TollgateLog.warnOnce("config:tollgate.report", "ignoring tollgate.report=" + config.reportFile()
          + ": not a usable path", t);
      return null;
    }
  }

  private static String serviceName() {
    String s = System.getProperty("otel.service.name");
    if (s == null || s.isBlank()) {
      s = System.getenv("OTEL_SERVICE_NAME");
    }
    return s == null || s.isBlank() ? null : s.trim();
  }

  public Path file() {
    return file;
  }

  /**
   * Shows the budgets' burn on the page: {@code budgets} is asked for them at each write, on the
   * writing thread (the budgets are thread-safe), so the page has each window's spend as of then.
   */
  public void showBudgets(Supplier<Budgets> budgets) {
    this.budgets = budgets;
  }

  /** Counts a finished call; the first one starts the interval writer. */
  public void record(CallRecord record) {
    collector.record(record);
    if (intervalMillis > 0 && writerStarted.compareAndSet(false, true)) {
      startIntervalWriter();
    }
  }

  private void startIntervalWriter() {
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
        try {
          write();
        } catch (Throwable e) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          TollgateLog.warnOnce("internal:report-write", "could not write the report " + file, e);
        }
      }
    }, "tollgate-report");
    t.setDaemon(true);
    intervalWriter = t;
    t.start();
  }

  /** For tests: stops the interval writer and waits until it has stopped. */
  void stopIntervalWriter() throws InterruptedException {
    Thread t = intervalWriter;
    if (t != null) {
      t.interrupt();
      t.join();
    }
  }

  /** At JVM exit: the final report. Never throws. */
  public void writeAtExit() {
    try {
      write();
    } catch (Throwable e) {
      TollgateLog.warnOnce("internal:report-write", "could not write the report " + file, e);
    }
  }

  /** Writes the page now: to a temporary file beside the report, then moved over it. */
  public void write() throws IOException {
    String html = render(collector.snapshotJson(serviceName, intervalMillis, readBudgets()));
    synchronized (writeLock) {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Each budget's burn now; null when no budget is configured, or (logged once) when they can't be read. */
  private List<BudgetBurn.Budget> readBudgets() {
    Supplier<Budgets> source = budgets;
    if (source == null) {
      return null;
    }
    try {
      return BudgetBurn.read(source.get());
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:report-budgets", "could not read the budgets for the report", t);
      return null;
    }
  }

  String render(String json) throws IOException {
    String t = template;
    if (t == null) {
      try (InputStream in = HtmlReport.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
        if (in == null) {
          throw new IOException("the report template " + TEMPLATE_RESOURCE + " is missing from the agent");
        }
        t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      template = t;
    }
    int at = t.indexOf(DATA_MARKER);
    return t.substring(0, at) + json + t.substring(at + DATA_MARKER.length());
  }
}
