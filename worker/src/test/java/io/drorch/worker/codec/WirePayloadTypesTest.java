package io.drorch.worker.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.common.TaskQueues;
import io.temporal.activity.ActivityInterface;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * In a workflow's context the codec leaves bare JSON strings plain (they are the Web UI's
 * summaries and details): so no workflow, signal, update or query of ours may take or return a
 * bare String, or that value would cross the wire unencrypted. Wrap it in a record. (Activities
 * may: in an activity's context strings are encrypted too.)
 */
class WirePayloadTypesTest {
  @Test
  void noWorkflowSignalUpdateOrQueryTakesOrReturnsABareString() throws Exception {
    List<Class<?>> workflows = new ArrayList<>();
    List<Class<?>> activities = new ArrayList<>();
    for (Class<?> c : classesOf(TaskQueues.class, "io/drorch/workflows")) {
      if (c.isInterface() && c.isAnnotationPresent(WorkflowInterface.class)) {
        workflows.add(c);
      } else if (c.isInterface() && c.isAnnotationPresent(ActivityInterface.class)) {
        activities.add(c);
      }
    }
    assertTrue(workflows.size() >= 5 && activities.size() >= 5,
        "found the interfaces: " + workflows + " " + activities);

    List<String> bare = new ArrayList<>();
    for (Class<?> wf : workflows) {
      for (Method m : wf.getMethods()) {
        if (m.isAnnotationPresent(WorkflowMethod.class) || m.isAnnotationPresent(SignalMethod.class)
            || m.isAnnotationPresent(UpdateMethod.class) || m.isAnnotationPresent(QueryMethod.class)) {
          check(m, bare);
        }
      }
    }
    assertTrue(bare.isEmpty(), "bare strings on the wire (wrap them in a record): " + bare);
  }

  private static void check(Method m, List<String> bare) {
    if (CharSequence.class.isAssignableFrom(m.getReturnType())) {
      bare.add(m.getDeclaringClass().getSimpleName() + "." + m.getName() + " returns a String");
    }
    for (Class<?> p : m.getParameterTypes()) {
      if (CharSequence.class.isAssignableFrom(p)) {
        bare.add(m.getDeclaringClass().getSimpleName() + "." + m.getName() + " takes a String");
      }
    }
  }

  /** Every class under {@code prefix} in the directory or jar that holds {@code anchor}. */
  private static List<Class<?>> classesOf(Class<?> anchor, String prefix) throws Exception {
    URI location = anchor.getProtectionDomain().getCodeSource().getLocation().toURI();
    Path root = Path.of(location);
    List<Class<?>> out = new ArrayList<>();
    if (Files.isDirectory(root)) {
      collect(root, root.resolve(prefix), out);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(root, Map.of())) {
        Path r = jar.getPath("/");
        collect(r, r.resolve(prefix), out);
      }
    }
    return out;
  }

  private static void collect(Path root, Path dir, List<Class<?>> out) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replace('\\', '.');
        name = name.substring(0, name.length() - ".class".length());
        out.add(Class.forName(name, false, WirePayloadTypesTest.class.getClassLoader()));
      }
    }
  }
}
