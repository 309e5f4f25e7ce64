package io.clipstream.cli;

import io.clipstream.model.zeroshot.PromptTemplates;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A label set written by hand, in YAML or JSON (JSON is read as YAML): {@code id}, optional {@code version},
 * {@code labels} (each a name, or {@code {name, prompts, threshold, examples, exampleWeight}}), {@code templates}
 * ({@code openai}, {@code simple}, {@code default} or a list), {@code topK}, {@code description}. An example is an
 * http(s) URL, sent as it is for the service to fetch, or an image file (relative to the label-set file's folder),
 * read and sent inline; a file over the image byte limit is refused here. The result is checked with the service's
 * own {@link LabelSetRules}; every problem names the line of the file it comes from where it can.
 */
final class LabelSetFile {
    private static final Set<String> SET_KEYS = Set.of("id", "version", "labels", "templates", "topK", "description");
    private static final Set<String> LABEL_KEYS = Set.of("name", "prompts", "threshold", "examples", "exampleWeight");
    private static final Set<String> TEMPLATE_NAMES = Set.of("openai", "simple", "default");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** A file that cannot become a valid label set: the message starts with {@code FILE:LINE:} when the line is known. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final Path file;
    private final long maxImageBytes;
    /** Where each part came from, to point at the line a rule complains about. */
    private Node idNode;

    private Node topKNode;
    private Node labelsNode;
    private Node templatesNode;
    private final List<Node> templateNodes = new ArrayList<>();
    private final List<Node> labelNodes = new ArrayList<>();
    private final Map<Node, Node> thresholdNodes = new HashMap<>();

    private LabelSetFile(Path file, long maxImageBytes) {
        this.file = file;
        this.maxImageBytes = maxImageBytes;
    }

    /**
     * Reads and validates {@code file}.
     *
     * @param maxImageBytes the service's image byte limit ({@code image.max.bytes}), for example image files
     * @param version       the version when the file gives none
     */
    static LabelSet read(Path file, LabelSetRules rules, long maxImageBytes, LongSupplier version)
            throws IOException, Invalid {
        return new LabelSetFile(file, maxImageBytes).parse(rules, version);
    }

    private LabelSet parse(LabelSetRules rules, LongSupplier defaultVersion) throws IOException, Invalid {
        Node root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(in);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new Invalid(at(mark) + "not valid YAML or JSON: " + e.getProblem());
        }
        if (!(root instanceof MappingNode set)) {
            throw invalid(root, "expected a label set (a mapping with id and labels)");
        }
        Map<String, Node> fields = fields(set, SET_KEYS);
        idNode = require(fields, "id", set);
        String id = string(idNode);
        LabelSet.Builder builder = LabelSet.newBuilder().setId(id);
        Node versionNode = fields.get("version");
        builder.setVersion(versionNode == null ? defaultVersion.getAsLong() : integer(versionNode, 0, Long.MAX_VALUE));
        labelsNode = require(fields, "labels", set);
        if (!(labelsNode instanceof SequenceNode labelList)) {
            throw invalid(labelsNode, "labels: expected a list of label names or {name, prompts, threshold}");
        }
        List<Label> labels = new ArrayList<>();
        for (Node entry : labelList.getValue()) {
            labels.add(label(entry));
        }
        builder.setLabels(labels);
        templatesNode = fields.get("templates");
        if (templatesNode != null) {
            builder.setTemplates(templates(templatesNode));
        }
        topKNode = fields.get("topK");
        if (topKNode != null) {
            builder.setTopK((int) integer(topKNode, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        Node description = fields.get("description");
        if (description != null && !isNull(description)) {
            builder.setDescription(string(description));
        }
        LabelSet result = builder.build();
        Optional<String> problem = rules.problem(id, result);
        if (problem.isPresent()) {
            throw invalid(culprit(problem.get(), result), problem.get());
        }
        return result;
    }

    private Label label(Node entry) throws Invalid {
        Label.Builder label = Label.newBuilder();
        Node nameNode;
        if (entry instanceof ScalarNode) {
            nameNode = entry;
        } else if (entry instanceof MappingNode map) {
            Map<String, Node> fields = fields(map, LABEL_KEYS);
            nameNode = require(fields, "name", map);
            Node prompts = fields.get("prompts");
            if (prompts != null && !isNull(prompts)) {
                label.setPrompts(strings(prompts, "prompts"));
            }
            Node threshold = fields.get("threshold");
            if (threshold != null && !isNull(threshold)) {
                label.setThreshold((float) number(threshold));
                thresholdNodes.put(entry, threshold);
            }
            Node examples = fields.get("examples");
            if (examples != null && !isNull(examples)) {
                label.setExamples(examples(examples));
            }
            Node weight = fields.get("exampleWeight");
            if (weight != null && !isNull(weight)) {
                label.setExampleWeight((float) number(weight));
            }
        } else {
            throw invalid(entry, "a label is a name or a mapping {name, prompts, threshold, examples, exampleWeight}");
        }
        labelNodes.add(entry);
        return label.setName(string(nameNode)).build();
    }

    /** Each example: an http(s) URL as it is, or an image file read to be sent inline. */
    private List<LabelExample> examples(Node node) throws Invalid {
        if (!(node instanceof SequenceNode seq)) {
            throw invalid(node, "examples: expected a list of image files or http(s) URLs");
        }
        List<LabelExample> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String text = string(item);
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                out.add(new LabelExample(null, text));
                continue;
            }
            Path image = file.toAbsolutePath().getParent().resolve(text);
            try {
                long size = Files.size(image);
                if (size > maxImageBytes) {
                    throw invalid(
                            item,
                            "example " + image + " has " + size + " bytes, over image.max.bytes (" + maxImageBytes
                                    + ")");
                }
                out.add(new LabelExample(ByteBuffer.wrap(Files.readAllBytes(image)), null));
            } catch (IOException e) {
                throw invalid(item, "example " + image + " cannot be read: " + e);
            }
        }
        return out;
    }

    private List<String> templates(Node node) throws Invalid {
        if (node instanceof ScalarNode scalar) {
            String name = scalar.getValue();
            if (!TEMPLATE_NAMES.contains(name)) {
                throw invalid(
                        node,
                        "templates: expected openai, simple, default or a list of templates with {}, got \"" + name
                                + "\"");
            }
            try {
                return PromptTemplates.named(name).templates();
            } catch (IOException e) {
                throw invalid(node, "templates " + name + ": " + e.getMessage());
            }
        }
        List<String> list = strings(node, "templates");
        templateNodes.addAll(((SequenceNode) node).getValue());
        return list;
    }

    /** The node a rule's message is about: the label, threshold or template it quotes, else the field it names. */
    private Node culprit(String problem, LabelSet set) {
        Matcher quoted = QUOTED.matcher(problem);
        String name = quoted.find() ? quoted.group(1) : null;
        List<Label> labels = set.getLabels();
        if (problem.startsWith("duplicate label name") && name != null) {
            boolean seen = false;
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).getName().equals(name)) {
                    if (seen) {
                        return labelNodes.get(i);
                    }
                    seen = true;
                }
            }
        }
        if (problem.startsWith("label \"") && name != null) {
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i).getName().equals(name)) {
                    Node label = labelNodes.get(i);
                    return problem.contains("threshold") ? thresholdNodes.getOrDefault(label, label) : label;
                }
            }
        }
        if (problem.startsWith("a label has an empty name") || problem.startsWith("a label name")) {
            Matcher limit = Pattern.compile("longer than (\\d+)").matcher(problem);
            int longest = limit.find() ? Integer.parseInt(limit.group(1)) : Integer.MAX_VALUE;
            for (int i = 0; i < labels.size(); i++) {
                String n = labels.get(i).getName();
                if (n.isBlank() || n.length() > longest) {
                    return labelNodes.get(i);
                }
            }
        }
        if (problem.startsWith("template without")) {
            for (int i = 0; i < templateNodes.size(); i++) {
                if (!set.getTemplates().get(i).contains("{}")) {
                    return templateNodes.get(i);
                }
            }
            return templatesNode;
        }
        if (problem.startsWith("topK")) {
            return topKNode;
        }
        if (problem.startsWith("label set id") || problem.startsWith("record key")) {
            return idNode;
        }
        if (problem.contains(" prompts (labels × templates)")) {
            return templatesNode != null ? templatesNode : labelsNode;
        }
        return labelsNode;
    }

    private Map<String, Node> fields(MappingNode map, Set<String> allowed) throws Invalid {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null || !allowed.contains(key)) {
                throw invalid(
                        t.getKeyNode(),
                        "unknown field " + (key == null ? "" : "\"" + key + "\"") + " (expected one of "
                                + new java.util.TreeSet<>(allowed) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw invalid(t.getKeyNode(), "duplicate field \"" + key + "\"");
            }
        }
        return out;
    }

    private Node require(Map<String, Node> fields, String key, Node parent) throws Invalid {
        Node node = fields.get(key);
        if (node == null || isNull(node)) {
            throw invalid(node != null ? node : parent, "missing " + key);
        }
        return node;
    }

    private String string(Node node) throws Invalid {
        if (!(node instanceof ScalarNode s) || isNull(node)) {
            throw invalid(node, "expected a text");
        }
        return s.getValue();
    }

    private List<String> strings(Node node, String what) throws Invalid {
        if (!(node instanceof SequenceNode seq)) {
            throw invalid(node, what + ": expected a list of texts");
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            out.add(string(item));
        }
        return out;
    }

    private long integer(Node node, long min, long max) throws Invalid {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                long value = Long.parseLong(s.getValue().replace("_", ""));
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw invalid(
                node,
                "expected a whole number" + (min == 0 ? " ≥ 0" : "") + ", got "
                        + (node instanceof ScalarNode s ? "\"" + s.getValue() + "\"" : "a " + node.getNodeId()));
    }

    private double number(Node node) throws Invalid {
        if (node instanceof ScalarNode s
                && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
            try {
                return Double.parseDouble(s.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw invalid(
                node,
                "expected a number, got "
                        + (node instanceof ScalarNode s ? "\"" + s.getValue() + "\"" : "a " + node.getNodeId()));
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    private Invalid invalid(Node node, String message) {
        return new Invalid((node == null ? file + ": " : at(node.getStartMark())) + message);
    }

    private String at(Mark mark) {
        return mark == null ? file + ": " : file + ":" + (mark.getLine() + 1) + ": ";
    }
}
