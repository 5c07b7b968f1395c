package dev.tollgate.instrumentation;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Test helper: the names of every compiled class of a package, read from where the class was loaded. */
public final class CompiledClasses {
  private CompiledClasses() {}

  /** Binary names ({@code a.b.C$D}) of all classes directly in the package of {@code anchor}. */
  public static TreeSet<String> inPackageOf(Class<?> anchor) throws IOException, URISyntaxException {
    String pkg = anchor.getPackageName();
    String dir = pkg.replace('.', '/');
    URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
    Path root = Paths.get(location.toURI());
    TreeSet<String> names = new TreeSet<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.list(root.resolve(dir))) {
        files.map(p -> p.getFileName().toString())
            .filter(f -> f.endsWith(".class") && !f.equals("package-info.class"))
            .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - ".class".length())));
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String n = e.nextElement().getName();
          if (n.startsWith(dir + "/") && n.endsWith(".class") && n.indexOf('/', dir.length() + 1) < 0
              && !n.endsWith("/package-info.class")) {
            names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
          }
        }
      }
    }
    if (names.isEmpty()) {
      throw new IllegalStateException("no classes found for " + pkg + " under " + root);
    }
    return names;
  }
}
