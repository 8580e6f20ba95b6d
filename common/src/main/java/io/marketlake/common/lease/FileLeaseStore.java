package io.marketlake.common.lease;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Leases as files under a local (or mounted) directory. Create is a hard link of a fully written
 * temporary file: atomic, fails if the name exists, and never shows a half-written record. The
 * age is now minus the file's modification time, both on this machine's clock.
 */
public final class FileLeaseStore implements LeaseStore {
  private final Path dir;

  public FileLeaseStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  private Path jobDir(String job) {
    return dir.resolve(job);
  }

  @Override
  public String location(String job) {
    return jobDir(job).toUri().toString();
  }

  @Override
  public List<Long> epochs(String job) throws IOException {
    Path jobDir = jobDir(job);
    if (!Files.isDirectory(jobDir)) return List.of();
    List<Long> epochs = new ArrayList<>();
    try (Stream<Path> files = Files.list(jobDir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.matches("\\d{20}\\.json")) epochs.add(Long.parseLong(name.substring(0, 20)));
      }
    }
    return epochs;
  }

  @Override
  public Optional<Stored> read(String job, long epoch) throws IOException {
    Path file = jobDir(job).resolve(WriterLease.epochName(epoch));
    try {
      byte[] content = Files.readAllBytes(file);
      Instant modified = Files.getLastModifiedTime(file).toInstant();
      Duration age = Duration.between(modified, Instant.now());
      return Optional.of(new Stored(content, version(file), age.isNegative() ? Duration.ZERO : age));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> create(String job, long epoch, byte[] content) throws IOException {
    Path target = jobDir(job).resolve(WriterLease.epochName(epoch));
    Path temp = writeTemp(job, content);
    try {
      Files.createLink(target, temp);
      return Optional.of(version(target));
    } catch (FileAlreadyExistsException e) {
      return Optional.empty();
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public synchronized Optional<String> replace(String job, long epoch, byte[] content,
      String expectedVersion) throws IOException {
    // Only the epoch's holder rewrites it; the check guards against a hand edit or deletion.
    Path target = jobDir(job).resolve(WriterLease.epochName(epoch));
    try {
      if (!version(target).equals(expectedVersion)) return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Path temp = writeTemp(job, content);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return Optional.of(version(target));
  }

  @Override
  public void delete(String job, long epoch) throws IOException {
    Files.deleteIfExists(jobDir(job).resolve(WriterLease.epochName(epoch)));
  }

  private Path writeTemp(String job, byte[] content) throws IOException {
    Path jobDir = Files.createDirectories(jobDir(job));
    Path temp = jobDir.resolve(".tmp-" + UUID.randomUUID());
    Files.write(temp, content);
    return temp;
  }

  /** The file's identity: a rename replaces the inode, so a rewrite always changes it. */
  private static String version(Path file) throws IOException {
    Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
    return key + "@" + Files.getLastModifiedTime(file).toMillis();
  }
}
