package io.marketlake.stack;

import java.nio.file.Path;
import java.time.Duration;

/** The stack module's user-facing error messages, in one place so they stay consistent. */
final class StackErrors {
  private StackErrors() {}

  static String noReplayFiles(Path dir) {
    return "No kline dumps in " + dir + ": expected files named SYMBOL-1m-*.csv,"
        + " e.g. BTCUSDT-1m-2026-02.csv (--replay)";
  }

  static String badReplayLine(Path file, int line, String text) {
    String excerpt = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return "Malformed kline line " + line + " in " + file + ": '" + excerpt + "'; expected"
        + " open_time,open,high,low,close,volume,close_time,quote_volume,count,"
        + "taker_buy_volume,taker_buy_quote_volume,ignore";
  }

  static String alreadyRunning(Path workdir, Object pids) {
    return "A local stack is already running in " + workdir + " (pids " + pids + "): stop it with"
        + " 'bin/marketlake stack down --workdir " + workdir + "' or use another --workdir";
  }

  static String didNotStart(String what, Duration timeout, Path log) {
    return what + " did not become ready within " + timeout.toSeconds() + " s; see " + log;
  }

  static String exitedEarly(String what, int code, Path log) {
    return what + " exited with code " + code + " during start-up; see " + log;
  }

  static String missingClasspath(String resource) {
    return "Classpath resource " + resource + " not found: build the marketlake-stack-servers"
        + " module first ('./mvnw -pl stack/servers install')";
  }

  static String notRunning(Path workdir) {
    return "No local stack running in " + workdir
        + ": start one with 'bin/marketlake stack up --workdir " + workdir + "'";
  }
}
