package io.caresstream.scorer.streams;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The token this instance shows other scorer instances ({@code /internal/*} needs the service role), read
 * from a secret file ({@code CARES_SERVICE_TOKEN_FILE}). Read again when the file changes, so a renewed
 * token is used without a restart.
 */
@ApplicationScoped
public class ServiceToken {

    private final Optional<Path> file;
    private long readAtModified = Long.MIN_VALUE;
    private String token;

    public ServiceToken(@ConfigProperty(name = "cares.auth.service-token-file") Optional<String> file) {
        this.file = file.filter(f -> !f.isBlank()).map(Path::of);
    }

    /** The current token, or empty when none is configured (then other instances refuse this one's calls). */
    public synchronized Optional<String> current() {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            long modified = Files.getLastModifiedTime(file.get()).toMillis();
            if (modified != readAtModified) {
                token = Files.readString(file.get()).trim();
                readAtModified = modified;
            }
        } catch (IOException e) {
            Log.warnf("cannot read the service token file %s (%s); calls to other instances go without it",
                    file.get(), e.getClass().getSimpleName());
            return Optional.ofNullable(token);
        }
        return Optional.of(token);
    }
}
