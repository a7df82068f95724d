package io.caresstream.providers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where an API key comes from: a named environment variable or a secret file, never configuration
 * values or events. {@link #toString()} never shows the key.
 */
public record ApiKeySource(Optional<String> environmentVariable, Optional<Path> file) {

    public static final ApiKeySource NONE = new ApiKeySource(Optional.empty(), Optional.empty());

    /** The key, or empty when no source is configured (local servers usually need none). */
    public Optional<String> resolve(Map<String, String> environment) {
        if (environmentVariable.isPresent()) {
            String value = environment.get(environmentVariable.get());
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("API key variable " + environmentVariable.get() + " is not set");
            }
            return Optional.of(value.trim());
        }
        if (file.isPresent()) {
            try {
                String value = Files.readString(file.get(), StandardCharsets.UTF_8).trim();
                if (value.isEmpty()) {
                    throw new IllegalStateException("API key file " + file.get() + " is empty");
                }
                return Optional.of(value);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read API key file " + file.get(), e);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return environmentVariable.map(v -> "env:" + v).or(() -> file.map(f -> "file:" + f)).orElse("none");
    }
}
