package io.marketlake.stack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The main class of a stack server JVM that belongs to the JVM which started it ({@code live},
 * {@code demo}, the tests): runs the server's own main class ({@code ARGS[0]}, with the rest of
 * the arguments) but leaves the moment of stopping to the parent.
 *
 * <p>Ctrl-C in a terminal, {@code timeout}, and a service manager stopping a whole process group
 * send their signal to every process of the group, the servers included. The parent needs them
 * until it has flushed to Kafka and committed to S3, so here SIGINT, SIGTERM and SIGHUP are
 * ignored, and the server stops (through its own shutdown hooks, as on SIGTERM) when its standard
 * input ends: when the parent closes it ({@link ServerJvm#close()}), or when the parent dies, so no
 * server outlives a killed parent either.
 */
final class ParentBoundMain {
  private ParentBoundMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("usage: ParentBoundMain MAIN_CLASS [ARGS...]");
      System.exit(2);
    }
    // Ignored at the OS level: a handler the server installs later (Kafka logs and re-raises
    // signals) is then never called, as the JVM leaves an ignored shutdown signal ignored.
    for (String name : new String[] {"INT", "TERM", "HUP"}) {
      Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
    }
    Thread watch = new Thread(() -> {
      awaitEnd(System.in);
      System.exit(0);
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
    try {
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Reads until end of stream; an error reading counts as the end (the pipe is gone). */
  private static void awaitEnd(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException e) {
      // treated as the end
    }
  }
}
