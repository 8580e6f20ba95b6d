package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.Topics;
import io.marketlake.common.lease.LeasedJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code infra/terraform}, parsed by HashiCorp's HCL parser ({@code @cdktf/hcl2json} under
 * node, {@code infra/checks}): the bucket is encrypted, versioned, private, owner-enforced and
 * TLS-only, has its lifecycle rules, the DynamoDB table has Delta's keys, each layer's role
 * reaches only its own prefixes, and the layout agrees with {@link Lakehouse} and {@link Topics}.
 *
 * <p>Without node this test is skipped, except under CI ({@code CI=true}), where it fails.
 */
class TerraformTest {
  private static final Path ROOT = LayerJars.projectRoot();
  private static final Path CHECKS = ROOT.resolve("infra/checks");
  private static final Path TERRAFORM = ROOT.resolve("infra/terraform");

  /** Every .tf file's top-level blocks merged: "resource" → type → name → body, and so on. */
  private static JsonNode tf;
  private static JsonNode locals;

  @BeforeAll
  static void parseWithHashicorpsParser() throws Exception {
    String why = "node and npm are needed to parse infra/terraform with HashiCorp's HCL parser"
        + " (@cdktf/hcl2json); install Node.js 18+ (Debian: apt-get install -y nodejs npm)";
    String node = NodeTools.require("node", why);
    NodeTools.npmCi(NodeTools.require("npm", why), CHECKS, "node_modules/@cdktf/hcl2json");
    String json = NodeTools.run(List.of(node, CHECKS.resolve("hcl2json.mjs").toString(),
        TERRAFORM.toString()), 120).requireSuccess();
    JsonNode files = new ObjectMapper().readTree(json);
    ObjectNode merged = new ObjectMapper().createObjectNode();
    ObjectNode allLocals = merged.putObject("locals");
    files.forEach(file -> file.fields().forEachRemaining(block -> {
      if (block.getKey().equals("locals")) {
        block.getValue().forEach(l -> allLocals.setAll((ObjectNode) l));
      } else {
        JsonNode existing = merged.get(block.getKey());
        merged.set(block.getKey(), existing == null ? block.getValue()
            : deepMerge(existing, block.getValue()));
      }
    }));
    tf = merged;
    locals = tf.get("locals");
  }

  @Test
  void bucketIsEncryptedByDefaultWithKmsOrAes256() {
    JsonNode sse = resource("aws_s3_bucket_server_side_encryption_configuration", "lakehouse");
    assertThat(sse.at("/bucket").asText()).isEqualTo("${aws_s3_bucket.lakehouse.id}");
    JsonNode byDefault = sse.at("/rule/0/apply_server_side_encryption_by_default/0");
    assertThat(byDefault.get("sse_algorithm").asText()).isEqualTo("${var.encryption}");
    assertThat(byDefault.get("kms_master_key_id").asText()).isEqualTo("${local.kms_key_arn}");
    JsonNode encryption = variable("encryption");
    assertThat(encryption.get("default").asText()).isEqualTo("aws:kms");
    // Validation admits exactly the two encryptions: there is no way to ask for none.
    assertThat(encryption.at("/validation/0/condition").asText())
        .isEqualTo("${contains([\"aws:kms\", \"AES256\"], var.encryption)}");
    JsonNode key = resource("aws_kms_key", "lakehouse");
    assertThat(key.get("enable_key_rotation").asBoolean()).isTrue();
    // The bucket policy refuses an upload that asks for another encryption.
    JsonNode deny = statement(dataSource("aws_iam_policy_document", "bucket"),
        "DenyOtherEncryption");
    assertThat(deny.get("effect").asText()).isEqualTo("Deny");
    assertThat(deny.at("/condition/0/variable").asText())
        .isEqualTo("s3:x-amz-server-side-encryption");
    assertThat(deny.at("/condition/0/values/0").asText()).isEqualTo("${var.encryption}");
    // The DynamoDB table is encrypted with the same key.
    assertThat(resource("aws_dynamodb_table", "delta_log")
        .at("/server_side_encryption/0/kms_key_arn").asText()).isEqualTo("${local.kms_key_arn}");
  }

  @Test
  void bucketIsVersionedPrivateOwnerEnforcedAndTlsOnly() {
    assertThat(resource("aws_s3_bucket_versioning", "lakehouse")
        .at("/versioning_configuration/0/status").asText()).isEqualTo("Enabled");
    JsonNode block = resource("aws_s3_bucket_public_access_block", "lakehouse");
    for (String flag : List.of("block_public_acls", "block_public_policy", "ignore_public_acls",
        "restrict_public_buckets")) {
      assertThat(block.get(flag).asBoolean()).as(flag).isTrue();
    }
    assertThat(resource("aws_s3_bucket_ownership_controls", "lakehouse")
        .at("/rule/0/object_ownership").asText()).isEqualTo("BucketOwnerEnforced");

    JsonNode tls = statement(dataSource("aws_iam_policy_document", "bucket"),
        "DenyInsecureTransport");
    assertThat(tls.get("effect").asText()).isEqualTo("Deny");
    assertThat(texts(tls.get("actions"))).containsExactly("s3:*");
    assertThat(texts(tls.get("resources"))).containsExactlyInAnyOrder(
        "${aws_s3_bucket.lakehouse.arn}", "${aws_s3_bucket.lakehouse.arn}/*");
    assertThat(tls.at("/condition/0/test").asText()).isEqualTo("Bool");
    assertThat(tls.at("/condition/0/variable").asText()).isEqualTo("aws:SecureTransport");
    assertThat(texts(tls.at("/condition/0/values"))).containsExactly("false");
    assertThat(resource("aws_s3_bucket_policy", "lakehouse").get("policy").asText())
        .isEqualTo("${data.aws_iam_policy_document.bucket.json}");
  }

  @Test
  void lifecycleAbortsUploadsExpiresDeltaTmpAndOffersBronzeRetention() {
    JsonNode lifecycle = resource("aws_s3_bucket_lifecycle_configuration", "lakehouse");
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    lifecycle.get("rule").forEach(r -> rules.put(r.get("id").asText(), r));
    assertThat(rules.get("abort-incomplete-multipart-uploads")
        .at("/abort_incomplete_multipart_upload/0/days_after_initiation").asText())
        .isEqualTo("${var.abort_incomplete_multipart_days}");
    assertThat(rules.get("expire-noncurrent-versions")
        .at("/noncurrent_version_expiration/0/noncurrent_days").asText())
        .isEqualTo("${var.noncurrent_version_expiration_days}");

    List<JsonNode> dynamic = new ArrayList<>();
    lifecycle.at("/dynamic/rule").forEach(dynamic::add);
    JsonNode tmp = dynamic.stream().filter(d -> d.get("for_each").asText().contains("local.tables"))
        .findFirst().orElseThrow(() -> new AssertionError("no _delta_log/.tmp rule per table"));
    assertThat(tmp.at("/content/0/filter/0/prefix").asText())
        .isEqualTo("${local.root}/${rule.value}/_delta_log/.tmp/");
    assertThat(tmp.at("/content/0/expiration/0/days").asText())
        .isEqualTo("${var.delta_tmp_expiration_days}");
    JsonNode bronze = dynamic.stream()
        .filter(d -> d.get("for_each").asText().contains("var.bronze_retention_days"))
        .findFirst().orElseThrow(() -> new AssertionError("no optional bronze retention rule"));
    assertThat(bronze.at("/content/0/filter/0/prefix").asText()).isEqualTo("${local.root}/bronze/");
    // Never an expiration of current objects: it would delete files the Delta log refers to.
    assertThat(bronze.at("/content/0").has("expiration")).isFalse();
  }

  @Test
  void dynamoDbTableHasTheKeysOfDeltasLogStore() {
    JsonNode table = resource("aws_dynamodb_table", "delta_log");
    assertThat(table.get("hash_key").asText()).isEqualTo("tablePath");
    assertThat(table.get("range_key").asText()).isEqualTo("fileName");
    Map<String, String> attributes = new LinkedHashMap<>();
    table.get("attribute").forEach(a -> attributes.put(a.get("name").asText(),
        a.get("type").asText()));
    assertThat(attributes).containsExactly(Map.entry("tablePath", "S"), Map.entry("fileName", "S"));
    assertThat(table.get("billing_mode").asText()).isEqualTo("PAY_PER_REQUEST");
    assertThat(table.at("/ttl/0/attribute_name").asText()).isEqualTo("expireTime");
    assertThat(table.at("/ttl/0/enabled").asBoolean()).isTrue();
  }

  @Test
  void eachLayerReachesOnlyItsOwnPrefixesAndIngestNoS3() {
    Map<String, Layer> layers = layers();
    assertThat(layers.keySet()).containsExactlyInAnyOrder("ingest", "bronze", "silver", "gold", "train");
    // One role and one instance profile per layer: for_each over the same layers map.
    assertThat(resource("aws_iam_role", "layer").get("for_each").asText())
        .isEqualTo("${local.layers}");
    assertThat(resource("aws_iam_instance_profile", "layer").get("for_each").asText())
        .isEqualTo("${local.layers}");
    assertThat(layers.get("ingest").read()).isEmpty();
    assertThat(layers.get("ingest").write()).isEmpty();
    assertThat(locals.get("spark_layers").asText()).contains("length(layer.write) > 0");
    assertThat(resource("aws_iam_role_policy", "layer_s3").get("for_each").asText())
        .isEqualTo("${local.spark_layers}");

    Lakehouse lakehouse = new Lakehouse("s3a://bucket/ROOT");
    Map<String, List<String>> writes = new LinkedHashMap<>();
    writes.put("bronze", List.of(lakehouse.bronzeCandlesRaw(), 
        lakehouse.checkpoint(io.marketlake.bronze.BronzeJob.QUERY),
        lakehouse.leases(LeasedJob.BRONZE.id())));
    writes.put("silver", List.of(lakehouse.silverCandles1m(), lakehouse.silverQuarantine(),
        lakehouse.silverQualityMetrics(), 
        lakehouse.checkpoint(io.marketlake.silver.SilverJob.QUERY), lakehouse.leases(LeasedJob.SILVER.id())));
    writes.put("gold", List.of(lakehouse.goldCandles("5m"), lakehouse.goldCandles("1h"),
        lakehouse.goldCandles("1d"), lakehouse.goldCandles5mLive(),
        lakehouse.goldCandles5mLiveBatches(), lakehouse.goldDailyChange(), lakehouse.goldFeatures(),
        lakehouse.checkpoint(io.marketlake.gold.GoldJob.QUERY),
        lakehouse.checkpoint(io.marketlake.gold.GoldJob.FIVE_MINUTE_QUERY),
        lakehouse.checkpoint(io.marketlake.gold.FiveMinuteStream.QUERY),
        lakehouse.leases(LeasedJob.GOLD.id()), lakehouse.leases(LeasedJob.GOLD_5M.id())));
    writes.put("train", List.of(lakehouse.goldModelRuns(), lakehouse.goldPredictions(),
        lakehouse.models() + "/v1", lakehouse.leases(LeasedJob.TRAIN.id())));
    Map<String, List<String>> reads = Map.of("bronze", List.of(),
        "silver", List.of(lakehouse.bronzeCandlesRaw()),
        "gold", List.of(lakehouse.silverCandles1m()),
        "train", List.of(lakehouse.goldFeatures()));

    for (var entry : writes.entrySet()) {
      Layer layer = layers.get(entry.getKey());
      for (String location : entry.getValue()) {
        String key = relative(lakehouse, location);
        // Its writer may write it; no other layer may.
        assertThat(layers.entrySet()).filteredOn(l -> covers(l.getValue().write(), key))
            .extracting(Map.Entry::getKey).as("layers that may write %s", key)
            .containsExactly(entry.getKey());
        assertThat(covers(layer.write(), key)).isTrue();
      }
      for (String location : reads.get(entry.getKey())) {
        assertThat(covers(layer.read(), relative(lakehouse, location)))
            .as("%s may read %s", entry.getKey(), location).isTrue();
      }
      // Least privilege: every granted prefix is something the layer touches.
      Set<String> touched = new LinkedHashSet<>();
      entry.getValue().forEach(l -> touched.add(relative(lakehouse, l)));
      reads.get(entry.getKey()).forEach(l -> touched.add(relative(lakehouse, l)));
      Stream.concat(layer.read().stream(), layer.write().stream()).forEach(prefix ->
          assertThat(touched).as("%s's prefix %s is used", entry.getKey(), prefix)
              .anyMatch(t -> (t + "/").startsWith(prefix)));
    }

    JsonNode policy = dataSource("aws_iam_policy_document", "layer_s3");
    assertThat(texts(statement(policy, "ReadLayerPrefixes").get("resources")))
        .containsExactly("${[for p in concat(each.value.read, each.value.write) :"
            + " \"${aws_s3_bucket.lakehouse.arn}/${local.root}/${p}*\"]}");
    assertThat(texts(statement(policy, "WriteLayerPrefixes").get("resources")))
        .containsExactly("${[for p in each.value.write :"
            + " \"${aws_s3_bucket.lakehouse.arn}/${local.root}/${p}*\"]}");
    assertThat(texts(statement(policy, "ListLakehouseBucket").get("resources")))
        .containsExactly("${aws_s3_bucket.lakehouse.arn}");
    policy.get("statement").forEach(s -> {
      assertThat(texts(s.get("actions"))).noneMatch(a -> a.endsWith(":*") || a.equals("*"));
      assertThat(texts(s.get("resources"))).noneMatch(r -> r.equals("*")
          || r.equals("${aws_s3_bucket.lakehouse.arn}/*"));
    });
    assertThat(texts(statement(policy, "DeltaCommitTable").get("resources")))
        .containsExactly("${aws_dynamodb_table.delta_log.arn}");
  }

  @Test
  void layoutNamesAgreeWithTheJavaDefaults() {
    Lakehouse lakehouse = new Lakehouse("s3a://bucket/ROOT");
    List<String> tables = new ArrayList<>();
    lakehouse.tables().forEach(t -> tables.add(relative(lakehouse, t.path())));
    assertThat(texts(locals.get("tables"))).containsExactlyInAnyOrderElementsOf(tables);

    Set<String> topLevel = new LinkedHashSet<>();
    tables.forEach(t -> topLevel.add(t.substring(0, t.indexOf('/'))));
    topLevel.add(relative(lakehouse, lakehouse.models()).split("/")[0]);
    topLevel.add(relative(lakehouse, lakehouse.checkpoint("x")).split("/")[0]);
    topLevel.add(relative(lakehouse, lakehouse.leases("x")).split("/")[0]);
    assertThat(texts(locals.get("top_level_dirs"))).containsExactlyInAnyOrderElementsOf(topLevel)
        .contains("bronze", "silver", "gold", "models", "_checkpoints");

    assertThat(locals.get("kafka_topic").asText()).isEqualTo(Topics.MARKET_DATA);
    assertThat(tf.at("/output/lakehouse_uri/0/value").asText())
        .isEqualTo("s3a://${aws_s3_bucket.lakehouse.id}/${local.root}");
    assertThat(variable("lakehouse_prefix").get("default").asText()).isEqualTo("lakehouse");
  }

  @Test
  void everyVariableIsDescribedAndEveryOutputToo() {
    tf.get("variable").fields().forEachRemaining(v -> {
      JsonNode body = v.getValue().get(0);
      assertThat(body.path("description").asText()).as("description of var.%s", v.getKey())
          .hasSizeGreaterThan(20);
      if (!body.path("type").asText().contains("bool") && !v.getKey().equals("tags")) {
        assertThat(body.has("validation")).as("validation of var.%s", v.getKey()).isTrue();
      }
    });
    tf.get("output").fields().forEachRemaining(o -> assertThat(
        o.getValue().get(0).path("description").asText()).as("output %s", o.getKey()).isNotBlank());
  }

  /** A layer's read and write prefixes, relative to the lakehouse root. */
  record Layer(List<String> read, List<String> write) {}

  private static Map<String, Layer> layers() {
    Map<String, Layer> layers = new LinkedHashMap<>();
    locals.get("layers").fields().forEachRemaining(e -> layers.put(e.getKey(),
        new Layer(texts(e.getValue().get("read")), texts(e.getValue().get("write")))));
    return layers;
  }

  private static boolean covers(List<String> prefixes, String key) {
    return prefixes.stream().anyMatch(p -> (key + "/").startsWith(p));
  }

  private static String relative(Lakehouse lakehouse, String location) {
    assertThat(location).startsWith(lakehouse.root() + "/");
    return location.substring(lakehouse.root().length() + 1);
  }

  private static JsonNode resource(String type, String name) {
    JsonNode r = tf.at("/resource/" + type + "/" + name + "/0");
    if (r.isMissingNode()) throw new AssertionError("infra/terraform has no " + type + "." + name);
    return r;
  }

  private static JsonNode dataSource(String type, String name) {
    JsonNode d = tf.at("/data/" + type + "/" + name + "/0");
    if (d.isMissingNode()) {
      throw new AssertionError("infra/terraform has no data." + type + "." + name);
    }
    return d;
  }

  private static JsonNode variable(String name) {
    JsonNode v = tf.at("/variable/" + name + "/0");
    if (v.isMissingNode()) throw new AssertionError("infra/terraform has no var." + name);
    return v;
  }

  private static JsonNode statement(JsonNode policyDocument, String sid) {
    for (JsonNode s : policyDocument.get("statement")) {
      if (sid.equals(s.path("sid").asText())) return s;
    }
    throw new AssertionError("policy document has no statement " + sid);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array == null || array.isMissingNode()) return out;
    if (!array.isArray()) {
      out.add(array.asText());
      return out;
    }
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode deepMerge(JsonNode into, JsonNode from) {
    ObjectNode target = (ObjectNode) into.deepCopy();
    from.fields().forEachRemaining(e -> {
      JsonNode existing = target.get(e.getKey());
      target.set(e.getKey(), existing != null && existing.isObject() && e.getValue().isObject()
          ? deepMerge(existing, e.getValue()) : e.getValue());
    });
    return target;
  }

}
