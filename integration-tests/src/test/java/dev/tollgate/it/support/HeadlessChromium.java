package dev.tollgate.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, for looking at a page as a person would: a screenshot and
 * the DOM after the page's scripts ran.
 *
 * <p>Chromium is installed by the project's own {@code scripts/install-test-deps.sh} when it is
 * missing (CI runs {@code ./mvnw verify} on a machine that may not have it). When it can't be
 * installed the test fails and says why: a browser check that silently skips proves nothing.
 *
 * <p>Offline: every host name resolves to nothing ({@code --host-resolver-rules}), so a page that
 * needed the network would show it (and the report's own Content-Security-Policy forbids loads).
 */
public final class HeadlessChromium {
  private static final Object INSTALL_LOCK = new Object();
  private static volatile Path binary;

  private HeadlessChromium() {}

  /** The chromium binary, installed through scripts/install-test-deps.sh first if needed. */
  public static Path binary() {
    Path b = binary;
    if (b != null) {
      return b;
    }
    synchronized (INSTALL_LOCK) {
      if (binary == null) {
        Path found = onPath("chromium");
        if (found == null) {
          Path log = ItEnv.buildDir().resolve("install-test-deps.log");
          int exit = runScript(log);
          found = onPath("chromium");
          if (found == null) {
            throw new AssertionError("""
                ===================================================================
                chromium is not installed and scripts/install-test-deps.sh could not install it (exit %d).
                The HTML report's browser check cannot run. Install chromium (Debian: apt-get install -y
                chromium) or fix the script. Its output (%s):
                %s
                ===================================================================""".formatted(exit, log, read(log)));
          }
        }
        binary = found;
      }
      return binary;
    }
  }

  private static int runScript(Path log) {
    Path script = ItEnv.repoRoot().resolve("scripts/install-test-deps.sh");
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -3;
    }
  }

  /** Renders {@code page} and saves a PNG of a {@code width}×{@code height} window. */
  public static Result screenshot(Path page, Path png, int width, int height) {
    return run(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height));
  }

  /** Renders {@code page} and returns the DOM after its scripts ran. */
  public static Result dumpDom(Path page) {
    return run(page, List.of("--dump-dom"));
  }

  /** What chromium printed and how it ended. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public String describe() {
      return String.join(" ", command) + "\nexit=" + exitCode + "\n--- stderr ---\n" + tail(stderr);
    }

    private static String tail(String s) {
      return s.length() <= 3000 ? s : "..." + s.substring(s.length() - 3000);
    }
  }

  private static Result run(Path page, List<String> what) {
    List<String> command = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-extensions",
        "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND"));
    try {
      Path profile = Files.createTempDirectory(ItEnv.buildDir(), "chromium-profile-");
      command.add("--user-data-dir=" + profile);
      command.addAll(what);
      command.add(page.toAbsolutePath().toUri().toString());
      Path out = Files.createTempFile(ItEnv.buildDir(), "chromium-", ".out");
      Path err = Files.createTempFile(ItEnv.buildDir(), "chromium-", ".err");
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      int exit;
      if (p.waitFor(60, TimeUnit.SECONDS)) {
        exit = p.exitValue();
      } else {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        exit = -1;
      }
      return new Result(command, exit, read(out), read(err));
    } catch (IOException e) {
      throw new AssertionError("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
