package io.lakestream.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A file's own bytes, remembering whether reading them (not decoding them) ever failed: what tells
 * a damaged compressed file from a storage that failed for a passing reason.
 */
final class RawBytes extends FilterInputStream {
  private boolean failed;

  RawBytes(InputStream in) {
    super(in);
  }

  boolean failed() {
    return failed;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return super.read(buffer, offset, length);
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }
}
