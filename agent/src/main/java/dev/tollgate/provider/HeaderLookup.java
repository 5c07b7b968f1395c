package dev.tollgate.provider;

/** The first value of a header (case-insensitive name), or null; each client adapter provides one. */
@FunctionalInterface
public interface HeaderLookup {
  String first(String name);

  HeaderLookup NONE = name -> null;
}
