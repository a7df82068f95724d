package io.caresstream.promptgenerator.importing;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The server-side folders an operator lets clients import from by path ({@code cares.import.roots},
 * {@code CARES_IMPORT_ROOTS}); none by default, so that a client can only upload. A path is allowed when it
 * lies below a root both as written (normalised) and once symbolic links are followed; otherwise it is refused
 * without looking at the file, so a refusal tells nothing about what exists outside the roots.
 */
@ApplicationScoped
public class ImportRoots {

    /** A path the client may not read. Its message names no file content and nothing outside the roots. */
    public static final class ForbiddenPathException extends RuntimeException {
        ForbiddenPathException(String message) {
            super(message);
        }
    }

    private final List<Path> roots;

    public ImportRoots(@ConfigProperty(name = "cares.import.roots") Optional<List<String>> roots) {
        this.roots = roots.orElse(List.of()).stream().filter(r -> !r.isBlank())
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
    }

    /**
     * The file to read for a client's path.
     *
     * @throws ForbiddenPathException when reading from paths is off or the path leaves every root
     * @throws InvalidPathException   when the text is not a path at all
     */
    public Path resolve(String requested) throws IOException {
        if (roots.isEmpty()) {
            throw new ForbiddenPathException("importing a file by its path on the server is switched off: upload the"
                    + " file instead (POST /api/suites/import, multipart part 'file'; ./cares import FILE does), or ask"
                    + " the operator to set CARES_IMPORT_ROOTS");
        }
        Path path = Path.of(requested);
        if (!path.isAbsolute()) {
            throw new ForbiddenPathException("a path to import from must be absolute and lie below an import root");
        }
        Path normalised = path.normalize();
        Path root = roots.stream().filter(normalised::startsWith).findFirst()
                .orElseThrow(() -> new ForbiddenPathException("the path is not below an import root (CARES_IMPORT_ROOTS)"));
        if (!Files.exists(normalised)) {
            return normalised; // below a root: "not found" may be said
        }
        // A symbolic link below a root may point anywhere: the real file must lie below the root's real folder.
        Path real = normalised.toRealPath();
        Path realRoot = Files.exists(root) ? root.toRealPath() : root;
        if (!real.startsWith(realRoot)) {
            throw new ForbiddenPathException("the path leads out of its import root (a symbolic link)");
        }
        return real;
    }
}
