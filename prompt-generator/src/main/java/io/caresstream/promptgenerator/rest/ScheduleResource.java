package io.caresstream.promptgenerator.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.promptgenerator.variants.GenerationSchedule;
import io.caresstream.promptgenerator.variants.ScheduledGeneration;
import io.caresstream.promptgenerator.variants.VariantGenerator;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

@Path("/api/schedules")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ScheduleResource {

    /** A schedule as sent: the name comes from the path. */
    public record ScheduleRequest(String suite, String cron, List<String> methods, String generator, Integer sample) {
    }

    private final ScheduledGeneration schedules;

    public ScheduleResource(ScheduledGeneration schedules) {
        this.schedules = schedules;
    }

    @GET
    @Operation(summary = "Recurring generations: from configuration and added at run time, with their next run")
    public List<ScheduledGeneration.Listed> list() {
        return schedules.list();
    }

    @PUT
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{name}")
    @Operation(summary = "Add or replace a recurring generation of new rewrites for a suite",
            description = "cron in Quartz syntax (e.g. \"0 0 2 * * ?\" for 02:00 daily); methods default to obfuscate; "
                    + "sample is the number of base prompts rewritten per run (all without it). The seed is the day. "
                    + "Kept in the schedule store, so it survives restarts.")
    @APIResponse(responseCode = "200", description = "Scheduled")
    @APIResponse(responseCode = "400", description = "A missing field, a bad cron, method, generator or sample")
    public ScheduledGeneration.Listed put(@PathParam("name") String name, ScheduleRequest request) {
        if (request == null) {
            throw new BadRequestException("a schedule needs at least 'suite' and 'cron'");
        }
        try {
            return schedules.put(new GenerationSchedule(name, request.suite(), request.cron(), request.methods(),
                    request.generator(), request.sample()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("schedule '" + name + "': " + e.getMessage());
        }
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{name}")
    @Operation(summary = "Remove a recurring generation added at run time")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such schedule")
    public void remove(@PathParam("name") String name) {
        if (!schedules.remove(name)) {
            throw new NotFoundException("no schedule '" + name + "'");
        }
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{name}/run")
    @Operation(summary = "Run a schedule now, as it would run on the given day (default today)")
    @APIResponse(responseCode = "200", description = "One report per method")
    @APIResponse(responseCode = "404", description = "No such schedule")
    public List<VariantGenerator.Report> run(@PathParam("name") String name, @QueryParam("day") String day) {
        GenerationSchedule schedule = schedules.find(name)
                .orElseThrow(() -> new NotFoundException("no schedule '" + name + "'"));
        try {
            return schedules.run(schedule, day == null || day.isBlank() ? LocalDate.now(java.time.ZoneOffset.UTC)
                    : LocalDate.parse(day));
        } catch (DateTimeParseException e) {
            throw new BadRequestException("day must be an ISO date such as 2026-11-26, got '" + day + "'");
        }
    }
}
