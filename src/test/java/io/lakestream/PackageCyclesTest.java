package io.lakestream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the main code's package graph free of cycles: a package may use another only if that one
 * does not use it back, directly or through others. The graph is read from the sources (every
 * {@code io.lakestream.<package>.<Class>} named in imports or in the code), so the test needs no
 * library and no compiled classes.
 */
class PackageCyclesTest {

  private static final Path MAIN = Path.of("src", "main", "java", "io", "lakestream");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bio\\.lakestream\\.((?:[a-z][a-z0-9_]*\\.)*)([A-Z]\\w*)");
  private static final String ROOT = "(io.lakestream)";

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Map<String, Set<String>>> graph = packageGraph();
    assertThat(graph)
        .as("packages read from " + MAIN)
        .containsKeys("app", "config", "sink", "stage");

    List<String> cycles = new ArrayList<>();
    for (String from : graph.keySet()) {
      for (String to : graph.get(from).keySet()) {
        if (from.compareTo(to) < 0 && reaches(graph, to, from)) {
          cycles.add(
              from
                  + " -> "
                  + to
                  + " "
                  + graph.get(from).get(to)
                  + " and back through "
                  + path(graph, to, from));
        }
      }
    }
    assertThat(cycles)
        .as("package cycles (a package that uses another must not be used back by it)")
        .isEmpty();
  }

  @Test
  void theCheckFindsACycle() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    edge(graph, "a", "b", "A1->B1");
    edge(graph, "b", "c", "B2->C1");
    edge(graph, "c", "a", "C2->A2");
    edge(graph, "c", "d", "C3->D1");
    assertThat(reaches(graph, "b", "a")).isTrue();
    assertThat(path(graph, "b", "a")).isEqualTo("b -> c -> a");
    assertThat(reaches(graph, "d", "a")).isFalse();
  }

  /** package -> package it uses -> the uses, as "Class->UsedClass". */
  private static Map<String, Map<String, Set<String>>> packageGraph() throws IOException {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String from =
            packageName(
                MAIN.relativize(file.getParent())
                    .toString()
                    .replace(file.getFileSystem().getSeparator(), "."));
        String className = file.getFileName().toString().replace(".java", "");
        graph.computeIfAbsent(from, p -> new TreeMap<>());
        Matcher reference = REFERENCE.matcher(Files.readString(file));
        while (reference.find()) {
          String to = packageName(reference.group(1).replaceAll("\\.$", ""));
          if (!to.equals(from)) {
            edge(graph, from, to, className + "->" + reference.group(2));
          }
        }
      }
    }
    return graph;
  }

  /** "" (the root package, io.lakestream itself) gets a name of its own. */
  private static String packageName(String relative) {
    return relative.isEmpty() ? ROOT : relative;
  }

  private static void edge(
      Map<String, Map<String, Set<String>>> graph, String from, String to, String use) {
    graph
        .computeIfAbsent(from, p -> new TreeMap<>())
        .computeIfAbsent(to, p -> new TreeSet<>())
        .add(use);
    graph.computeIfAbsent(to, p -> new TreeMap<>());
  }

  private static boolean reaches(
      Map<String, Map<String, Set<String>>> graph, String from, String to) {
    return !path(graph, from, to).isEmpty();
  }

  /** A path of packages from {@code from} to {@code to} ("x -> y -> z"), or "" if there is none. */
  private static String path(Map<String, Map<String, Set<String>>> graph, String from, String to) {
    Map<String, String> cameFrom = new TreeMap<>();
    List<String> queue = new ArrayList<>(List.of(from));
    cameFrom.put(from, "");
    for (int i = 0; i < queue.size(); i++) {
      String current = queue.get(i);
      if (current.equals(to)) {
        List<String> steps = new ArrayList<>();
        for (String step = to; !step.isEmpty(); step = cameFrom.get(step)) {
          steps.add(0, step);
        }
        return String.join(" -> ", steps);
      }
      for (String next : graph.getOrDefault(current, Map.of()).keySet()) {
        if (!cameFrom.containsKey(next)) {
          cameFrom.put(next, current);
          queue.add(next);
        }
      }
    }
    return "";
  }
}
