package io.caresstream.promptgenerator.variants;

import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.keys.ContentHash;
import io.caresstream.events.Method;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The instructions given to the attacker model, one set of templates per method (several framings for
 * indirect, several personas for role-play). Each template is a text with a {@value #PLACEHOLDER}
 * placeholder and a version, the first 8 hex digits of its SHA-256, recorded on every rewrite it made.
 * A templates folder replaces the built-in templates of each method it has files for.
 */
public final class AttackTemplates {

    public static final String PLACEHOLDER = "{{base_prompt}}";
    private static final String BUILT_IN = "/variants/templates/";

    /** A template: method/name@version, and its text. */
    public record Template(Method method, String name, String text, String version) {

        public String id() {
            return CaresCodes.code(method) + "/" + name + "@" + version;
        }

        public String fill(String basePrompt) {
            return text.replace(PLACEHOLDER, basePrompt);
        }
    }

    private final String system;
    private final Map<Method, List<Template>> byMethod;

    private AttackTemplates(String system, Map<Method, List<Template>> byMethod) {
        this.system = system;
        this.byMethod = byMethod;
    }

    /** The built-in templates, with those of the folder (if any) in place of a method's built-in ones. */
    public static AttackTemplates load(Optional<Path> folder) {
        String system = resource("system.txt");
        Map<Method, List<Template>> byMethod = new EnumMap<>(Method.class);
        for (String line : resource("index.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] parts = line.split("/", 2);
            add(byMethod, parts[0], parts[1], resource(line + ".txt"), "built-in template " + line);
        }
        if (folder.isPresent()) {
            Path dir = folder.get();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cares.attacker.templates-dir: " + dir + " is not a folder");
            }
            Map<Method, List<Template>> custom = new EnumMap<>(Method.class);
            try (Stream<Path> files = Files.walk(dir, 2)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                    if (file.getParent().equals(dir)) {
                        if (file.getFileName().toString().equals("system.txt")) {
                            system = Files.readString(file);
                        }
                        continue;
                    }
                    String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
                    add(custom, file.getParent().getFileName().toString(), name, Files.readString(file), file.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read attacker templates in " + dir, e);
            }
            byMethod.putAll(custom);
        }
        return new AttackTemplates(system.strip(), byMethod);
    }

    public String system() {
        return system;
    }

    public List<Template> of(Method method) {
        return byMethod.getOrDefault(method, List.of());
    }

    /** The template a base prompt gets for a method: fixed by the seed, spread evenly over the templates. */
    public Template choose(Method method, long seed, String basePromptId) {
        List<Template> templates = of(method);
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no attacker template for method " + CaresCodes.code(method));
        }
        return templates.get((int) Math.floorMod(io.caresstream.suites.variants.SeededOrder.rank(seed,
                basePromptId + "/" + CaresCodes.code(method)), (long) templates.size()));
    }

    private static void add(Map<Method, List<Template>> byMethod, String methodCode, String name, String text,
                            String where) {
        Method method = CaresCodes.method(methodCode).filter(m -> m != Method.DIRECT).orElseThrow(() ->
                new IllegalArgumentException(where + ": folder '" + methodCode
                        + "' is not a rewrite method (indirect, obfuscate, role_play)"));
        if (!text.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException(where + ": has no " + PLACEHOLDER + " placeholder");
        }
        List<Template> list = byMethod.computeIfAbsent(method, m -> new ArrayList<>());
        list.add(new Template(method, name, text, ContentHash.sha256Hex(text).substring(0, 8)));
        list.sort(Comparator.comparing(Template::name));
    }

    private static String resource(String name) {
        try (InputStream in = AttackTemplates.class.getResourceAsStream(BUILT_IN + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in attacker template missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
