package io.caresstream.promptgenerator.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.promptgenerator.domain.ImportReport;
import io.caresstream.promptgenerator.domain.Selection;
import io.caresstream.suites.reading.SuiteSource;
import io.caresstream.promptgenerator.domain.SuiteSummary;
import io.caresstream.suites.hub.HubClient;
import io.caresstream.promptgenerator.importing.ImportRoots;
import io.caresstream.promptgenerator.importing.SuiteImporter;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.events.Method;
import io.caresstream.events.text.ClientText;
import io.caresstream.promptgenerator.variants.GenerationSchedule;
import io.caresstream.promptgenerator.variants.VariantGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

@Path("/api/suites")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class SuiteResource {

    /**
     * An import of a file on the server, below a folder the operator allows (cares.import.roots): JSONL, CSV or
     * Parquet (format: jsonl, csv or parquet; by default from the extension), in the CARES-18K schema or
     * translated by a field mapping.
     */
    public record ImportRequest(String file, String format, FieldMapping mapping, Selection selection, String dataset,
                                String revision, String split, String suite, String onError) {
    }

    /** The options of an uploaded import: those of {@link ImportRequest} without the path. */
    public record UploadOptions(String format, FieldMapping mapping, Selection selection, String dataset,
                                String revision, String split, String suite, String onError) {
        static final UploadOptions NONE = new UploadOptions(null, null, null, null, null, null, null, null);
    }

    /**
     * An import of a split of a data set on the Hugging Face hub, at a pinned revision; access: files (the
     * split's Parquet files, the default) or viewer (the dataset viewer's rows API, current commit only).
     */
    public record HubImportRequest(String dataset, String revision, String split, String access, FieldMapping mapping,
                                   Selection selection, String suite, String onError) {
    }

    /** CARES-18K on the hub and the revision this project pins (see the benchmark reference). */
    public static final String CARES_DATASET = "HFXM/CARES-18K";
    public static final String CARES_REVISION = "49f6ff9caffe31bbd33b6272b72ef0b78a23ff26";

    /**
     * Rewrites to generate for a suite's base prompts: method indirect, obfuscate or role_play; generator
     * deterministic (obfuscate only, the default for it) or attacker (the attacker model and its templates).
     */
    public record VariantRequest(String method, String generator, Long seed, Integer sample) {
    }

    private final SuiteImporter importer;
    private final SuiteCatalogue catalogue;
    private final VariantGenerator variants;
    private final ImportRoots roots;
    private final ObjectMapper json;

    public SuiteResource(SuiteImporter importer, SuiteCatalogue catalogue, VariantGenerator variants, ImportRoots roots,
                         ObjectMapper json) {
        this.json = json;
        this.importer = importer;
        this.catalogue = catalogue;
        this.variants = variants;
        this.roots = roots;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{suite: .+}/variants")
    @Operation(summary = "Generate adversarial rewrites of a suite's base prompts and publish them into it",
            description = "indirect and role_play are written by the attacker model (cares.attacker.*) with the "
                    + "project's templates (several framings and personas, chosen per base prompt by the seed); "
                    + "obfuscate is model-free by default (at least half of the key words replaced, with the "
                    + "decoding key) or written by the attacker. Rewrites the suite already holds, or near-duplicates "
                    + "of them, are skipped; failed ones (refused, empty, unchanged, call failed) are counted by reason.")
    @APIResponse(responseCode = "200", description = "Generated; the report accounts for every base prompt")
    @APIResponse(responseCode = "400", description = "Not a rewrite method, or a generator the method does not have")
    @APIResponse(responseCode = "404", description = "No such suite on the prompt log")
    public VariantGenerator.Report generateVariants(@PathParam("suite") String suite, VariantRequest request) {
        VariantRequest r = request == null ? new VariantRequest(null, null, null, null) : request;
        if (r.sample() != null && r.sample() < 1) {
            throw new BadRequestException("sample must be at least 1 base prompt, got " + r.sample());
        }
        if (catalogue.summary(suite).isEmpty()) {
            throw new NotFoundException("no suite '" + suite + "' on the prompt log");
        }
        try {
            Method method = GenerationSchedule.method(orDefault(r.method(), "obfuscate"));
            VariantGenerator.Generator generator = VariantGenerator.Generator.parse(
                    orDefault(r.generator(), method == Method.OBFUSCATE ? "deterministic" : "attacker"));
            // The generator refuses a method it cannot write (a model-free indirect or role-play rewrite).
            return variants.generate(suite, method, generator, r.seed() == null ? 0 : r.seed(),
                    Optional.ofNullable(r.sample()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    @GET
    @Operation(summary = "Suites on the prompt log, with counts by principle, harm level and method")
    public Collection<SuiteSummary> list() {
        return catalogue.summaries();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/import")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import an uploaded JSONL, CSV or Parquet suite into the prompt log",
            description = "The part 'file' holds the suite (format from the part's file name unless options.format says);"
                    + " the optional JSON part 'options' holds format, mapping, selection, dataset, revision, split, suite"
                    + " and onError. Reads, maps and checks every row, applies the selection, then publishes one prompt"
                    + " event per prompt. By default one malformed row rejects the whole import and nothing is published.")
    @APIResponse(responseCode = "200", description = "Published; the report accounts for every row read")
    @APIResponse(responseCode = "400", description = "No file part, an empty file, unknown format, option, mapping field or selection value")
    @APIResponse(responseCode = "413", description = "Larger than the upload limit (CARES_MAX_UPLOAD, default 256M)")
    @APIResponse(responseCode = "422", description = "Rejected: malformed rows (listed by file, line and field), nothing published")
    public Response upload(@RestForm("file") FileUpload file,
                           @RestForm("options") @PartType(MediaType.APPLICATION_JSON) UploadOptions options) throws IOException {
        if (file == null) {
            throw new BadRequestException("the multipart part 'file' is required: a JSONL, CSV or Parquet file in the CARES-18K schema");
        }
        UploadOptions o = options == null ? UploadOptions.NONE : options;
        String name = ClientText.fileName(file.fileName(), "upload.jsonl");
        return importFile(file.uploadedFile(), name, new ImportRequest(name, o.format(), o.mapping(), o.selection(),
                o.dataset(), o.revision(), o.split(), o.suite(), o.onError()));
    }

    /** Content types of a suite sent as the request's whole body, and the format each names. */
    private static final Map<String, SuiteReader.Format> BODY_FORMATS = Map.of(
            "application/x-ndjson", SuiteReader.Format.JSONL,
            "application/jsonl", SuiteReader.Format.JSONL,
            "text/csv", SuiteReader.Format.CSV,
            "application/vnd.apache.parquet", SuiteReader.Format.PARQUET);

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/import")
    @Consumes({"application/x-ndjson", "application/jsonl", "text/csv", "application/vnd.apache.parquet",
            MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Import a JSONL, CSV or Parquet suite sent as the request body, read while it arrives",
            description = "The body is the suite; the query holds 'name' (the file's name, for the format when the"
                    + " content type does not say it, and for errors) and 'options' (the same JSON as the multipart"
                    + " part). JSON Lines and CSV rows are read and checked as the body streams in, so the prompts"
                    + " start to move as soon as the last byte is in; this is how `cares import` sends a file."
                    + " Otherwise as the multipart upload.")
    @APIResponse(responseCode = "200", description = "Published; the report accounts for every row read")
    @APIResponse(responseCode = "400", description = "An empty body, unknown format, option, mapping field or selection value")
    @APIResponse(responseCode = "413", description = "Larger than the upload limit (CARES_MAX_UPLOAD, default 256M)")
    @APIResponse(responseCode = "422", description = "Rejected: malformed rows (listed by file, line and field), nothing published")
    public Response uploadBody(InputStream body, @HeaderParam("Content-Type") String contentType,
                               @QueryParam("name") String fileName, @QueryParam("options") String optionsJson)
            throws IOException {
        UploadOptions o = optionsJson == null || optionsJson.isBlank()
                ? UploadOptions.NONE
                : checked(() -> {
                    try {
                        return json.readValue(optionsJson, UploadOptions.class);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("the query parameter 'options' is not the options' JSON ("
                                + ClientText.excerpt(e.getMessage().lines().findFirst().orElse("")) + ")");
                    }
                });
        String name = ClientText.fileName(fileName, "upload.jsonl");
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        ImportRequest request = new ImportRequest(name, o.format() != null && !o.format().isBlank() ? o.format()
                : Optional.ofNullable(BODY_FORMATS.get(type)).map(Enum::name).orElse(null), o.mapping(), o.selection(),
                o.dataset(), o.revision(), o.split(), o.suite(), o.onError());
        Import read = (format, mapping, selection, source, onError) ->
                importer.importStream(body, name, format, mapping, selection, source, onError);
        return importWith(read, name, request);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/import-path")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a JSONL, CSV or Parquet suite from a folder on the server the operator allows",
            description = "Only below the folders in cares.import.roots (CARES_IMPORT_ROOTS; none by default: upload"
                    + " instead), checked after normalisation and symbolic links. Otherwise as the upload.")
    @APIResponse(responseCode = "200", description = "Published; the report accounts for every row read")
    @APIResponse(responseCode = "400", description = "Missing path, file not found below a root, unknown format, option, mapping field or selection value")
    @APIResponse(responseCode = "403", description = "Reading by path is off, or the path is not below an import root")
    @APIResponse(responseCode = "422", description = "Rejected: malformed rows (listed by file, line and field), nothing published")
    public Response importSuite(ImportRequest request) throws IOException {
        if (request == null || request.file() == null || request.file().isBlank()) {
            throw new BadRequestException("'file' is required: the path of a JSONL, CSV or Parquet file below an import root"
                    + " (or upload the file as multipart part 'file')");
        }
        java.nio.file.Path file;
        try {
            file = roots.resolve(request.file());
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadRequestException("bad import request: not a path");
        } catch (ImportRoots.ForbiddenPathException e) {
            throw new ForbiddenException(e.getMessage());
        }
        return importFile(file, request.file(), request);
    }

    /** Imports a file, named in the report and its row errors as the client knows it. */
    private Response importFile(java.nio.file.Path file, String name, ImportRequest request) throws IOException {
        return importWith((format, mapping, selection, source, onError) ->
                importer.importFile(file, name, format, mapping, selection, source, onError), name, request);
    }

    /** A read of one suite, from a file or a request's body, with the request's options resolved. */
    private interface Import {
        ImportReport run(SuiteReader.Format format, FieldMapping mapping, Selection selection, SuiteSource source,
                         SuiteImporter.OnError onError) throws IOException;
    }

    private Response importWith(Import read, String name, ImportRequest request) throws IOException {
        SuiteReader.Format format = checked(() -> request.format() == null || request.format().isBlank()
                ? SuiteReader.Format.of(java.nio.file.Path.of(name)) : SuiteReader.Format.valueOf(request.format().toUpperCase(Locale.ROOT)));
        SuiteSource source = checked(() -> new SuiteSource(orDefault(request.dataset(), "cares-sample"),
                orDefault(request.revision(), "local"), orDefault(request.split(), "test"), request.suite()));
        try {
            return respond(read.run(format, orIdentity(request.mapping()), orAll(request.selection()), source,
                    onError(request.onError())));
        } catch (NoSuchFileException e) {
            throw new BadRequestException("file not found: " + name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/import-hub")
    @Operation(summary = "Import a split of a data set from the Hugging Face hub (default: CARES-18K at the pinned revision)",
            description = "Resolves the revision through the hub API, then downloads the split's Parquet files at that "
                    + "commit (access files, the default; checked against the hub's SHA-256) or pages through the "
                    + "dataset viewer's rows API (access viewer; current commit only). The endpoints are settings "
                    + "(cares.hub.endpoint, cares.hub.viewer-endpoint).")
    @APIResponse(responseCode = "200", description = "Published; the report accounts for every row read")
    @APIResponse(responseCode = "400", description = "Unknown data set, revision or split, a revision the viewer does not serve, or a bad option")
    @APIResponse(responseCode = "502", description = "The hub failed or sent a corrupt file after retries")
    @APIResponse(responseCode = "422", description = "Rejected: malformed rows (named by row), nothing published")
    public Response importFromHub(HubImportRequest request) throws IOException {
        HubImportRequest r = request == null ? new HubImportRequest(null, null, null, null, null, null, null, null) : request;
        String dataset = orDefault(r.dataset(), CARES_DATASET);
        String revision = orDefault(r.revision(), CARES_REVISION);
        String split = orDefault(r.split(), "test");
        SuiteImporter.HubAccess access = checked(() -> SuiteImporter.HubAccess.valueOf(
                orDefault(r.access(), "files").toUpperCase(Locale.ROOT)));
        try {
            // Suites are named by the commit the revision resolves to, so a moved tag is a new suite.
            return respond(importer.importHub(dataset, revision, split, access, orIdentity(r.mapping()),
                    orAll(r.selection()), dataset.equals(CARES_DATASET) ? "cares-18k" : dataset, r.suite(),
                    onError(r.onError())));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        } catch (IllegalStateException | HubClient.TransientHubException e) {
            throw new WebApplicationException(e.getMessage(), Response.status(Response.Status.BAD_GATEWAY)
                    .entity(Map.of("error", e.getMessage())).type("application/json").build());
        }
    }

    /** 200 when something was published or nothing was wrong; 422 when the import was rejected. */
    private static Response respond(ImportReport report) {
        boolean rejected = !report.publishedAnything() && report.rejected() > 0;
        return Response.status(rejected ? 422 : 200).entity(report).build();
    }

    private static SuiteImporter.OnError onError(String value) {
        return checked(() -> SuiteImporter.OnError.valueOf(orDefault(value, "reject-all")
                .toUpperCase(Locale.ROOT).replace('-', '_')));
    }

    /** A request value that does not parse is the client's mistake: 400 with the reason. */
    private static <T> T checked(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("bad import request: " + e.getMessage()
                    + " (format: jsonl, csv or parquet; access: files or viewer; onError: reject-all or publish-valid)");
        }
    }

    private static FieldMapping orIdentity(FieldMapping mapping) {
        return mapping == null ? FieldMapping.IDENTITY : mapping;
    }

    private static Selection orAll(Selection selection) {
        return selection == null ? Selection.ALL : selection;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
