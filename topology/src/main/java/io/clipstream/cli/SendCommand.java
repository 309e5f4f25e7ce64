package io.clipstream.cli;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code send}: image files, folders of them and image URLs as {@code ImageEvent}s on the images topic. Files go
 * inline; URLs go as {@code ImageUrl} for the service to fetch (the CLI never fetches them). Every file is checked
 * against the size limit before anything is sent.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send images to the images topic as ImageEvents: FILE inline, every image file of DIR (by "
                    + "extension: jpg jpeg png gif bmp webp tif tiff heic heif avif; sorted by name, not recursive) inline, "
                    + "http(s) URL as a reference the service fetches (fetch.enabled). The key and image id is the file "
                    + "name, or the URL as given. Progress on stderr, one JSON line per sent image on stdout.",
            "Files larger than the limit (the producer's max.request.size and the topic's max.message.bytes, "
                    + "less 16 KiB of headroom, and image.max.bytes) are refused before anything is sent (exit 2). "
                    + "Exit 1 if any send failed."
        })
final class SendCommand extends ClusterCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SendCommand.class);
    static final int HEADROOM = 16 << 10;
    static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "heic", "heif", "avif");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "jpg",
            "image/jpeg",
            "jpeg",
            "image/jpeg",
            "png",
            "image/png",
            "gif",
            "image/gif",
            "bmp",
            "image/bmp",
            "webp",
            "image/webp");

    @Parameters(paramLabel = "FILE|DIR|URL", arity = "1..*", description = "Image files, folders, http(s) URLs.")
    List<String> inputs;

    @Option(
            names = "--label-set",
            paramLabel = "ID",
            defaultValue = "default",
            description = "Label set to classify against (default: ${DEFAULT-VALUE}).")
    String labelSet;

    @Option(
            names = "--attribute",
            paramLabel = "KEY=VALUE",
            description = "An attribute copied into the classification (repeatable).")
    Map<String, String> attributes = new LinkedHashMap<>();

    /** One image to send: a file (inline) or a URL. */
    record Item(String id, Path file, String url, long size) {}

    @Override
    int run(ClusterClients clients) throws Exception {
        List<Item> items = new ArrayList<>();
        for (String input : inputs) {
            String lower = input.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                items.add(new Item(input, null, input, 0));
                continue;
            }
            Path path = Path.of(input);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    for (Path f :
                            files.filter(SendCommand::isImageFile).sorted().toList()) {
                        items.add(new Item(f.getFileName().toString(), f, null, Files.size(f)));
                    }
                }
            } else if (Files.isRegularFile(path)) {
                items.add(new Item(path.getFileName().toString(), path, null, Files.size(path)));
            } else {
                System.err.println("error: no such file, folder or http(s) URL: " + input);
                return 2;
            }
        }
        if (items.isEmpty()) {
            System.err.println("error: no image files in " + inputs);
            return 2;
        }
        String topic = clients.topology().imagesTopic();
        Map<String, Object> producerConfig = clients.producerConfig();
        long maxRequest = Long.parseLong(
                String.valueOf(producerConfig.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576)));
        long topicMax = topicMaxMessageBytes(clients, topic);
        long recordLimit = Math.min(maxRequest, topicMax > 0 ? topicMax : Long.MAX_VALUE) - HEADROOM;
        long imageLimit = clients.topology().maxImageBytes();
        String limitText = "max.request.size " + maxRequest + " (kafka.max.request.size)"
                + (topicMax > 0 ? ", " + topic + " max.message.bytes " + topicMax : "") + ", less " + HEADROOM
                + " bytes of headroom, and image.max.bytes " + imageLimit;
        int refused = 0;
        for (Item item : items) {
            if (item.file() != null && (item.size() > recordLimit || item.size() > imageLimit)) {
                System.err.printf(
                        "error: %s is %d bytes, over the limit of %d bytes (%s)%n",
                        item.file(), item.size(), Math.min(recordLimit, imageLimit), limitText);
                refused++;
            }
        }
        if (refused > 0) {
            System.err.println("nothing sent: " + refused + " of " + items.size() + " images too large");
            return 2;
        }
        return send(clients, topic, items);
    }

    private int send(ClusterClients clients, String topic, List<Item> items) throws Exception {
        Serde<ImageEvent> serde = clients.serde(ImageEvent.class);
        JsonLines out = new JsonLines(System.out);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        int total = items.size();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = clients.producer()) {
            for (Item item : items) {
                ImageEvent.Builder event = ImageEvent.newBuilder()
                        .setId(item.id())
                        .setEventTime(Instant.now())
                        .setLabelSet(labelSet)
                        .setAttributes(new LinkedHashMap<>(attributes));
                long size;
                if (item.file() != null) {
                    byte[] data;
                    try {
                        data = Files.readAllBytes(item.file());
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        System.err.printf(
                                "[%d/%d] %s FAILED: cannot read: %s%n",
                                done.incrementAndGet(), total, item.id(), e.getMessage());
                        continue;
                    }
                    size = data.length;
                    event.setImage(new InlineImage(ByteBuffer.wrap(data))).setContentType(contentType(item.file()));
                } else {
                    size = 0;
                    event.setImage(new ImageUrl(item.url()));
                }
                byte[] value = serde.serializer().serialize(topic, event.build());
                producer.send(new ProducerRecord<>(topic, item.id(), value), (metadata, error) -> {
                    int n = done.incrementAndGet();
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("image", item.id());
                    line.put("input", item.file() != null ? item.file().toString() : item.url());
                    if (error == null) {
                        long sum = bytes.addAndGet(size);
                        System.err.printf(
                                "[%d/%d] %s %d bytes (%d in all) -> %s-%d@%d%n",
                                n, total, item.id(), size, sum, topic, metadata.partition(), metadata.offset());
                        line.put("bytes", size);
                        line.put("partition", metadata.partition());
                        line.put("offset", metadata.offset());
                    } else {
                        failed.incrementAndGet();
                        String message = ErrorHandler.describe(error);
                        System.err.printf("[%d/%d] %s FAILED: %s%n", n, total, item.id(), message);
                        line.put("error", message);
                    }
                    out.write(line);
                });
            }
            producer.flush();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.printf(
                "sent %d of %d images (%d bytes) to %s in %d ms%s%n",
                total - failed.get(),
                total,
                bytes.get(),
                topic,
                ms,
                failed.get() == 0 ? "" : "; " + failed.get() + " FAILED");
        return failed.get() == 0 ? 0 : 1;
    }

    /** The topic's max.message.bytes, or -1 when it cannot be read (no topic yet, no DescribeConfigs permission). */
    private static long topicMaxMessageBytes(ClusterClients clients, String topic) {
        try (Admin admin = clients.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(15, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("cannot read max.message.bytes of {}: {}", topic, e.toString());
            return -1;
        }
    }

    static boolean isImageFile(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".")
                && dot > 0
                && Files.isRegularFile(f)
                && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String contentType(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
