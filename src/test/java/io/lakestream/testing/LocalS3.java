package io.lakestream.testing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3 server inside this JVM (s3proxy over an in-memory store) on 127.0.0.1, with the settings a
 * user gives S3A for a real bucket: the S3 tier of the tests, and {@code scripts/run-s3.sh}. Signed
 * requests only (V4, as S3A signs), so credentials are checked as on S3.
 */
public final class LocalS3 implements AutoCloseable {

  public static final String ACCESS_KEY = "lakestream-test";
  public static final String SECRET_KEY = "lakestream-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String bucket;

  private LocalS3(S3Proxy proxy, BlobStoreContext context, String bucket) {
    this.proxy = proxy;
    this.context = context;
    this.bucket = bucket;
  }

  /**
   * Starts a server on a free port (or {@code port} if positive) holding an empty {@code bucket}.
   */
  public static LocalS3 start(int port, String bucket) throws Exception {
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials(ACCESS_KEY, SECRET_KEY)
            .overrides(new Properties())
            .build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    store.createContainerInLocation(null, bucket);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:" + Math.max(port, 0)))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      if (AbstractLifeCycle.FAILED.equals(proxy.getState())) {
        throw new IllegalStateException("s3proxy failed to start");
      }
      Thread.onSpinWait();
    }
    return new LocalS3(proxy, context, bucket);
  }

  /** Stores a local file as object {@code key} of the bucket. */
  public void put(String key, java.nio.file.Path file) {
    BlobStore store = context.getBlobStore();
    store.putBlob(bucket, store.blobBuilder(key).payload(file.toFile()).build());
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /**
   * The {@code spark.hadoop.fs.s3a.*} settings that reach this server, as a user sets them for a
   * bucket on another S3 endpoint.
   */
  public Map<String, String> sparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    hadoopSettings().forEach((key, value) -> settings.put("spark.hadoop." + key, value));
    return settings;
  }

  /** The same settings as Hadoop configuration keys. */
  public Map<String, String> hadoopSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", endpoint());
    settings.put("fs.s3a.endpoint.region", "us-east-1");
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled", "false");
    settings.put("fs.s3a.access.key", ACCESS_KEY);
    settings.put("fs.s3a.secret.key", SECRET_KEY);
    settings.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return settings;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }

  /**
   * Runs a server until the process is stopped: {@code LocalS3 <port> <bucket> [<prefixes>
   * <file>...]} stores each file as {@code <prefix>/<file name>} under each of the space-separated
   * prefixes, then prints one line when it is ready.
   */
  public static void main(String[] args) throws Exception {
    LocalS3 server = start(Integer.parseInt(args[0]), args[1]);
    for (String prefix : args[2].split(" ")) {
      for (int i = 3; i < args.length; i++) {
        java.nio.file.Path file = java.nio.file.Path.of(args[i]);
        server.put(prefix + "/" + file.getFileName(), file);
        Thread.sleep(5); // distinct modification times: Spark reads files in that order
      }
    }
    System.out.println(
        "lakestream: S3 server ready at " + server.endpoint() + ", bucket " + args[1]);
    Thread.currentThread().join();
  }
}
